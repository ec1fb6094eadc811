package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.gclient.IUpdateExecutable;
import ca.uhn.fhir.rest.gclient.IUpdateTyped;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Conditional writes by identifier of the directory types, sent at the same moment as a GP software
 * retrying, two importer runs or two hub nodes loading the demo would send them: whatever the
 * interleaving, one identifier makes one resource ({@code ConditionalCreateLockInterceptor}).
 */
@HubIntegrationTest
class ConditionalWriteRaceIT {

  private static final AtomicLong NEXT =
      new AtomicLong(30_000_000_000_000L + (System.nanoTime() % 100_000) * 1000);
  private static final int CLIENTS = 20;

  @LocalServerPort int port;
  @Autowired IInterceptorService jpaInterceptors;

  @Test
  void twentySimultaneousConditionalPuts_ofOneNewOrganization_storeExactlyOne() throws Exception {
    String idnst = newIdnst();
    String match = organizationMatch(idnst);

    List<String> outcomes =
        simultaneously(
            CLIENTS,
            i -> put(HubClient.of(port).update().resource(organization(idnst)), match, null));

    assertThat(count(match)).as("Organizations stored; answers %s", outcomes).isEqualTo(1);
    assertOneCreatedOthersMatchedOrToldToRetry(outcomes);
  }

  @Test
  void twentySimultaneousIfNoneExistCreates_ofOneHealthcareService_storeExactlyOne()
      throws Exception {
    String key = "race-" + NEXT.incrementAndGet();
    String condition = "identifier=" + HubIdentifiers.HEALTHCARE_SERVICE + "|" + key;
    String provider =
        HubClient.of(port)
            .create()
            .resource(organization(newIdnst()))
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue();

    List<String> outcomes =
        simultaneously(
            CLIENTS,
            i -> {
              try {
                MethodOutcome outcome =
                    HubClient.of(port)
                        .create()
                        .resource(healthcareService(key, provider))
                        .conditionalByUrl("HealthcareService?" + condition)
                        .execute();
                return answer(outcome);
              } catch (BaseServerResponseException e) {
                return e.getStatusCode() + " " + e.getMessage();
              }
            });

    assertThat(count("HealthcareService?" + condition))
        .as("HealthcareServices stored; answers %s", outcomes)
        .isEqualTo(1);
    assertOneCreatedOthersMatchedOrToldToRetry(outcomes);
  }

  /** As the directory importer sends a practice: a transaction of conditional PUTs. */
  @Test
  void tenSimultaneousTransactions_ofOneNewPractice_storeOneOrganizationAndOneLocation()
      throws Exception {
    String idnst = newIdnst();
    String site = "site-" + idnst;
    String locationMatch = "Location?identifier=" + HubIdentifiers.LOCATION + "|" + site;

    List<String> outcomes =
        simultaneously(
            10,
            i -> {
              Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
              String organizationUrl = "urn:uuid:" + java.util.UUID.randomUUID();
              transaction
                  .addEntry()
                  .setFullUrl(organizationUrl)
                  .setResource(organization(idnst))
                  .getRequest()
                  .setMethod(Bundle.HTTPVerb.PUT)
                  .setUrl(organizationMatch(idnst));
              Location location = location(site);
              location.setManagingOrganization(new Reference(organizationUrl));
              transaction
                  .addEntry()
                  .setResource(location)
                  .getRequest()
                  .setMethod(Bundle.HTTPVerb.PUT)
                  .setUrl(locationMatch);
              try {
                Bundle answer = HubClient.of(port).transaction().withBundle(transaction).execute();
                return answer.getEntry().get(0).getResponse().getStatus();
              } catch (BaseServerResponseException e) {
                return e.getStatusCode() + " " + e.getMessage();
              }
            });

    assertThat(count(organizationMatch(idnst)))
        .as("Organizations stored; answers %s", outcomes)
        .isEqualTo(1);
    assertThat(count(locationMatch)).as("Locations stored; answers %s", outcomes).isEqualTo(1);
    assertOneCreatedOthersMatchedOrToldToRetry(outcomes);
  }

