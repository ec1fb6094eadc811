package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.IUpdateExecutable;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.profiles.SasProfiles;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Regulator accounts (INT_R02): the SAS platform creates and updates its regulators' Practitioners,
 * labelled with its FrPractitionerRegul profile, identified by IDNPS or by its own UUID; judged as
 * the SAS test kit judges them.
 */
@HubIntegrationTest
class RegulatorAccountIT {

  private static final AtomicLong NEXT =
      new AtomicLong(810000200000L + (System.nanoTime() % 1000) * 100);

  @LocalServerPort int port;
  @Autowired IInterceptorService jpaInterceptors;

  @Test
  void post_withIdnps_is201_andTheSamePostAgain_is409() {
    IGenericClient client = HubClient.of(port);
    Practitioner regulator = regulator(FrIdentifiers.IDNPS, Long.toString(NEXT.incrementAndGet()));

    MethodOutcome created = client.create().resource(regulator).execute();
    assertThat(created.getCreated()).isTrue();
    Practitioner stored =
        client
            .read()
            .resource(Practitioner.class)
            .withId(created.getId().toUnqualifiedVersionless())
            .execute();
    assertThat(stored.getMeta().getProfile())
        .extracting(p -> p.getValue())
        .contains(SasProfiles.PRACTITIONER_REGULATOR, HubProfiles.PRACTITIONER_REGULATOR);

    assertThatThrownBy(() -> client.create().resource(regulator).execute())
        .isInstanceOf(ResourceVersionConflictException.class)
        .satisfies(e -> assertThat(diagnostics(e)).contains("HUB-0431"));
  }

  @Test
  void post_withSasUuid_is201() {
    MethodOutcome created =
        HubClient.of(port)
            .create()
            .resource(regulator(SasProfiles.SAS_REGULATOR_UUID, UUID.randomUUID().toString()))
            .execute();
    assertThat(created.getCreated()).isTrue();
  }

  @Test
  void post_withoutIdentifierNameTelecomOrActive_is4xx() {
    IGenericClient client = HubClient.of(port);
    Practitioner noIdentifier = regulator(FrIdentifiers.IDNPS, "x");
    noIdentifier.getIdentifier().clear();
    Practitioner noName = regulator(SasProfiles.SAS_REGULATOR_UUID, UUID.randomUUID().toString());
    noName.getName().clear();
    Practitioner noTelecom =
        regulator(SasProfiles.SAS_REGULATOR_UUID, UUID.randomUUID().toString());
    noTelecom.getTelecom().clear();
    Practitioner noActive = regulator(SasProfiles.SAS_REGULATOR_UUID, UUID.randomUUID().toString());
    noActive.setActiveElement(null);
    for (Practitioner invalid : java.util.List.of(noIdentifier, noName, noTelecom, noActive)) {
      assertThatThrownBy(() -> client.create().resource(invalid).execute())
          .isInstanceOf(BaseServerResponseException.class)
          .satisfies(
              e ->
                  assertThat(((BaseServerResponseException) e).getStatusCode())
                      .isBetween(400, 499));
    }
  }

  @Test
  void conditionalPut_createsThenUpdatesThenDeactivates_idempotently() {
    IGenericClient client = HubClient.of(port);
    String uuid = UUID.randomUUID().toString();
    String match = "Practitioner?identifier=" + SasProfiles.SAS_REGULATOR_UUID + "|" + uuid;

    MethodOutcome created =
        client
            .update()
            .resource(regulator(SasProfiles.SAS_REGULATOR_UUID, uuid))
            .conditionalByUrl(match)
            .execute();
    assertThat(created.getCreated()).isTrue();

    Practitioner changed = regulator(SasProfiles.SAS_REGULATOR_UUID, uuid);
    changed.getTelecomFirstRep().setValue("jules.marius@sas.example.fr");
    MethodOutcome updated = client.update().resource(changed).conditionalByUrl(match).execute();
    assertThat(updated.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());

    Practitioner deactivated = regulator(SasProfiles.SAS_REGULATOR_UUID, uuid);
    deactivated.setActive(false);
    client.update().resource(deactivated).conditionalByUrl(match).execute();
    client.update().resource(deactivated).conditionalByUrl(match).execute();

    Bundle found = client.search().byUrl(match).returnBundle(Bundle.class).execute();
    assertThat(found.getTotal()).isEqualTo(1);
    Practitioner stored = (Practitioner) found.getEntryFirstRep().getResource();
    assertThat(stored.getActive()).isFalse();
    assertThat(stored.getTelecomFirstRep().getValue()).isEqualTo("jules.marius@test.example.fr");
  }

