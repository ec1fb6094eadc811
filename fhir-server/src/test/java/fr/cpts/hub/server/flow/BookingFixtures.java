package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.ig.IgExamples;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * What a booking flow needs, published as a GP software would: a Schedule of one demo GP (away from
 * the demo's own schedules), free Slots on it in 2031, a synthetic patient (the guide's INS
 * example), and Appointments made through the SAS (the regulator as appointment operator, the GP by
 * IDNPS).
 */
final class BookingFixtures {

  static final String GP_IDNPS = "810000010039";
  static final String REGULATOR_IDNPS = "810000099999";
  private static final AtomicInteger NEXT_SLOT = new AtomicInteger();

  final IGenericClient client;
  final String scheduleId;
  final String patientId;

  BookingFixtures(IGenericClient client) {
    this.client = client;
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
    patientId = createPatient(client);
  }

  /** A synthetic patient with an INS (the guide's example), stored; its id, {@code Patient/n}. */
  static String createPatient(IGenericClient client) {
    Patient patient =
        (Patient)
            IgExamples.all().stream()
                .filter(e -> e.file().equals("Patient-ex-patient-ins.json"))
                .findFirst()
                .orElseThrow()
                .parse(HubClient.FHIR);
    patient.setId((String) null);
    return client
        .create()
        .resource(patient)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  /** A free SNP slot at the practice, as GP software publishes it, with its own identifier. */
  static Slot snpSlot(String scheduleId, String identifier, Instant start, Duration length) {
    Slot slot = new Slot();
    slot.addIdentifier().setSystem(HubIdentifiers.SLOT).setValue(identifier);
    slot.setSchedule(new Reference(scheduleId));
    slot.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
    slot.addServiceType(new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, "AMB", null)));
    slot.setAppointmentType(
        new CodeableConcept(new Coding(FrCodeSystems.V2_0276, "ROUTINE", null)));
    slot.setStatus(Slot.SlotStatus.FREE);
    slot.setStart(Date.from(start));
    slot.setEnd(Date.from(start.plus(length)));
    slot.setComment("https://agenda.example.fr/booking");
    return slot;
  }

  /**
   * An appointment on {@code slot} between the patient and the GP (by IDNPS), as the GP software
   * makes it: no operator.
   */
  static Appointment appointment(
      String slot,
      AppointmentStatus status,
      String patientId,
      String gpIdnps,
      Date start,
      Date end) {
    Appointment appointment = new Appointment();
    appointment.setStatus(status);
    appointment.addSlot(new Reference(slot));
    appointment.setStart(start);
    appointment.setEnd(end);
    appointment
        .addParticipant()
        .setActor(new Reference(patientId))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    appointment
        .addParticipant()
        .setActor(new Reference().setIdentifier(idnps(gpIdnps)))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    return appointment;
  }

  /** The appointment made through the SAS: the regulator as operator, a fresh SAS identifier. */
  static Appointment viaSas(Appointment appointment) {
    appointment.addExtension(
        FrExtensions.APPOINTMENT_OPERATOR,
        new Reference().setIdentifier(idnps(REGULATOR_IDNPS)).setDisplay("Régulateur SAS"));
    appointment
        .addIdentifier()
        .setSystem(SasProfiles.SAS_REGULATOR_UUID)
        .setValue(UUID.randomUUID().toString());
    return appointment;
  }

  /** A new free slot on the schedule, each one twenty minutes after the previous. */
  String freeSlot() {
    int n = NEXT_SLOT.getAndIncrement();
    OffsetDateTime start = OffsetDateTime.parse("2031-03-03T08:00:00+01:00").plusMinutes(20L * n);
    Slot slot =
        snpSlot(
            scheduleId, "booking-" + UUID.randomUUID(), start.toInstant(), Duration.ofMinutes(20));
    return client.create().resource(slot).execute().getId().toUnqualifiedVersionless().getValue();
  }

  /** What one of several simultaneous bookings got: its status, and the error if it failed. */
  record Answer(int status, BaseServerResponseException error) {}

  /**
   * {@code clients} bookings of {@code slot} through the SAS, released at the same instant, the
   * i-th sent to the hub on port {@code portOf(i)}; their answers.
   */
  List<Answer> bookAtOnce(String slot, int clients, IntUnaryOperator portOf) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Answer>> runs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int port = portOf.applyAsInt(i);
      runs.add(
          pool.submit(
              () -> {
                IGenericClient own = HubClient.of(port);
                Appointment appointment = sasAppointment(slot, AppointmentStatus.BOOKED);
                start.await();
                try {
                  own.create().resource(appointment).execute();
                  return new Answer(201, null);
                } catch (BaseServerResponseException e) {
                  return new Answer(e.getStatusCode(), e);
                }
              }));
    }
    start.countDown();
    List<Answer> answers = new ArrayList<>();
    for (Future<Answer> run : runs) {
      answers.add(run.get());
    }
    pool.shutdown();
    return answers;
  }

  /** How many answers had each status. */
  static Map<Integer, Long> byStatus(List<Answer> answers) {
    return answers.stream()
        .collect(Collectors.groupingBy(Answer::status, TreeMap::new, Collectors.counting()));
  }

  /** An appointment made through the SAS on {@code slot}, with a fresh SAS identifier. */
  Appointment sasAppointment(String slot, AppointmentStatus status) {
    return viaSas(gpAppointment(slot, status));
  }

  /** An appointment the GP software makes itself: no operator. */
  Appointment gpAppointment(String slot, AppointmentStatus status) {
    return appointment(
        slot,
        status,
        patientId,
        GP_IDNPS,
        Date.from(OffsetDateTime.parse("2031-03-03T08:00:00+01:00").toInstant()),
        Date.from(OffsetDateTime.parse("2031-03-03T08:20:00+01:00").toInstant()));
  }

  static Identifier idnps(String value) {
    return new Identifier()
        .setSystem(FrIdentifiers.IDNPS)
        .setValue(value)
        .setType(new CodeableConcept(new Coding(FrIdentifiers.TYPE_SYSTEM, "IDNPS", null)));
  }
}
