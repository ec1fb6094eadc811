package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.mappers.ical.AvailabilityPeriod;
import fr.cpts.hub.mappers.ical.AvailabilityTimeExtension;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.ClockConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import net.fortuna.ical4j.model.Recur;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * Schedules whose availability is a recurrence rule (FR Core availability-time), as a practice
 * software sends them, for GP 810000010038 of the demo territory (whose demo slots these flows
 * never touch), and what the flows need around them: their slots, a patient, a booking.
 */
final class RuleSchedules {

  static final String GP_IDNPS = "810000010038";
  static final ZoneId PARIS = ClockConfig.PARIS;
  static final String WEEKDAYS = "BYDAY=MO,TU,WE,TH,FR";

  private RuleSchedules() {}

  /** A conformant Schedule of SNP slots at the practice, with the rules given. */
  static Schedule schedule(String keyPrefix, AvailabilityPeriod... rules) {
    Schedule schedule = new Schedule();
    schedule.getMeta().addProfile(HubProfiles.SCHEDULE);
    schedule.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
    schedule
        .addIdentifier()
        .setSystem(HubIdentifiers.SCHEDULE)
        .setValue(keyPrefix + "-" + UUID.randomUUID());
    schedule.setActive(true);
    schedule.addServiceType(
        new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, "AMB", null)));
    schedule.addActor(
        new Reference("Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + GP_IDNPS));
    schedule.setComment("https://agenda.example.fr/dr-810000010038");
    AvailabilityTimeExtension.replace(schedule, List.of(rules));
    return schedule;
  }

  /**
   * Free time from {@code first} (local, Paris) lasting {@code length} each time, repeated by
   * {@code rrule} (RFC 5545), identified by {@code id}.
   */
  static AvailabilityPeriod free(LocalDateTime first, Duration length, String rrule, String id) {
    ZonedDateTime start = first.atZone(PARIS);
    return AvailabilityPeriod.free(
        start, start.plus(length), rrule == null ? null : new Recur<>(rrule), id);
  }

  /** Weekdays 08:00-12:00, a 20-minute slot every 20 minutes, from {@code monday} on. */
  static AvailabilityPeriod weekdayMornings(LocalDate monday, String until) {
    return free(
        monday.atTime(8, 0),
        Duration.ofMinutes(20),
        "FREQ=MINUTELY;INTERVAL=20;BYHOUR=8,9,10,11;" + WEEKDAYS + untilPart(until),
        "matin-snp");
  }

  /** Weekdays 14:00-16:00, a 30-minute slot every 30 minutes, from {@code monday} on. */
  static AvailabilityPeriod weekdayAfternoons(LocalDate monday, String until) {
    return free(
        monday.atTime(14, 0),
        Duration.ofMinutes(30),
        "FREQ=MINUTELY;INTERVAL=30;BYHOUR=14,15;" + WEEKDAYS + untilPart(until),
        "apres-midi-snp");
  }

  /** An RRULE UNTIL part: the end of {@code lastDay} in Paris, in UTC. */
  static String until(LocalDate lastDay) {
    return lastDay
        .plusDays(1)
        .atStartOfDay(PARIS)
        .minusSeconds(1)
        .withZoneSameInstant(java.time.ZoneOffset.UTC)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
  }

  private static String untilPart(String until) {
    return until == null ? "" : ";UNTIL=" + until;
  }

  /** The first Monday after today, in Paris. */
  static LocalDate nextMonday() {
    return LocalDate.now(PARIS).with(TemporalAdjusters.next(java.time.DayOfWeek.MONDAY));
  }

  /**
   * The expected starts, computed without iCalendar: on each weekday of {@code [from, to]}, every
   * {@code step} from {@code firstHour}:00 up to (excluded) {@code endHour}:00, Paris time.
   */
  static Set<Instant> weekdayStarts(
      LocalDate from, LocalDate to, int firstHour, int endHour, Duration step) {
    Set<Instant> starts = new TreeSet<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      if (day.getDayOfWeek().getValue() > 5) {
        continue;
      }
      for (LocalDateTime t = day.atTime(firstHour, 0);
          t.isBefore(day.atTime(endHour, 0));
          t = t.plus(step)) {
        starts.add(t.atZone(PARIS).toInstant());
      }
    }
    return starts;
  }

  /** Creates the resource; its id, {@code Type/n}. */
  static String create(IGenericClient client, org.hl7.fhir.r4.model.Resource resource) {
    return client
        .create()
        .resource(resource)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  static Schedule read(IGenericClient client, String scheduleId) {
    return client.read().resource(Schedule.class).withId(scheduleId).execute();
  }

  /** Stores the schedule with {@code rules} in place of its availability-time extensions. */
  static Schedule updateRules(
      IGenericClient client, String scheduleId, AvailabilityPeriod... rules) {
    Schedule schedule = read(client, scheduleId);
    AvailabilityTimeExtension.replace(schedule, List.of(rules));
    client.update().resource(schedule).execute();
    return read(client, scheduleId);
  }

  /** Every slot of the schedule, all pages. */
  static List<Slot> slotsOf(IGenericClient client, String scheduleId) {
    List<Slot> slots = new ArrayList<>();
    Bundle page =
        client
            .search()
            .forResource(Slot.class)
            .where(Slot.SCHEDULE.hasId(scheduleId))
            .count(1000)
            .returnBundle(Bundle.class)
            .execute();
    while (true) {
      page.getEntry().forEach(e -> slots.add((Slot) e.getResource()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return slots;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  static Set<Instant> starts(List<Slot> slots) {
    Set<Instant> starts = new TreeSet<>();
    slots.forEach(s -> starts.add(s.getStart().toInstant()));
    return starts;
  }

  /** The values of the hub slot identifiers, one per slot (duplicates kept). */
  static List<String> identifiers(List<Slot> slots) {
    return slots.stream()
        .flatMap(s -> s.getIdentifier().stream())
        .filter(i -> HubIdentifiers.SLOT.equals(i.getSystem()))
        .map(Identifier::getValue)
        .toList();
  }

  static Slot slotStartingAt(List<Slot> slots, Instant start) {
    return slots.stream()
        .filter(s -> s.getStart().toInstant().equals(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no slot starting at " + start));
  }

  /** A patient with an INS, from the guide's examples. */
  static String patient(IGenericClient client) {
    return BookingFixtures.createPatient(client);
  }

  /** Books the slot through the SAS (POST Appointment): the slot becomes busy. */
  static String book(IGenericClient client, Slot slot, String patientId) {
    Appointment appointment =
        BookingFixtures.appointment(
            slot.getIdElement().toUnqualifiedVersionless().getValue(),
            AppointmentStatus.BOOKED,
            patientId,
            GP_IDNPS,
            slot.getStart(),
            slot.getEnd());
    return create(client, BookingFixtures.viaSas(appointment));
  }

  /** A free slot the practice software publishes itself, with an identifier of its own. */
  static String publishOwnSlot(IGenericClient client, String scheduleId, Instant start) {
    return create(
        client,
        BookingFixtures.snpSlot(
            scheduleId, "gp-own-" + UUID.randomUUID(), start, Duration.ofMinutes(20)));
  }
}