  @Test
  void tenSimultaneousConditionalPuts_ofOneNewRegulator_leaveExactlyOnePractitioner()
      throws Exception {
    String uuid = UUID.randomUUID().toString();
    String match = "Practitioner?identifier=" + SasProfiles.SAS_REGULATOR_UUID + "|" + uuid;
    int clients = 10;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(clients);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    java.util.List<java.util.concurrent.Future<String>> runs = new java.util.ArrayList<>();
    for (int i = 0; i < clients; i++) {
      runs.add(
          pool.submit(
              () -> {
                IGenericClient own = HubClient.of(port);
                Practitioner regulator = regulator(SasProfiles.SAS_REGULATOR_UUID, uuid);
                start.await();
                try {
                  MethodOutcome outcome =
                      own.update().resource(regulator).conditionalByUrl(match).execute();
                  return (Boolean.TRUE.equals(outcome.getCreated()) ? "201 " : "200 ")
                      + outcome.getId().toUnqualifiedVersionless().getValue();
                } catch (BaseServerResponseException e) {
                  return e.getStatusCode() + " " + e.getMessage();
                }
              }));
    }
    start.countDown();
    java.util.List<String> outcomes = new java.util.ArrayList<>();
    for (java.util.concurrent.Future<String> run : runs) {
      outcomes.add(run.get());
    }
    pool.shutdown();

    // First what was stored (a second Practitioner is the bug), then what the clients were told.
    Bundle found = HubClient.of(port).search().byUrl(match).returnBundle(Bundle.class).execute();
    assertThat(found.getTotal()).as("Practitioners stored; answers %s", outcomes).isEqualTo(1);
    assertOneCreatedOthersMatchedOrToldToRetry(outcomes);
  }