  /**
   * The interleaving that made two Organizations, made to happen every time: a conditional PUT
   * finds nothing and passes the hub's checks, then waits; meanwhile a second PUT creates the
   * Organization and a third updates it (which deletes HAPI's HFJ_RES_SEARCH_URL guard row); then
   * the first goes on storing.
   */
  @Test
  void conditionalPut_heldAfterItsChecks_whileAnotherCreatesAndAThirdUpdates_storesNoSecond()
      throws Exception {
    String idnst = newIdnst();
    String match = organizationMatch(idnst);
    RegulatorAccountIT.HoldCreate hold = new RegulatorAccountIT.HoldCreate();
    jpaInterceptors.registerInterceptor(hold);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<String> held =
          CompletableFuture.supplyAsync(
              () ->
                  put(
                      HubClient.of(port).update().resource(organization(idnst)),
                      match,
                      RegulatorAccountIT.HoldCreate.HEADER),
              pool);
      assertThat(hold.held.await(30, TimeUnit.SECONDS)).as("the first PUT is held").isTrue();
      CompletableFuture<List<String>> others =
          CompletableFuture.supplyAsync(
              () ->
                  List.of(
                      put(HubClient.of(port).update().resource(organization(idnst)), match, null),
                      put(HubClient.of(port).update().resource(organization(idnst)), match, null)),
              pool);
      try {
        // Without a lock they are done at once; with one they wait for the held PUT.
        others.get(2, TimeUnit.SECONDS);
      } catch (TimeoutException waiting) {
        // they wait: the held PUT goes on below
      }
      hold.release.countDown();
      List<String> outcomes = new ArrayList<>();
      outcomes.add(held.get(60, TimeUnit.SECONDS));
      outcomes.addAll(others.get(60, TimeUnit.SECONDS));

      assertThat(count(match)).as("Organizations stored; answers %s", outcomes).isEqualTo(1);
      assertOneCreatedOthersMatchedOrToldToRetry(outcomes);
      assertThat(outcomes)
          .as("the waiting PUTs are retried by the hub and update what the held one created")
          .filteredOn(o -> o.startsWith("200 "))
          .hasSize(2);
    } finally {
      hold.release.countDown();
      jpaInterceptors.unregisterInterceptor(hold);
      pool.shutdown();
    }
  }

  private List<String> simultaneously(int clients, Function<Integer, String> call)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> runs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int n = i;
      runs.add(
          pool.submit(
              () -> {
                start.await();
                return call.apply(n);
              }));
    }
    start.countDown();
    List<String> outcomes = new ArrayList<>();
    for (Future<String> run : runs) {
      outcomes.add(run.get(120, TimeUnit.SECONDS));
    }
    pool.shutdown();
    return outcomes;
  }

  /** "201 Type/id", "200 Type/id" or the status and message of the error. */
  private static String put(IUpdateTyped put, String match, String header) {
    IUpdateExecutable call = put.conditionalByUrl(match);
    if (header != null) {
      call = call.withAdditionalHeader(header, "1");
    }
    try {
      return answer(call.execute());
    } catch (BaseServerResponseException e) {
      return e.getStatusCode() + " " + e.getMessage();
    }
  }

  private static String answer(MethodOutcome outcome) {
    return (Boolean.TRUE.equals(outcome.getCreated()) ? "201 " : "200 ")
        + outcome.getId().toUnqualifiedVersionless().getValue();
  }

  /** Losers of a race may be told to retry (409); none is a server error, exactly one creates. */
  private static void assertOneCreatedOthersMatchedOrToldToRetry(List<String> outcomes) {
    List<Integer> statuses =
        outcomes.stream().map(o -> Integer.parseInt(o.substring(0, 3))).toList();
    assertThat(statuses).as("answers %s", outcomes).allMatch(s -> s == 200 || s == 201 || s == 409);
    assertThat(statuses).as("answers %s", outcomes).filteredOn(s -> s == 201).hasSize(1);
  }

  private int count(String match) {
    return HubClient.of(port)
        .search()
        .byUrl(match + "&_summary=count")
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private static String newIdnst() {
    return FrIdentifiers.IDNST_SIRET_PREFIX + NEXT.incrementAndGet();
  }

  private static String organizationMatch(String idnst) {
    return "Organization?identifier=" + FrIdentifiers.IDNST + "|" + idnst;
  }

  private static Organization organization(String idnst) {
    Organization organization = HubClient.example("Organization-ex-cabinet-kercado.json");
    organization.getIdentifier().get(0).setValue(idnst);
    organization.getIdentifier().get(1).setValue(idnst.substring(1));
    return organization;
  }

  private static Location location(String key) {
    Location location = HubClient.example("Location-ex-lieu-kercado.json");
    location.getIdentifierFirstRep().setValue(key);
    return location;
  }

  private static HealthcareService healthcareService(String key, String provider) {
    HealthcareService service = HubClient.example("HealthcareService-ex-cpts-snp.json");
    service.getIdentifierFirstRep().setValue(key);
    service.setProvidedBy(new Reference(provider));
    return service;
  }
}
