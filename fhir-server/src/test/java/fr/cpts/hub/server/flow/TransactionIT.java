package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A GP software publishing a schedule and its slots in one Bundle. */
@HubIntegrationTest
class TransactionIT {

  @LocalServerPort int port;

  @Test
  void transaction_scheduleAndTenSlots_storesAllEleven() {
    IGenericClient client = HubClient.of(port);
    String key = "tx-ok-" + UUID.randomUUID();

    Bundle response = client.transaction().withBundle(scheduleWithSlots(key, false)).execute();

    assertThat(response.getType()).isEqualTo(BundleType.TRANSACTIONRESPONSE);
    assertThat(response.getEntry()).hasSize(11);
    assertThat(response.getEntry())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
    assertThat(countSchedules(client, key)).isEqualTo(1);
    assertThat(countSlotsOfSchedule(client, key)).isEqualTo(10);
  }

  @Test
  void transaction_withOneInvalidEntry_isRejectedWith4xx_andStoresNothing() {
    IGenericClient client = HubClient.of(port);
    String key = "tx-bad-" + UUID.randomUUID();

    BaseServerResponseException error =
        catchThrowableOfType(
            BaseServerResponseException.class,
            () -> client.transaction().withBundle(scheduleWithSlots(key, true)).execute());

    assertThat(error).isNotNull();
    assertThat(error.getStatusCode()).isBetween(400, 499);
    assertThat(error.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
    assertThat(((OperationOutcome) error.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
        .isNotBlank();
    assertThat(countSchedules(client, key)).isZero();
    assertThat(countSlotsOfSchedule(client, key)).isZero();
  }

  @Test
  void batch_withOneInvalidEntry_storesTheValidOnes_andReportsTheBadOne() {
    IGenericClient client = HubClient.of(port);
    String key = "batch-" + UUID.randomUUID();
    Bundle batch = scheduleWithSlots(key, true);
    batch.setType(BundleType.BATCH);
    // In a batch, entries cannot reference each other: give the schedule up front.
    Schedule schedule = schedule(key);
    String scheduleId =
        client.create().resource(schedule).execute().getId().toUnqualifiedVersionless().getValue();
    batch.getEntry().remove(0);
    batch
        .getEntry()
        .forEach(
            e -> {
              Slot slot = (Slot) e.getResource();
              if (!slot.getSchedule().getReference().startsWith("Schedule/does-not-exist")) {
                slot.setSchedule(new Reference(scheduleId));
              }
            });

    Bundle response = client.transaction().withBundle(batch).execute();

    assertThat(response.getType()).isEqualTo(BundleType.BATCHRESPONSE);
    assertThat(response.getEntry()).hasSize(10);
    assertThat(response.getEntry().subList(0, 9))
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
    assertThat(response.getEntry().get(9).getResponse().getStatus()).matches("4\\d\\d.*");
    assertThat(response.getEntry().get(9).getResponse().getOutcome())
        .isInstanceOf(OperationOutcome.class);
    assertThat(countSlotsOfSchedule(client, key)).isEqualTo(9);
  }

  /** A conformant Schedule of the demo's first GP, found by IDNPS. */
  private static Schedule schedule(String key) {
    Schedule schedule = new Schedule();
    schedule.addIdentifier().setSystem(HubIdentifiers.SCHEDULE).setValue(key);
    schedule.setActive(true);
    schedule.addActor(
        new Reference("Practitioner?identifier=" + FrIdentifiers.IDNPS + "|810000010000"));
    return schedule;
  }

  /** One Schedule and ten Slots; with {@code lastSlotBroken}, the last slot points nowhere. */
  private static Bundle scheduleWithSlots(String key, boolean lastSlotBroken) {
    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    Schedule schedule = schedule(key);
    String scheduleUrl = "urn:uuid:" + UUID.randomUUID();
    bundle
        .addEntry()
        .setFullUrl(scheduleUrl)
        .setResource(schedule)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Schedule");
    OffsetDateTime start = OffsetDateTime.parse("2030-01-07T08:00:00+01:00");
    for (int i = 0; i < 10; i++) {
      Slot slot = new Slot();
      slot.addIdentifier().setSystem(HubIdentifiers.SLOT).setValue(key + "-" + i);
      boolean broken = lastSlotBroken && i == 9;
      slot.setSchedule(new Reference(broken ? "Schedule/does-not-exist-" + key : scheduleUrl));
      slot.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
      slot.setAppointmentType(
          new CodeableConcept(new Coding(FrCodeSystems.V2_0276, "ROUTINE", null)));
      slot.setStatus(Slot.SlotStatus.FREE);
      slot.setStart(Date.from(start.plusMinutes(20L * i).toInstant()));
      slot.setEnd(Date.from(start.plusMinutes(20L * i + 20).toInstant()));
      bundle
          .addEntry()
          .setFullUrl("urn:uuid:" + UUID.randomUUID())
          .setResource(slot)
          .getRequest()
          .setMethod(HTTPVerb.POST)
          .setUrl("Slot");
    }
    return bundle;
  }

  private static int countSchedules(IGenericClient client, String key) {
    return client
        .search()
        .forResource(Schedule.class)
        .where(Schedule.IDENTIFIER.exactly().systemAndCode(HubIdentifiers.SCHEDULE, key))
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private static int countSlotsOfSchedule(IGenericClient client, String key) {
    return client
        .search()
        .forResource(Slot.class)
        .where(
            Slot.SCHEDULE.hasChainedProperty(
                Schedule.IDENTIFIER.exactly().systemAndCode(HubIdentifiers.SCHEDULE, key)))
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }
}
