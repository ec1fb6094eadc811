package fr.cpts.hub.mappers.ical;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;
import net.fortuna.ical4j.model.Recur;

/**
 * One entry of a Schedule's FR Core availability-time extension, in Java terms: an iCalendar event
 * (start, end, optional recurrence rule) that either opens time ({@link Availability#FREE}) or
 * takes it away ({@link Availability#BUSY_UNAVAILABLE}).
 *
 * @param availability free, or busy-unavailable (an exception to the free entries)
 * @param start the first occurrence's start (DTSTART), in the zone the rule is expanded in
 * @param end the first occurrence's end (DTEND); every occurrence lasts {@code end - start}
 * @param rule the recurrence rule (RRULE), or {@code null} for a single occurrence
 * @param identifier the value of the entry's identifier (the extension requires one)
 * @param unavailabilityReason why the time is unavailable, as text, or {@code null}
 */
public record AvailabilityPeriod(
    Availability availability,
    ZonedDateTime start,
    ZonedDateTime end,
    Recur<ZonedDateTime> rule,
    String identifier,
    String unavailabilityReason) {

  /** The entry's type, a code of {@code http://hl7.org/fhir/slotstatus}. */
  public enum Availability {
    FREE("free"),
    BUSY_UNAVAILABLE("busy-unavailable");

    private final String code;

    Availability(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  public AvailabilityPeriod {
    Objects.requireNonNull(availability, "availability");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(identifier, "identifier");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException(
          "HUB-0711: an availability period must end after it starts (start "
              + start
              + ", end "
              + end
              + ")");
    }
    if (identifier.isBlank()) {
      throw new IllegalArgumentException("HUB-0711: an availability period needs an identifier");
    }
  }

  /** A free entry without a reason. */
  public static AvailabilityPeriod free(
      ZonedDateTime start, ZonedDateTime end, Recur<ZonedDateTime> rule, String identifier) {
    return new AvailabilityPeriod(Availability.FREE, start, end, rule, identifier, null);
  }

  /** A busy-unavailable entry (an exception to the free ones). */
  public static AvailabilityPeriod unavailable(
      ZonedDateTime start,
      ZonedDateTime end,
      Recur<ZonedDateTime> rule,
      String identifier,
      String reason) {
    return new AvailabilityPeriod(
        Availability.BUSY_UNAVAILABLE, start, end, rule, identifier, reason);
  }

  /** The exact length of every occurrence. */
  public Duration duration() {
    return Duration.between(start, end);
  }
}
