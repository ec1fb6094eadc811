package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.ig.IgExamples;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Booking: a GP software or the SAS posts an Appointment on a free Slot; the slot becomes busy in
 * the same transaction; a second booking of the same slot is refused with 409, even when fifty
 * arrive at once; cancelling frees the slot.
 */
@HubIntegrationTest
class BookingIT {

  private static final String GP_IDNPS = "810000010039";
  private static final AtomicInteger NEXT_SLOT = new AtomicInteger();

  @LocalServerPort int port;

  private IGenericClient client;
  private String scheduleId;
  private String patientId;

  @BeforeEach
  void publishScheduleAndPatient() {
    client = HubClient.of(port);
    Schedule schedule = new Schedule();
    schedule
        .addIdentifier()
        .setSystem(HubIdentifiers.SCHEDULE)
        .setValue("booking-" + UUID.randomUUID());
    schedule.setActive(true);
    schedule.addActor(
        new Reference("Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + GP_IDNPS));
    scheduleId =
        client.create().resource(schedule).execute().getId().toUnqualifiedVersionless().getValue();
    Patient patient =
        (Patient)
            IgExamples.all().stream()
                .filter(e -> e.file().equals("Patient-ex-patient-ins.json"))
                .findFirst()
                .orElseThrow()
                .parse(HubClient.FHIR);
    patient.setId((String) null);
    patientId =
        client.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
  }

  @Test
  void book_freeSlot_isCreatedWith201_andTheSlotBecomesBusy() {
    String slot = freeSlot();

    MethodOutcome outcome =
        client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute();

    assertThat(outcome.getCreated()).isTrue();
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
    Appointment stored =
        client.read().resource(Appointment.class).withId(outcome.getId()).execute();
    assertThat(stored.getParticipant())
        .extracting(
            p ->
                p.getActor().hasReference()
                    ? p.getActor().getReference()
                    : p.getActor().getIdentifier().getValue())
        .containsExactlyInAnyOrder(patientId, GP_IDNPS);
  }

  @Test
  void book_whenSlotAlreadyBooked_isRejectedWith409_andNothingIsStored() {
    String slot = freeSlot();
    client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute();

    assertThatThrownBy(
            () -> client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute())
        .isInstanceOf(ResourceVersionConflictException.class)
        .satisfies(e -> assertThat(outcomeText(e)).contains("HUB-0411").contains("not free"));
    assertThat(appointmentsOn(slot)).isEqualTo(1);
  }

  @Test
  void book_fiftyClientsAtOnceOnOneSlot_exactlyOneGets201_theOthers409() throws Exception {
    String slot = freeSlot();
    int clients = 50;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentHashMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      runs.add(
          pool.submit(
              () -> {
                IGenericClient own = HubClient.of(port);
                Appointment appointment = appointment(slot, AppointmentStatus.BOOKED);
                start.await();
                int status;
                try {
                  own.create().resource(appointment).execute();
                  status = 201;
                } catch (BaseServerResponseException e) {
                  status = e.getStatusCode();
                  assertThat(outcomeText(e)).containsAnyOf("HUB-0411", "HUB-0413", "HAPI-");
                }
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                return null;
              }));
    }
    start.countDown();
    for (Future<?> run : runs) {
      run.get();
    }
    pool.shutdown();

    assertThat(statuses.get(201)).hasValue(1);
    assertThat(statuses.get(409)).hasValue(clients - 1);
    assertThat(statuses.keySet()).containsExactlyInAnyOrder(201, 409);
    assertThat(appointmentsOn(slot)).isEqualTo(1);
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
  }

  @Test
  void cancel_freesTheSlot_whichCanBeBookedAgain() {
    String slot = freeSlot();
    IdType id =
        (IdType)
            client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute().getId();
    Appointment appointment =
        client.read().resource(Appointment.class).withId(id.toUnqualifiedVersionless()).execute();

    appointment.setStatus(AppointmentStatus.CANCELLED);
    client.update().resource(appointment).execute();

    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.FREE);
    assertThat(
            client
                .create()
                .resource(appointment(slot, AppointmentStatus.BOOKED))
                .execute()
                .getCreated())
        .isTrue();
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
  }

