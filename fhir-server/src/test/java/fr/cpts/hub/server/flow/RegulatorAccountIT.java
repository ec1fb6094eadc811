package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.profiles.SasProfiles;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;
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
    java.util.List<java.util.concurrent.Future<Integer>> runs = new java.util.ArrayList<>();
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
                  return Boolean.TRUE.equals(outcome.getCreated()) ? 201 : 200;
                } catch (BaseServerResponseException e) {
                  return e.getStatusCode();
                }
              }));
    }
    start.countDown();
    java.util.List<Integer> statuses = new java.util.ArrayList<>();
    for (java.util.concurrent.Future<Integer> run : runs) {
      statuses.add(run.get());
    }
    pool.shutdown();

    // Losers of the race may be told to retry (409); none is a server error, one creates.
    assertThat(statuses).allMatch(s -> s == 200 || s == 201 || s == 409);
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    Bundle found = HubClient.of(port).search().byUrl(match).returnBundle(Bundle.class).execute();
    assertThat(found.getTotal()).isEqualTo(1);
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