  /**
   * The interleaving that made two Practitioners (the race the test above met once in many runs),
   * made to happen every time: a conditional PUT finds nothing and passes the hub's checks, then
   * waits; meanwhile a second PUT creates the regulator and a third updates it (which deletes the
   * HFJ_RES_SEARCH_URL row that guarded the URL); then the first goes on storing.
   */
  @Test
  void conditionalPut_heldAfterItsChecks_whileAnotherCreatesAndAThirdUpdates_storesNoSecond()
      throws Exception {
    String uuid = UUID.randomUUID().toString();
    String match = "Practitioner?identifier=" + SasProfiles.SAS_REGULATOR_UUID + "|" + uuid;
    HoldCreate hold = new HoldCreate();
    jpaInterceptors.registerInterceptor(hold);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<String> held =
          CompletableFuture.supplyAsync(() -> conditionalPut(match, uuid, HoldCreate.HEADER), pool);
      assertThat(hold.held.await(30, TimeUnit.SECONDS)).as("the first PUT is held").isTrue();
      CompletableFuture<List<String>> others =
          CompletableFuture.supplyAsync(
              () -> List.of(conditionalPut(match, uuid, null), conditionalPut(match, uuid, null)),
              pool);
      try {
        // Without a lock they are done at once; with one they wait for the held PUT.
        others.get(2, TimeUnit.SECONDS);
      } catch (TimeoutException waiting) {
        // they wait: the held PUT goes on below
      }
      hold.release.countDown();
      List<String> outcomes = new java.util.ArrayList<>();
      outcomes.add(held.get(60, TimeUnit.SECONDS));
      outcomes.addAll(others.get(60, TimeUnit.SECONDS));

      Bundle found = HubClient.of(port).search().byUrl(match).returnBundle(Bundle.class).execute();
      assertThat(found.getTotal()).as("Practitioners stored; answers %s", outcomes).isEqualTo(1);
      assertOneCreatedOthersMatchedOrToldToRetry(outcomes);
    } finally {
      hold.release.countDown();
      jpaInterceptors.unregisterInterceptor(hold);
      pool.shutdown();
    }
  }

  /** Holds the first create that carries {@link #HEADER}, after the hub's own checks. */
  @Interceptor
  public static final class HoldCreate {
    static final String HEADER = "X-Test-Hold";
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 1000)
    public void created(IBaseResource resource, RequestDetails request)
        throws InterruptedException {
      if (request != null && request.getHeader(HEADER) != null && held.getCount() > 0) {
        held.countDown();
        release.await(30, TimeUnit.SECONDS);
      }
    }
  }

  /** "201 Practitioner/id", "200 Practitioner/id" or the status and message of the error. */
  private String conditionalPut(String match, String uuid, String header) {
    IUpdateExecutable put =
        HubClient.of(port)
            .update()
            .resource(regulator(SasProfiles.SAS_REGULATOR_UUID, uuid))
            .conditionalByUrl(match);
    if (header != null) {
      put = put.withAdditionalHeader(header, "1");
    }
    try {
      MethodOutcome outcome = put.execute();
      return (Boolean.TRUE.equals(outcome.getCreated()) ? "201 " : "200 ")
          + outcome.getId().toUnqualifiedVersionless().getValue();
    } catch (BaseServerResponseException e) {
      return e.getStatusCode() + " " + e.getMessage();
    }
  }

  /** Losers of a race may be told to retry (409); none is a server error, exactly one creates. */
  private static void assertOneCreatedOthersMatchedOrToldToRetry(List<String> outcomes) {
    List<Integer> statuses =
        outcomes.stream().map(o -> Integer.parseInt(o.substring(0, 3))).toList();
    assertThat(statuses).as("answers %s", outcomes).allMatch(s -> s == 200 || s == 201 || s == 409);
    assertThat(statuses).as("answers %s", outcomes).filteredOn(s -> s == 201).hasSize(1);
  }

  @Test
  void gpSoftware_publishesWithAnUnprefixedRpps_storedWithItsIdnps_idempotently() {
    IGenericClient client = HubClient.of(port);
    String idnps = Long.toString(NEXT.incrementAndGet());
    String rpps = idnps.substring(1);
    Practitioner gp = ConformantPractitioners.of(idnps, "LE GALL", "Anne");
    gp.getIdentifier().clear();
    gp.addIdentifier().setSystem(FrIdentifiers.RPPS).setValue(rpps);
    String match = "Practitioner?identifier=" + FrIdentifiers.RPPS + "|" + rpps;

    MethodOutcome first = client.update().resource(gp).conditionalByUrl(match).execute();
    MethodOutcome second = client.update().resource(gp).conditionalByUrl(match).execute();

    assertThat(first.getCreated()).isTrue();
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    Bundle byIdnps =
        client
            .search()
            .byUrl("Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + idnps)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(byIdnps.getTotal()).isEqualTo(1);
    assertThat(((Practitioner) byIdnps.getEntryFirstRep().getResource()).getIdentifier())
        .extracting(i -> i.getSystem() + "|" + i.getValue())
        .containsExactlyInAnyOrder(
            FrIdentifiers.RPPS + "|" + rpps, FrIdentifiers.IDNPS + "|" + idnps);

    Practitioner unprefixed = ConformantPractitioners.of(rpps, "LE GALL", "Anne");
    assertThatThrownBy(() -> client.create().resource(unprefixed).execute())
        .as("the unprefixed IDNPS is read as the same professional")
        .isInstanceOf(ResourceVersionConflictException.class);
  }

  /** A regulator as the SAS sends it: its profile, FR Core 1.1 identifier type, an e-mail. */
  private static Practitioner regulator(String system, String value) {
    Practitioner regulator = new Practitioner();
    regulator.getMeta().addProfile(SasProfiles.PRACTITIONER_REGULATOR);
    regulator
        .addIdentifier()
        .setType(
            new CodeableConcept(
                new Coding(
                    SasProfiles.FR_V2_0203,
                    FrIdentifiers.IDNPS.equals(system) ? "IDNPS" : "INTRN",
                    null)))
        .setSystem(system)
        .setValue(value);
    regulator.setActive(true);
    regulator.addName().setFamily("MARIUS").addGiven("Jules");
    regulator
        .addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.EMAIL)
        .setValue("jules.marius@test.example.fr");
    return regulator;
  }

  private static String diagnostics(Throwable e) {
    return ((OperationOutcome) ((BaseServerResponseException) e).getOperationOutcome())
        .getIssueFirstRep()
        .getDiagnostics();
  }
}
