package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import fr.cpts.hub.profiles.HubProfileValidator;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.audit.AuditPurgeJob;
import fr.cpts.hub.server.audit.AuditQueue;
import fr.cpts.hub.server.audit.AuditQueueWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The audit trail: every access to personal data leaves an AuditEvent (who, what, when, from where,
 * outcome); the trail is searched by date range only, never written by clients, and purged after
 * its retention.
 */
@HubIntegrationTest
class AuditTrailIT {

  @LocalServerPort int port;
  @Autowired DaoRegistry daos;
  @Autowired AuditPurgeJob purgeJob;
  @Autowired AuditQueue queue;
  @Autowired AuditQueueWriter writer;
  @Autowired HubProfileValidator validator;

  @Test
  void readAndFailedRead_ofAPatient_leaveTheirEvents_aSlotSearchLeavesNone() throws Exception {
    IGenericClient client = HubClient.of(port);
    String patient = BookingFixtures.createPatient(client);
    client.read().resource(Patient.class).withId(patient).execute();
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId("nobody-here").execute())
        .isInstanceOf(ResourceNotFoundException.class);
    int slotEventsBefore = eventsAbout(client, "Slot").size();
    client.search().forResource(Slot.class).returnBundle(Bundle.class).execute();

    List<AuditEvent> created = awaitEvents(client, patient, "create");
    assertThat(created).hasSize(1);
    AuditEvent read = awaitEvents(client, patient, "read").get(0);
    assertThat(read.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
    assertThat(read.getOutcome()).isEqualTo(AuditEventOutcome._0);
    assertThat(read.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("127.0.0.1");
    assertThat(read.getAgentFirstRep().getWho().getDisplay()).isEqualTo("anonymous");
    assertThat(read.getRecorded()).isAfter(Date.from(Instant.now().minusSeconds(120)));
    assertThat(read.getEntityFirstRep().getWhat().getReference()).isEqualTo(patient);
    // Stored without validation (the hub built them): they must conform all the same.
    for (AuditEvent event : List.of(created.get(0), read)) {
      assertThat(
              validator.validate(event).getMessages().stream()
                  .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                  .map(m -> m.getLocationString() + " " + m.getMessage())
                  .toList())
          .isEmpty();
      assertThat(event.getMeta().getProfile())
          .extracting(p -> p.getValue())
          .contains(HubProfiles.AUDIT_EVENT);
    }

    AuditEvent failed = awaitEvents(client, "Patient/nobody-here", "read").get(0);
    assertThat(failed.getOutcome()).isEqualTo(AuditEventOutcome._4);
    assertThat(failed.getOutcomeDesc()).isEqualTo("HTTP 404");
    // Slots are public availability, not personal data.
    assertThat(eventsAbout(client, "Slot")).hasSize(slotEventsBefore);
  }

  @Test
  void searchOfTheTrail_withoutBothBoundsOfItsDateRange_isRefusedWith400() {
    IGenericClient client = HubClient.of(port);
    assertThatThrownBy(
            () ->
                client.search().forResource(AuditEvent.class).returnBundle(Bundle.class).execute())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("HUB-0531");
    assertThatThrownBy(
            () ->
                client
                    .search()
                    .byUrl("AuditEvent?date=ge" + LocalDate.now().minusDays(1))
                    .returnBundle(Bundle.class)
                    .execute())
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("HUB-0531");
  }

  /**
   * The AuditEvent search parameters nobody searches by are retired (the profiles package): not
   * indexed, and a search by one is refused as an unknown parameter; those the trail is searched by
   * still find the event.
   */
  @Test
  void searchOfTheTrail_byARetiredParameter_is400_byTheKeptOnes_findsTheEvent() throws Exception {
    IGenericClient client = HubClient.of(port);
    String patient = BookingFixtures.createPatient(client);
    client.read().resource(Patient.class).withId(patient).execute();
    AuditEvent read = awaitEvents(client, patient, "read").get(0);

    for (String retired :
        List.of(
            "action=R",
            "address=127.0.0.1",
            "agent-name=" + read.getAgentFirstRep().getName(),
            "entity=" + patient,
            "outcome=0",
            "site=" + read.getSource().getSite(),
            "subtype=read",
            "type=110110")) {
      assertThatThrownBy(() -> search(client, "&" + retired))
          .as(retired)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining(retired.substring(0, retired.indexOf('=')));
    }
    String id = read.getIdElement().getIdPart();
    for (String kept :
        List.of(
            "entity-name=" + patient,
            "entity-type=http://hl7.org/fhir/resource-types|Patient&entity-name=" + patient,
            "patient=" + patient)) {
      assertThat(search(client, "&" + kept))
          .as(kept)
          .extracting(e -> e.getIdElement().getIdPart())
          .contains(id);
    }
  }

  @Test
  void clients_cannotWriteDeleteOrExpungeTheTrail() {
    IGenericClient client = HubClient.of(port);
    assertThatThrownBy(() -> client.create().resource(forged()).execute())
        .isInstanceOf(ForbiddenOperationException.class)
        .hasMessageContaining("HUB-0530");
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(forged())
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("AuditEvent");
    assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
        .isInstanceOf(ForbiddenOperationException.class)
        .hasMessageContaining("HUB-0530");

    IdType stored =
        (IdType)
            daos.getResourceDao(AuditEvent.class)
                .create(forged(), new SystemRequestDetails())
                .getId();
    AuditEvent changed = forged();
    changed.setId(stored.toUnqualifiedVersionless());
    assertThatThrownBy(() -> client.update().resource(changed).execute())
        .isInstanceOf(ForbiddenOperationException.class)
        .hasMessageContaining("HUB-0530");
    assertThatThrownBy(
            () -> client.delete().resourceById(stored.toUnqualifiedVersionless()).execute())
        .isInstanceOf(ForbiddenOperationException.class)
        .hasMessageContaining("HUB-0530");
    assertThatThrownBy(
            () ->
                client
                    .operation()
                    .onType(AuditEvent.class)
                    .named("$expunge")
                    .withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
                    .execute())
        .isInstanceOf(ForbiddenOperationException.class)
        .hasMessageContaining("HUB-0532");
    assertThat(
            daos.getResourceDao(AuditEvent.class)
                .read(stored.toUnqualifiedVersionless(), new SystemRequestDetails())
                .getIdElement()
                .getVersionIdPart())
        .isEqualTo("1");
  }

  @Test
  void purge_removesTheEventsOlderThanTheRetention_keepsTheOthers() {
    AuditEvent old = forged();
    old.setRecorded(Date.from(Instant.now().minus(Duration.ofDays(800))));
    AuditEvent recent = forged();
    recent.setRecorded(Date.from(Instant.now().minus(Duration.ofDays(190))));
    var dao = daos.getResourceDao(AuditEvent.class);
    IdType oldId = (IdType) dao.create(old, new SystemRequestDetails()).getId();
    IdType recentId = (IdType) dao.create(recent, new SystemRequestDetails()).getId();

    assertThat(purgeJob.purge()).isGreaterThanOrEqualTo(1);

    assertThatThrownBy(() -> dao.read(oldId.toUnqualifiedVersionless(), new SystemRequestDetails()))
        .isInstanceOf(BaseServerResponseException.class);
    // Expunged: not even its history is left.
    assertThatThrownBy(
            () ->
                dao.history(
                    oldId.toUnqualifiedVersionless(), null, null, null, new SystemRequestDetails()))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThat(dao.read(recentId.toUnqualifiedVersionless(), new SystemRequestDetails()))
        .isNotNull();
    assertThat(purgeJob.purge()).isZero();
  }

  @Test
  void aReadPatientCanBeDeleted_andTheEventsOfAnAccessToItAreStoredWithoutTheReference()
      throws Exception {
    IGenericClient client = HubClient.of(port);
    String patient = BookingFixtures.createPatient(client);
    client.read().resource(Patient.class).withId(patient).execute();
    awaitEvents(client, patient, "read");
    // The event of the read refers to the patient; it does not keep it from being deleted.
    client.delete().resourceById(new IdType(patient)).execute();
    // An access queued before the deletion, stored after it: kept, without its reference.
    AuditEvent late = forged();
    late.getEntityFirstRep().setName(patient).setWhat(new Reference(patient));
    queue.enqueue(encode(late), Instant.now());
    writer.flush();

    List<AuditEvent> events = awaitEvents(client, patient, "read");
    assertThat(events).hasSize(2);
    assertThat(events).filteredOn(e -> !e.getEntityFirstRep().hasWhat()).hasSize(1);
  }

  @Test
  void queuedEvents_flushedByThreeWritersAtOnce_areEachStoredOnce() throws Exception {
    String entity = "Patient/queued-" + java.util.UUID.randomUUID();
    int events = 1_200;
    for (int i = 0; i < events; i++) {
      AuditEvent event = forged();
      event.getEntityFirstRep().setName(entity);
      queue.enqueue(encode(event), Instant.now());
    }
    // Two writers here and the scheduled one, as several nodes would.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(writer::flush);
      var second = pool.submit(writer::flush);
      first.get();
      second.get();
    } finally {
      pool.shutdown();
    }

    IGenericClient client = HubClient.of(port);
    for (int i = 0; i < 50 && searchAll(client, entity) < events; i++) {
      Thread.sleep(100);
    }
    assertThat(searchAll(client, entity)).isEqualTo(events);
  }