  @Test
  void fulfilledAndNoshow_areRecorded_andKeepTheSlotBusy() {
    for (AppointmentStatus outcome :
        List.of(AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)) {
      String slot = freeSlot();
      IdType id =
          (IdType)
              client
                  .create()
                  .resource(appointment(slot, AppointmentStatus.BOOKED))
                  .execute()
                  .getId();
      Appointment appointment =
          client.read().resource(Appointment.class).withId(id.toUnqualifiedVersionless()).execute();
      appointment.setStatus(outcome);
      client.update().resource(appointment).execute();

      assertThat(
              client
                  .read()
                  .resource(Appointment.class)
                  .withId(id.toUnqualifiedVersionless())
                  .execute()
                  .getStatus())
          .isEqualTo(outcome);
      assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
    }
  }

  @Test
  void deleteSlot_withAnAppointment_isRefused() {
    String slot = freeSlot();
    client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute();

    assertThatThrownBy(() -> client.delete().resourceById(new IdType(slot)).execute())
        .isInstanceOf(ResourceVersionConflictException.class);
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
  }

  @Test
  void book_unknownSlot_isRefusedWith422() {
    assertThatThrownBy(
            () ->
                client
                    .create()
                    .resource(appointment("Slot/does-not-exist", AppointmentStatus.BOOKED))
                    .execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .satisfies(e -> assertThat(outcomeText(e)).contains("HUB-0412"));
  }

  /** A free slot of the test's schedule, in 2031, published as a GP software would. */
  private String freeSlot() {
    int n = NEXT_SLOT.getAndIncrement();
    OffsetDateTime start = OffsetDateTime.parse("2031-03-03T08:00:00+01:00").plusMinutes(20L * n);
    Slot slot = new Slot();
    slot.addIdentifier().setSystem(HubIdentifiers.SLOT).setValue("booking-" + UUID.randomUUID());
    slot.setSchedule(new Reference(scheduleId));
    slot.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
    slot.addServiceType(new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, "AMB", null)));
    slot.setAppointmentType(
        new CodeableConcept(new Coding(FrCodeSystems.V2_0276, "ROUTINE", null)));
    slot.setStatus(Slot.SlotStatus.FREE);
    slot.setStart(Date.from(start.toInstant()));
    slot.setEnd(Date.from(start.plusMinutes(20).toInstant()));
    slot.setComment("https://agenda.example.fr/booking");
    return client.create().resource(slot).execute().getId().toUnqualifiedVersionless().getValue();
  }

  /** An appointment made through the SAS: the regulator as operator, the GP by IDNPS. */
  private Appointment appointment(String slot, AppointmentStatus status) {
    Appointment appointment = new Appointment();
    appointment.addExtension(
        FrExtensions.APPOINTMENT_OPERATOR,
        new Reference().setIdentifier(idnps("810000099999")).setDisplay("Régulateur SAS"));
    appointment
        .addIdentifier()
        .setSystem("urn:oid:1.2.250.1.213.3.6")
        .setValue(UUID.randomUUID().toString());
    appointment.setStatus(status);
    appointment.addSlot(new Reference(slot));
    appointment.setStart(Date.from(OffsetDateTime.parse("2031-03-03T08:00:00+01:00").toInstant()));
    appointment.setEnd(Date.from(OffsetDateTime.parse("2031-03-03T08:20:00+01:00").toInstant()));
    appointment
        .addParticipant()
        .setActor(new Reference(patientId))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    appointment
        .addParticipant()
        .setActor(new Reference().setIdentifier(idnps(GP_IDNPS)))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    return appointment;
  }

  private static org.hl7.fhir.r4.model.Identifier idnps(String value) {
    return new org.hl7.fhir.r4.model.Identifier()
        .setSystem(FrIdentifiers.IDNPS)
        .setValue(value)
        .setType(new CodeableConcept(new Coding(FrIdentifiers.TYPE_SYSTEM, "IDNPS", null)));
  }

  private Slot.SlotStatus status(String slot) {
    return client.read().resource(Slot.class).withId(slot).execute().getStatus();
  }

  private int appointmentsOn(String slot) {
    return client
        .search()
        .byUrl("Appointment?slot=" + slot + "&_summary=count")
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private static String outcomeText(Throwable e) {
    if (e instanceof BaseServerResponseException response
        && response.getOperationOutcome() instanceof OperationOutcome outcome) {
      return outcome.getIssue().stream()
          .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
          .toList()
          .toString();
    }
    return String.valueOf(e.getMessage());
  }
}
