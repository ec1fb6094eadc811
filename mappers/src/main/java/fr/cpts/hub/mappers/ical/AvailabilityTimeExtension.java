package fr.cpts.hub.mappers.ical;

import fr.cpts.hub.mappers.ical.AvailabilityPeriod.Availability;
import fr.cpts.hub.profiles.FrExtensions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.fortuna.ical4j.model.Month;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.WeekDay;
import net.fortuna.ical4j.transform.recurrence.Frequency;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Reads and writes the FR Core extension {@code fr-core-schedule-availability-time} (one {@link
 * AvailabilityPeriod} per extension). Its recurrence rule is the structured form of an RFC 5545
 * RRULE: one sub-extension per rule part ({@code freq}, {@code until}, {@code count}, {@code
 * interval}, {@code bySecond}, {@code byMinute}, {@code byHour}, {@code byDay}, {@code byMonthDay},
 * {@code byYearDay}, {@code byWeekNo}, {@code byMonth}, {@code wkst}); BYSETPOS has no place in it.
 *
 * <p>Date-times are written with the offset of the period's zone at that instant, to the second
 * ({@code 2026-11-23T09:00:00+01:00}). On reading, a date-time without offset is a local time of
 * the zone given, a date alone is that day's start.
 */
public final class AvailabilityTimeExtension {

  /** The extension's URL. */
  public static final String URL = FrExtensions.SCHEDULE_AVAILABILITY_TIME;

  /** System of the {@code type} coding: the FHIR slot status codes (free, busy-unavailable). */
  public static final String SLOT_STATUS_SYSTEM = "http://hl7.org/fhir/slotstatus";

  /** System of the {@code freq} coding in FR Core: the iCalendar frequencies (DAILY, WEEKLY...). */
  public static final String RRULE_FREQ_SYSTEM = "https://www.ietf.org/rfc/rfc2445";

  static final String TYPE = "type";
  static final String RRULE = "rrule";
  static final String START = "start";
  static final String END = "end";
  static final String IDENTIFIER = "identifier";
  static final String UNAVAILABILITY_REASON = "unavailabilityReason";

  static final String FREQ = "freq";
  static final String UNTIL = "until";
  static final String COUNT = "count";
  static final String INTERVAL = "interval";
  static final String BY_SECOND = "bySecond";
  static final String BY_MINUTE = "byMinute";
  static final String BY_HOUR = "byHour";
  static final String BY_DAY = "byDay";
  static final String BY_MONTH_DAY = "byMonthDay";
  static final String BY_YEAR_DAY = "byYearDay";
  static final String BY_WEEK_NO = "byWeekNo";
  static final String BY_MONTH = "byMonth";
  static final String WKST = "wkst";

  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  private AvailabilityTimeExtension() {}

