package fr.cpts.hub.mappers.ical;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ical.AvailabilityPeriod.Availability;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.RRule;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;

/**
 * Generates the free Slots of a Schedule from its FR Core availability-time extensions ({@link
 * AvailabilityTimeExtension}), over a window, without I/O: the clock and the zone come from the
 * {@link MappingContext}.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>Each {@code free} entry is an iCalendar event: DTSTART = {@code start}, DTEND = {@code
 *       end}, RRULE = {@code rrule} (none: one occurrence). Each occurrence is one Slot lasting
 *       {@code end - start} (an exact duration). The rule is built as an ical4j {@code Recur} and
 *       expanded by ical4j in {@code ctx.zone()}: a 09:00 rule stays 09:00 local time across the
 *       daylight-saving changes. As in ical4j, a DTSTART that does not match its own rule is not an
 *       occurrence.
 *   <li>Each entry of any other type ({@code busy-unavailable}, also {@code busy} or {@code
 *       busy-tentative}), with or without rule, is an exception: it removes every free occurrence
 *       that overlaps one of its own occurrences (touching ends do not overlap).
 *   <li>Only occurrences starting in {@code [from, to)} and not before {@code ctx.clock()}'s
 *       instant are generated. The output is sorted by start.
 *   <li>At most one Slot per start minute: if two free entries start at the same local minute (or a
 *       fall-back hour repeats one), the first entry declared wins, since both would have the same
 *       identifier.
 * </ul>
 *
 * <h2>Each Slot</h2>
 *
 * Follows the hub Slot profile, its template taken from the Schedule: {@code schedule} references
 * it ({@code Schedule/<id>}, or by its first identifier when it has no id); {@code meta.security} =
 * the Schedule's TRE_R314 slot types; {@code serviceType}, {@code specialty} and {@code comment}
 * (the booking URL) copied; {@code appointmentType} = v2-0276 ROUTINE; {@code status} = free;
 * {@code start}/{@code end} as instants written with the zone's offset. Its identifier is
 * deterministic ({@link #slotIdentifier(Schedule, Instant, ZoneId)}) so that the server can
 * regenerate slots without duplicates; its id is left empty for the server to assign.
 */
public final class AvailabilitySlotGenerator {

  /** Appointment type of generated slots: booked with an appointment. */
  public static final String APPOINTMENT_TYPE = "ROUTINE";

  private static final DateTimeFormatter SLOT_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm");

  /**
   * The free slots of {@code schedule} starting in {@code [from, to)} and not in the past.
   *
   * @throws IllegalArgumentException if the Schedule has no id nor identifier, no TRE_R314 slot
   *     type in {@code meta.security}, or a malformed availability-time extension
   */
  public List<Slot> generate(Schedule schedule, Instant from, Instant to, MappingContext ctx) {
    ZoneId zone = ctx.zone();
    Instant now = ctx.clock().instant();
    Instant start = from.isAfter(now) ? from : now;
    if (!start.isBefore(to)) {
      return List.of();
    }
    Slot template = template(schedule);
    List<AvailabilityPeriod> periods = AvailabilityTimeExtension.read(schedule, zone);

    List<Occurrence> free = new ArrayList<>();
    for (AvailabilityPeriod period : periods) {
      if (period.availability() == Availability.FREE) {
        for (Occurrence occurrence : expand(period, start.minus(period.duration()), to, zone)) {
          if (!occurrence.start().isBefore(start) && occurrence.start().isBefore(to)) {
            free.add(occurrence);
          }
        }
      }
    }
    if (free.isEmpty()) {
      return List.of();
    }
    Instant earliest = free.stream().map(Occurrence::start).min(Comparator.naturalOrder()).get();
    Instant latest = free.stream().map(Occurrence::end).max(Comparator.naturalOrder()).get();
    List<Occurrence> busy = new ArrayList<>();
    for (AvailabilityPeriod period : periods) {
      if (period.availability() != Availability.FREE) {
        busy.addAll(expand(period, earliest.minus(period.duration()), latest, zone));
      }
    }

    Map<String, Slot> slots = new LinkedHashMap<>();
    for (Occurrence occurrence : free) {
      if (busy.stream().noneMatch(occurrence::overlaps)) {
        Identifier identifier = slotIdentifier(schedule, occurrence.start(), zone);
        slots.computeIfAbsent(
            identifier.getValue(), v -> slot(template, identifier, occurrence, zone));
      }
    }
    return slots.values().stream().sorted(Comparator.comparing(Slot::getStart)).toList();
  }

  /**
   * The deterministic identifier of the slot of {@code schedule} starting at {@code start}: system
   * {@link HubIdentifiers#SLOT}, value {@code <schedule key>-<start as yyyyMMdd'T'HHmm in zone>}.
   */
  public static Identifier slotIdentifier(Schedule schedule, Instant start, ZoneId zone) {
    return new Identifier()
        .setSystem(HubIdentifiers.SLOT)
        .setValue(slotIdentifierValue(scheduleKey(schedule), start, zone));
  }