  private int searchAll(IGenericClient client, String entity) {
    String today = LocalDate.now().minusDays(1).toString();
    String tomorrow = LocalDate.now().plusDays(1).toString();
    return client
        .search()
        .byUrl(
            "AuditEvent?date=ge"
                + today
                + "&date=le"
                + tomorrow
                + "&entity-name="
                + entity
                + "&_summary=count")
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private static byte[] encode(AuditEvent event) {
    event.getMeta().addProfile(HubProfiles.AUDIT_EVENT);
    return HubClient.FHIR
        .newJsonParser()
        .encodeResourceToString(event)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** An event as a client might try to forge one. */
  private static AuditEvent forged() {
    AuditEvent event = new AuditEvent();
    event.setType(
        new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"));
    event.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", "read", null));
    event.setAction(AuditEvent.AuditEventAction.R);
    event.setRecorded(new Date());
    event.setOutcome(AuditEventOutcome._0);
    event.addAgent().setRequestor(true).setWho(new Reference().setDisplay("someone"));
    event.getSource().setObserver(new Reference().setDisplay("elsewhere"));
    event.addEntity().setName("Patient/forged");
    return event;
  }

  private static List<AuditEvent> eventsAbout(IGenericClient client, String entity) {
    return search(client, "&entity-type=http://hl7.org/fhir/resource-types|" + entity);
  }

  private static List<AuditEvent> search(IGenericClient client, String criteria) {
    String today = LocalDate.now().minusDays(1).toString();
    String tomorrow = LocalDate.now().plusDays(1).toString();
    Bundle found =
        client
            .search()
            .byUrl("AuditEvent?date=ge" + today + "&date=le" + tomorrow + criteria + "&_count=500")
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
  }

  /** The events about {@code what} with this interaction, waiting for them to be written. */
  private static List<AuditEvent> awaitEvents(
      IGenericClient client, String what, String interaction) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      List<AuditEvent> found =
          search(client, "&entity-name=" + what).stream()
              .filter(e -> e.getSubtypeFirstRep().getCode().equals(interaction))
              .toList();
      if (!found.isEmpty()) {
        return found;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + interaction + " event about " + what);
  }
}