  /** The availability periods a Schedule carries, in the order of its extensions. */
  public static List<AvailabilityPeriod> read(Schedule schedule, ZoneId zone) {
    List<AvailabilityPeriod> periods = new ArrayList<>();
    List<Extension> extensions = schedule.getExtensionsByUrl(URL);
    for (int i = 0; i < extensions.size(); i++) {
      try {
        periods.add(fromExtension(extensions.get(i), zone));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "HUB-0710: availability-time extension #"
                + (i + 1)
                + " of "
                + describe(schedule)
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return periods;
  }

  /** Replaces the availability-time extensions of a Schedule by the periods given, in order. */
  public static void replace(Schedule schedule, List<AvailabilityPeriod> periods) {
    schedule.getExtension().removeIf(e -> URL.equals(e.getUrl()));
    periods.forEach(p -> schedule.addExtension(toExtension(p)));
  }

  /** The extension of one period; date-times carry the offset of the period's zone. */
  public static Extension toExtension(AvailabilityPeriod period) {
    Extension extension = new Extension(URL);
    extension.addExtension(
        TYPE, new Coding(SLOT_STATUS_SYSTEM, period.availability().code(), null));
    if (period.rule() != null) {
      extension.addExtension(rruleExtension(period.rule(), period.start().getZone()));
    }
    extension.addExtension(START, dateTime(period.start()));
    extension.addExtension(END, dateTime(period.end()));
    extension.addExtension(IDENTIFIER, new Identifier().setValue(period.identifier()));
    if (period.unavailabilityReason() != null) {
      extension.addExtension(
          UNAVAILABILITY_REASON, new CodeableConcept().setText(period.unavailabilityReason()));
    }
    return extension;
  }

  /**
   * The period an extension describes, its times in {@code zone}.
   *
   * @throws IllegalArgumentException if a required part is missing or malformed
   */
  public static AvailabilityPeriod fromExtension(Extension extension, ZoneId zone) {
    Coding type = value(extension, TYPE, Coding.class);
    if (type == null || type.getCode() == null) {
      throw new IllegalArgumentException("no type (free | busy-unavailable)");
    }
    // Anything but free (busy, busy-unavailable, busy-tentative) takes time away.
    Availability availability =
        Availability.FREE.code().equals(type.getCode())
            ? Availability.FREE
            : Availability.BUSY_UNAVAILABLE;
    ZonedDateTime start = dateTime(extension, START, zone);
    ZonedDateTime end = dateTime(extension, END, zone);
    if (start == null || end == null) {
      throw new IllegalArgumentException("start and end are both required");
    }
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("end " + end + " is not after start " + start);
    }
    Extension rrule = extension.getExtensionByUrl(RRULE);
    Recur<ZonedDateTime> rule = rrule == null ? null : readRule(rrule, zone);
    Identifier identifier = value(extension, IDENTIFIER, Identifier.class);
    String id =
        identifier != null && identifier.hasValue()
            ? identifier.getValue()
            : availability.code() + "-" + start.toInstant();
    CodeableConcept reason = value(extension, UNAVAILABILITY_REASON, CodeableConcept.class);
    return new AvailabilityPeriod(
        availability, start, end, rule, id, reason == null ? null : reason.getText());
  }

  private static Extension rruleExtension(Recur<ZonedDateTime> rule, ZoneId zone) {
    Extension rrule = new Extension(RRULE);
    rrule.addExtension(FREQ, new Coding(RRULE_FREQ_SYSTEM, rule.getFrequency().name(), null));
    // Typed loosely: a Recur parsed from text holds its UNTIL as ical4j read it.
    Temporal until = rule.getUntil();
    if (until != null) {
      rrule.addExtension(UNTIL, dateTime(inZone(until, zone)));
    }
    if (rule.getCount() > 0) {
      rrule.addExtension(COUNT, new IntegerType(rule.getCount()));
    }
    if (rule.getInterval() > 0) {
      rrule.addExtension(INTERVAL, new IntegerType(rule.getInterval()));
    }
    positiveInts(rrule, BY_SECOND, rule.getSecondList());
    positiveInts(rrule, BY_MINUTE, rule.getMinuteList());
    positiveInts(rrule, BY_HOUR, rule.getHourList());
    rule.getDayList().forEach(day -> rrule.addExtension(BY_DAY, new StringType(day.toString())));
    rule.getMonthDayList().forEach(d -> rrule.addExtension(BY_MONTH_DAY, new IntegerType(d)));
    rule.getYearDayList()
        .forEach(d -> rrule.addExtension(BY_YEAR_DAY, new StringType(String.valueOf(d))));
    rule.getWeekNoList().forEach(w -> rrule.addExtension(BY_WEEK_NO, new IntegerType(w)));
    rule.getMonthList()
        .forEach(m -> rrule.addExtension(BY_MONTH, new PositiveIntType(m.getMonthOfYear())));
    if (rule.getWeekStartDay() != null) {
      rrule.addExtension(WKST, new CodeType(rule.getWeekStartDay().toString()));
    }
    return rrule;
  }

  private static void positiveInts(Extension rrule, String part, List<Integer> values) {
    for (Integer value : values) {
      if (value < 1) {
        throw new IllegalArgumentException(
            "HUB-0712: rule part " + part + "=" + value + " cannot be carried (positiveInt)");
      }
      rrule.addExtension(part, new PositiveIntType(value));
    }
  }

  private static Recur<ZonedDateTime> readRule(Extension rrule, ZoneId zone) {
    Coding freq = value(rrule, FREQ, Coding.class);
    if (freq == null || freq.getCode() == null) {
      throw new IllegalArgumentException("rrule without freq");
    }
    Recur.Builder<ZonedDateTime> builder = new Recur.Builder<>();
    try {
      builder.frequency(Frequency.valueOf(freq.getCode()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown rrule freq " + freq.getCode(), e);
    }
    ZonedDateTime until = dateTime(rrule, UNTIL, zone);
    if (until != null) {
      builder.until(until);
    }
    Integer count = integer(rrule, COUNT);
    if (count != null) {
      builder.count(count);
    }
    Integer interval = integer(rrule, INTERVAL);
    if (interval != null) {
      builder.interval(interval);
    }
    builder.secondList(integers(rrule, BY_SECOND));
    builder.minuteList(integers(rrule, BY_MINUTE));
    builder.hourList(integers(rrule, BY_HOUR));
    builder.dayList(list(rrule, BY_DAY, WeekDay::new));
    builder.monthDayList(integers(rrule, BY_MONTH_DAY));
    builder.yearDayList(list(rrule, BY_YEAR_DAY, Integer::valueOf));
    builder.weekNoList(integers(rrule, BY_WEEK_NO));
    builder.monthList(list(rrule, BY_MONTH, m -> Month.valueOf(Integer.parseInt(m))));
    List<WeekDay> weekStart = list(rrule, WKST, WeekDay::new);
    if (!weekStart.isEmpty()) {
      builder.weekStartDay(weekStart.get(0));
    }
    return builder.build();
  }

  private static <T> List<T> list(Extension parent, String url, Function<String, T> parse) {
    List<T> values = new ArrayList<>();
    for (Extension part : parent.getExtensionsByUrl(url)) {
      if (!(part.getValue() instanceof PrimitiveType<?> primitive) || !primitive.hasValue()) {
        throw new IllegalArgumentException("rrule part " + url + " without a value");
      }
      try {
        values.add(parse.apply(primitive.getValueAsString()));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "rrule part " + url + " has a bad value " + primitive.getValueAsString(), e);
      }
    }
    return values;
  }

  private static List<Integer> integers(Extension parent, String url) {
    return list(parent, url, Integer::valueOf);
  }

  private static Integer integer(Extension parent, String url) {
    List<Integer> values = integers(parent, url);
    return values.isEmpty() ? null : values.get(0);
  }

  private static <T extends Type> T value(Extension parent, String url, Class<T> type) {
    Extension part = parent.getExtensionByUrl(url);
    if (part == null || part.getValue() == null) {
      return null;
    }
    if (!type.isInstance(part.getValue())) {
      throw new IllegalArgumentException(
          url + " must be a " + type.getSimpleName() + ", not a " + part.getValue().fhirType());
    }
    return type.cast(part.getValue());
  }

  private static ZonedDateTime dateTime(Extension parent, String url, ZoneId zone) {
    DateTimeType value = value(parent, url, DateTimeType.class);
    if (value == null || !value.hasValue()) {
      return null;
    }
    return parseDateTime(value.getValueAsString(), zone, url);
  }

  /** A FHIR dateTime in {@code zone}: with offset, its instant; without, a local time there. */
  static ZonedDateTime parseDateTime(String text, ZoneId zone, String what) {
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay(zone);
      }
      if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return OffsetDateTime.parse(text).atZoneSameInstant(zone);
      }
      return LocalDateTime.parse(text).atZone(zone);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          what + " is not a date-time to the second or a date: " + text, e);
    }
  }

  /** A rule's UNTIL in {@code zone}; a date alone is inclusive, up to that day's last second. */
  static ZonedDateTime inZone(Temporal until, ZoneId zone) {
    if (until instanceof ZonedDateTime zoned) {
      return zoned.withZoneSameInstant(zone);
    }
    if (until instanceof OffsetDateTime offset) {
      return offset.atZoneSameInstant(zone);
    }
    if (until instanceof Instant instant) {
      return instant.atZone(zone);
    }
    if (until instanceof LocalDateTime floating) {
      return floating.atZone(zone);
    }
    if (until instanceof LocalDate day) {
      return day.plusDays(1).atStartOfDay(zone).minusSeconds(1);
    }
    throw new IllegalArgumentException("UNTIL is not a date or date-time: " + until);
  }

  private static DateTimeType dateTime(ZonedDateTime time) {
    return new DateTimeType(time.truncatedTo(ChronoUnit.SECONDS).format(DATE_TIME));
  }

  private static String describe(Schedule schedule) {
    if (schedule.getIdElement().hasIdPart()) {
      return "Schedule/" + schedule.getIdElement().getIdPart();
    }
    return schedule.hasIdentifier()
        ? "the Schedule " + schedule.getIdentifierFirstRep().getValue()
        : "the Schedule";
  }
}