  /** {@code <scheduleKey>-<start as yyyyMMdd'T'HHmm in zone>}. */
  public static String slotIdentifierValue(String scheduleKey, Instant start, ZoneId zone) {
    return scheduleKey + "-" + SLOT_STAMP.format(start.atZone(zone));
  }

  /**
   * What names a Schedule in its slots' identifiers: the value of its identifier of system {@link
   * HubIdentifiers#SCHEDULE}, else of its first identifier, else its id.
   */
  public static String scheduleKey(Schedule schedule) {
    return schedule.getIdentifier().stream()
        .filter(i -> HubIdentifiers.SCHEDULE.equals(i.getSystem()) && i.hasValue())
        .findFirst()
        .or(() -> schedule.getIdentifier().stream().filter(Identifier::hasValue).findFirst())
        .map(Identifier::getValue)
        .or(
            () ->
                schedule.getIdElement().hasIdPart()
                    ? Optional.of(schedule.getIdElement().getIdPart())
                    : Optional.empty())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "HUB-0720: the Schedule has neither identifier nor id to name its slots by"));
  }

  private static List<Occurrence> expand(
      AvailabilityPeriod period, Instant rangeStart, Instant rangeEnd, ZoneId zone) {
    Duration duration = period.duration();
    ZonedDateTime start = period.start().withZoneSameInstant(zone);
    VEvent event = new VEvent(false);
    event.add(new DtStart<>(start));
    event.add(new DtEnd<>(start.plus(duration)));
    if (period.rule() != null) {
      event.add(new RRule<>(period.rule()));
    }
    Period<ZonedDateTime> range = new Period<>(rangeStart.atZone(zone), rangeEnd.atZone(zone));
    List<Occurrence> occurrences = new ArrayList<>();
    for (Period<ZonedDateTime> p : event.<ZonedDateTime>calculateRecurrenceSet(range)) {
      Instant occurrenceStart = p.getStart().toInstant();
      occurrences.add(new Occurrence(occurrenceStart, occurrenceStart.plus(duration)));
    }
    return occurrences;
  }

  private static Slot template(Schedule schedule) {
    Slot slot = new Slot();
    slot.getMeta().addProfile(HubProfiles.SLOT);
    // meta.security <- Schedule.meta.security (TRE_R314 slot types only)
    schedule.getMeta().getSecurity().stream()
        .filter(c -> FrCodeSystems.TRE_R314_TYPE_CRENEAU.equals(c.getSystem()))
        .map(Coding::copy)
        .forEach(slot.getMeta()::addSecurity);
    if (!slot.getMeta().hasSecurity()) {
      throw new IllegalArgumentException(
          "HUB-0721: the Schedule carries no slot type: put a "
              + FrCodeSystems.TRE_R314_TYPE_CRENEAU
              + " coding (PUBLIC, PRO, SNP, CPTS) in its meta.security");
    }
    // schedule <- the Schedule itself, by id or else by identifier
    slot.setSchedule(scheduleReference(schedule));
    // serviceType, specialty <- Schedule.serviceType, Schedule.specialty
    schedule.getServiceType().forEach(c -> slot.addServiceType(c.copy()));
    schedule.getSpecialty().forEach(c -> slot.addSpecialty(c.copy()));
    // appointmentType: generated availability is booked (ROUTINE)
    slot.setAppointmentType(
        new CodeableConcept(new Coding(FrCodeSystems.V2_0276, APPOINTMENT_TYPE, null)));
    // comment <- Schedule.comment (the booking URL of the professional's agenda)
    if (schedule.hasComment()) {
      slot.setComment(schedule.getComment());
    }
    slot.setStatus(SlotStatus.FREE);
    return slot;
  }

  private static Reference scheduleReference(Schedule schedule) {
    if (schedule.getIdElement().hasIdPart()) {
      return new Reference("Schedule/" + schedule.getIdElement().getIdPart());
    }
    if (schedule.hasIdentifier()) {
      return new Reference()
          .setType("Schedule")
          .setIdentifier(schedule.getIdentifierFirstRep().copy());
    }
    throw new IllegalArgumentException(
        "HUB-0720: the Schedule has neither id nor identifier for its slots to reference");
  }

  private static Slot slot(
      Slot template, Identifier identifier, Occurrence occurrence, ZoneId zone) {
    Slot slot = template.copy();
    slot.addIdentifier(identifier);
    slot.setStartElement(instant(occurrence.start(), zone));
    slot.setEndElement(instant(occurrence.end(), zone));
    return slot;
  }

  private static InstantType instant(Instant instant, ZoneId zone) {
    return new InstantType(
        Date.from(instant), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone(zone));
  }

  /** One occurrence of an entry, as instants. */
  private record Occurrence(Instant start, Instant end) {
    boolean overlaps(Occurrence other) {
      return start.isBefore(other.end) && other.start.isBefore(end);
    }
  }
}
