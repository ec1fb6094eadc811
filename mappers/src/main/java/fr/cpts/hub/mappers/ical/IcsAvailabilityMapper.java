package fr.cpts.hub.mappers.ical;

import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ical.AvailabilityPeriod.Availability;
import java.io.IOException;
import java.io.StringReader;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.component.Available;
import net.fortuna.ical4j.model.component.VAvailability;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Categories;
import net.fortuna.ical4j.model.property.DateProperty;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.Duration;
import net.fortuna.ical4j.model.property.ExDate;
import net.fortuna.ical4j.model.property.ExRule;
import net.fortuna.ical4j.model.property.RDate;
import net.fortuna.ical4j.model.property.RRule;
import net.fortuna.ical4j.model.property.Status;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.transform.recurrence.Frequency;
import org.hl7.fhir.r4.model.Schedule;

/**
 * Reads an iCalendar file (RFC 5545, with RFC 7953 VAVAILABILITY) into the FR Core
 * availability-time extensions of a Schedule; {@link AvailabilitySlotGenerator} then turns those
 * into Slots. No I/O: the text comes in, a new Schedule goes out.
 *
 * <h2>What becomes what</h2>
 *
 * <ul>
 *   <li>Every AVAILABLE of every VAVAILABILITY becomes a {@code free} entry: DTSTART, DTEND (or
 *       DTSTART + DURATION), RRULE as the structured rule. Its EXDATEs become {@code
 *       busy-unavailable} entries of the same duration (a date alone: that whole day), its EXRULE a
 *       {@code busy-unavailable} entry with that rule, its RDATEs more {@code free} entries.
 *   <li>The VAVAILABILITY's own DTSTART/DTEND bound its AVAILABLE components (RFC 7953): a single
 *       one outside is dropped; a recurring one gets an UNTIL at the end bound (a COUNT going past
 *       it becomes that UNTIL) and a {@code busy-unavailable} entry before the start bound.
 *       PRIORITY and BUSYTYPE are not used: all VAVAILABILITY components add up.
 *   <li>A VEVENT whose CATEGORIES contain {@link IcsImportOptions#unavailableCategory()} becomes a
 *       {@code busy-unavailable} entry (its RDATEs too); else, one whose CATEGORIES contain {@link
 *       IcsImportOptions#category()} becomes a {@code free} entry exactly as an AVAILABLE does. Any
 *       other VEVENT, a CANCELLED one, and every VTODO, VJOURNAL and VFREEBUSY are ignored.
 *   <li>A component with a RECURRENCE-ID overrides one occurrence of the free component of the same
 *       UID: that occurrence is removed (a {@code busy-unavailable} entry of the master's duration)
 *       and the override, unless cancelled, is read as a component of its own. An override of an
 *       unavailable component does not give the time back, nor does an EXDATE on one: the extension
 *       cannot express it, and staying unavailable is the safe side.
 *   <li>Identifiers: the component's UID (a fresh {@code ctx.ids()} one when missing), then {@code
 *       /exdate/<yyyyMMdd'T'HHmm>}, {@code /exrule/<n>}, {@code /rdate/<stamp>}, {@code
 *       /recurrence/<stamp>} for the entries derived from it.
 * </ul>
 *
 * <h2>Times</h2>
 *
 * A TZID is resolved with the file's VTIMEZONE, else as a zone id (ical4j also knows the Windows
 * names); UTC times are instants; floating times and dates are local times of {@code ctx.zone()}.
 * Every time is then written in {@code ctx.zone()}, in which the generator expands the rules: a
 * recurring component in a zone whose daylight-saving dates differ from {@code ctx.zone()}'s keeps
 * its local hour in {@code ctx.zone()}, not in its own zone.
 *
 * <h2>Refused</h2>
 *
 * An unreadable file, a date-time in an unknown zone, a component without DTSTART or without an
 * end, or a rule part the extension cannot carry (BYSETPOS, SKIP, a zero BYHOUR/BYMINUTE/BYSECOND
 * other than DTSTART's own) raise an {@link IcsImportException} saying what and where.
 */
public final class IcsAvailabilityMapper {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm");
  private static final DateTimeFormatter DAY_STAMP = DateTimeFormatter.BASIC_ISO_DATE;

  /**
   * A copy of {@code target} whose availability-time extensions are those read from {@code
   * icsText}; its other content is kept as is.
   *
   * @throws IcsImportException if the file cannot be read or holds what the extension cannot carry
   */
  public Schedule map(
      String icsText, Schedule target, IcsImportOptions options, MappingContext ctx) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(ctx, "ctx");
    Calendar calendar = parse(icsText);
    List<AvailabilityPeriod> periods = new Reading(options, ctx).read(calendar);
    Schedule schedule = target.copy();
    AvailabilityTimeExtension.replace(schedule, periods);
    return schedule;
  }

  private static Calendar parse(String icsText) {
    if (icsText == null || icsText.isBlank()) {
      throw new IcsImportException("HUB-0701: the iCalendar file is empty");
    }
    try {
      return new CalendarBuilder().build(new StringReader(icsText));
    } catch (ParserException e) {
      String reason =
          e.getCause() != null && e.getCause().getMessage() != null
              ? e.getCause().getMessage()
              : String.valueOf(e.getMessage()).replaceFirst("^Error at line \\d+:", "");
      throw new IcsImportException(
          "HUB-0701: the iCalendar file cannot be read at line " + e.getLineNo() + ": " + reason,
          e.getLineNo(),
          e);
    } catch (IOException | RuntimeException e) {
      throw new IcsImportException("HUB-0701: the iCalendar file cannot be read: " + e, e);
    }
  }

  /** One reading of one file: its options, context and what it found so far. */
  private static final class Reading {

    private final IcsImportOptions options;
    private final MappingContext ctx;
    private final ZoneId zone;
    private final List<AvailabilityPeriod> periods = new ArrayList<>();

    /** Free masters by UID, for their RECURRENCE-ID overrides. */
    private final Map<String, Event> freeMasters = new HashMap<>();

    Reading(IcsImportOptions options, MappingContext ctx) {
      this.options = options;
      this.ctx = ctx;
      this.zone = ctx.zone();
    }

    List<AvailabilityPeriod> read(Calendar calendar) {
      List<Event> overrides = new ArrayList<>();
      for (VAvailability availability :
          calendar.<VAvailability>getComponents(Component.VAVAILABILITY)) {
        Bounds bounds = bounds(availability);
        for (Available available : availability.getAvailable()) {
          Event event = event(available, Availability.FREE, null, bounds);
          if (event.recurrenceId() != null) {
            overrides.add(event);
          } else {
            addFree(event);
          }
        }
      }
      for (VEvent vevent : calendar.<VEvent>getComponents(Component.VEVENT)) {
        Optional<Event> event = classify(vevent);
        if (event.isEmpty()) {
          continue;
        }
        if (event.get().recurrenceId() != null) {
          overrides.add(event.get());
        } else if (event.get().availability() == Availability.FREE) {
          addFree(event.get());
        } else {
          addUnavailable(event.get());
        }
      }
      overrides.forEach(this::addOverride);
      return List.copyOf(periods);
    }

    /** A VEVENT as free or unavailable time by its categories, or empty to ignore it. */
    private Optional<Event> classify(VEvent vevent) {
      List<String> categories =
          vevent.<Categories>getProperties(Property.CATEGORIES).stream()
              .flatMap(c -> c.getCategories().getTexts().stream())
              .toList();
      boolean cancelled =
          vevent
              .<Status>getProperty(Property.STATUS)
              .map(s -> Status.VALUE_CANCELLED.equalsIgnoreCase(s.getValue()))
              .orElse(false);
      boolean hasRecurrenceId = vevent.getProperty(Property.RECURRENCE_ID).isPresent();
      if (categories.stream().anyMatch(options::isUnavailable)) {
        return Optional.of(
            event(vevent, Availability.BUSY_UNAVAILABLE, options.unavailableCategory(), null)
                .cancelled(cancelled));
      }
      if (categories.stream().anyMatch(options::isFree)) {
        return Optional.of(event(vevent, Availability.FREE, null, null).cancelled(cancelled));
      }
      // An override outside the categories still moves its master's occurrence away.
      if (hasRecurrenceId) {
        return Optional.of(event(vevent, Availability.FREE, null, null).cancelled(true));
      }
      return Optional.empty();
    }

    private void addFree(Event event) {
      if (event.cancelled()) {
        return;
      }
      if (event.recurrenceId() == null) {
        freeMasters.putIfAbsent(event.uid(), event);
      }
      Bounds bounds = event.bounds();
      if (event.rule() == null) {
        if (bounds.contains(event.start(), event.end())) {
          periods.add(AvailabilityPeriod.free(event.start(), event.end(), null, event.id()));
        }
      } else if (!bounds.allows(event)) {
        return; // the whole rule lies past the VAVAILABILITY: nothing of it applies
      } else {
        Recur<ZonedDateTime> rule = bounds.limit(event);
        periods.add(AvailabilityPeriod.free(event.start(), event.end(), rule, event.id()));
        if (bounds.start() != null && event.start().isBefore(bounds.start())) {
          periods.add(
              AvailabilityPeriod.unavailable(
                  event.start(),
                  bounds.start(),
                  null,
                  event.id() + "/before/" + stamp(bounds.start()),
                  "VAVAILABILITY DTSTART"));
        }
      }
      for (Temporal exdate : event.exdates()) {
        ZonedDateTime start;
        ZonedDateTime end;
        if (exdate instanceof LocalDate day) {
          start = day.atStartOfDay(zone);
          end = day.plusDays(1).atStartOfDay(zone);
        } else {
          start = zoned(exdate, event.where(), "EXDATE");
          end = start.plus(event.duration());
        }
        periods.add(
            AvailabilityPeriod.unavailable(
                start, end, null, event.id() + "/exdate/" + stamp(exdate), "EXDATE"));
      }
      int n = 0;
      for (Recur<ZonedDateTime> exrule : event.exrules()) {
        periods.add(
            AvailabilityPeriod.unavailable(
                event.start(), event.end(), exrule, event.id() + "/exrule/" + ++n, "EXRULE"));
      }
      for (Span rdate : event.rdates()) {
        if (bounds.contains(rdate.start(), rdate.end())) {
          periods.add(
              AvailabilityPeriod.free(
                  rdate.start(), rdate.end(), null, event.id() + "/rdate/" + stamp(rdate.start())));
        }
      }
    }

    private void addUnavailable(Event event) {
      if (event.cancelled()) {
        return;
      }
      periods.add(
          AvailabilityPeriod.unavailable(
              event.start(), event.end(), event.rule(), event.id(), event.reason()));
      for (Span rdate : event.rdates()) {
        periods.add(
            AvailabilityPeriod.unavailable(
                rdate.start(),
                rdate.end(),
                null,
                event.id() + "/rdate/" + stamp(rdate.start()),
                event.reason()));
      }
    }

    private void addOverride(Event override) {
      Event master = freeMasters.get(override.uid());
      if (master != null) {
        ZonedDateTime replaced = override.recurrenceId();
        periods.add(
            AvailabilityPeriod.unavailable(
                replaced,
                replaced.plus(master.duration()),
                null,
                override.id() + "/replaced",
                "RECURRENCE-ID"));
      }
      if (override.availability() == Availability.FREE) {
        addFree(override);
      } else {
        addUnavailable(override);
      }
    }

    private Bounds bounds(VAvailability availability) {
      String where = where(availability);
      ZonedDateTime start = date(availability, Property.DTSTART, where).orElse(null);
      ZonedDateTime end = date(availability, Property.DTEND, where).orElse(null);
      if (end == null && start != null) {
        end = duration(availability, where).map(start::plus).orElse(null);
      }
      return new Bounds(start, end);
    }

    /** The parts of a component that matter here, times in {@code ctx.zone()}. */
    private Event event(
        Component component, Availability availability, String reason, Bounds bounds) {
      String where = where(component);
      String uid =
          component.getUid().map(Uid::getValue).filter(v -> !v.isBlank()).orElseGet(ctx.ids());
      ZonedDateTime start =
          date(component, Property.DTSTART, where)
              .orElseThrow(() -> new IcsImportException("HUB-0703: " + where + " has no DTSTART"));
      ZonedDateTime end = end(component, start, where);
      Recur<ZonedDateTime> rule =
          component
              .<RRule<?>>getProperty(Property.RRULE)
              .map(r -> normalise(r.getRecur(), start, where, "RRULE"))
              .orElse(null);
      List<Recur<ZonedDateTime>> exrules =
          component.<ExRule<?>>getProperties(Property.EXRULE).stream()
              .map(r -> normalise(r.getRecur(), start, where, "EXRULE"))
              .toList();
      List<Temporal> exdates = new ArrayList<>();
      for (ExDate<?> exdate : component.<ExDate<?>>getProperties(Property.EXDATE)) {
        exdates.addAll(lazily(() -> exdate.getDates(), where, "EXDATE"));
      }
      List<Span> rdates = new ArrayList<>();
      java.time.Duration duration = java.time.Duration.between(start, end);
      for (RDate<?> rdate : component.<RDate<?>>getProperties(Property.RDATE)) {
        Optional<? extends Set<? extends Period<?>>> spans =
            lazily(rdate::getPeriods, where, "RDATE");
        if (spans.isPresent()) {
          for (Period<?> span : spans.get()) {
            ZonedDateTime s = zoned(span.getStart(), where, "RDATE");
            rdates.add(new Span(s, zoned(span.getEnd(), where, "RDATE")));
          }
        } else {
          for (Temporal date : lazily(() -> rdate.getDates(), where, "RDATE")) {
            ZonedDateTime s = zoned(date, where, "RDATE");
            rdates.add(new Span(s, s.plus(duration)));
          }
        }
      }
      ZonedDateTime recurrenceId = date(component, Property.RECURRENCE_ID, where).orElse(null);
      String id = recurrenceId == null ? uid : uid + "/recurrence/" + stamp(recurrenceId);
      return new Event(
          where,
          uid,
          id,
          availability,
          reason,
          start,
          end,
          rule,
          exrules,
          List.copyOf(exdates),
          List.copyOf(rdates),
          recurrenceId,
          false,
          bounds == null ? Bounds.NONE : bounds);
    }

    private ZonedDateTime end(Component component, ZonedDateTime start, String where) {
      Optional<ZonedDateTime> end = date(component, Property.DTEND, where);
      if (end.isEmpty()) {
        end = duration(component, where).map(start::plus);
      }
      if (end.isEmpty() && isDate(component, Property.DTSTART)) {
        end = Optional.of(start.plusDays(1));
      }
      ZonedDateTime result =
          end.orElseThrow(
              () ->
                  new IcsImportException("HUB-0703: " + where + " has neither DTEND nor DURATION"));
      if (!result.isAfter(start)) {
        throw new IcsImportException(
            "HUB-0703: "
                + where
                + " ends ("
                + result
                + ") before or when it starts ("
                + start
                + ")");
      }
      return result;
    }

    private Optional<TemporalAmount> duration(Component component, String where) {
      return component
          .<Duration>getProperty(Property.DURATION)
          .map(d -> lazily(d::getDuration, where, "DURATION"));
    }

    private Optional<ZonedDateTime> date(Component component, String name, String where) {
      Optional<DateProperty<?>> property = component.getProperty(name);
      return property.map(p -> zoned(lazily(p::getDate, where, name), where, name));
    }

    private boolean isDate(Component component, String name) {
      Optional<DateProperty<?>> property = component.getProperty(name);
      return property.map(p -> p.getDate() instanceof LocalDate).orElse(false);
    }

    /**
     * A rule as the extension can carry it: its UNTIL in {@code ctx.zone()}, BYSECOND, BYMINUTE or
     * BYHOUR lists that only repeat DTSTART's own value dropped (they change nothing, and a zero
     * cannot be carried), BYSETPOS and SKIP refused.
     */
    private Recur<ZonedDateTime> normalise(
        Recur<?> recur, ZonedDateTime start, String where, String property) {
      if (!recur.getSetPosList().isEmpty()) {
        throw cannotCarry(where, property, "BYSETPOS");
      }
      if (recur.getSkip() != null) {
        throw cannotCarry(where, property, "SKIP");
      }
      Recur.Builder<ZonedDateTime> builder =
          new Recur.Builder<ZonedDateTime>().frequency(recur.getFrequency());
      if (recur.getUntil() != null) {
        builder.until(until(recur.getUntil(), where, property));
      }
      if (recur.getCount() > 0) {
        builder.count(recur.getCount());
      }
      if (recur.getInterval() > 0) {
        builder.interval(recur.getInterval());
      }
      Frequency frequency = recur.getFrequency();
      builder.secondList(
          timeList(
              recur.getSecondList(),
              start.getSecond(),
              frequency != Frequency.SECONDLY,
              where,
              property + " BYSECOND"));
      builder.minuteList(
          timeList(
              recur.getMinuteList(),
              start.getMinute(),
              frequency.compareTo(Frequency.MINUTELY) > 0,
              where,
              property + " BYMINUTE"));
      builder.hourList(
          timeList(
              recur.getHourList(),
              start.getHour(),
              frequency.compareTo(Frequency.HOURLY) > 0,
              where,
              property + " BYHOUR"));
      builder.dayList(recur.getDayList());
      builder.monthDayList(recur.getMonthDayList());
      builder.yearDayList(recur.getYearDayList());
      builder.weekNoList(recur.getWeekNoList());
      if (recur.getMonthList().stream().anyMatch(m -> m.isLeapMonth())) {
        throw cannotCarry(where, property, "a leap BYMONTH");
      }
      builder.monthList(recur.getMonthList());
      if (recur.getWeekStartDay() != null) {
        builder.weekStartDay(recur.getWeekStartDay());
      }
      return builder.build();
    }

    private static List<Integer> timeList(
        List<Integer> values, int own, boolean coarser, String where, String part) {
      if (coarser && values.size() == 1 && values.get(0) == own) {
        return List.of();
      }
      if (values.stream().anyMatch(v -> v < 1)) {
        throw cannotCarry(where, part, "0 (the extension takes positive integers)");
      }
      return values;
    }

    /** UNTIL in {@code ctx.zone()}; a date alone is inclusive, up to that day's last second. */
    private ZonedDateTime until(Temporal until, String where, String property) {
      if (until instanceof LocalDate day) {
        return day.plusDays(1).atStartOfDay(zone).minusSeconds(1);
      }
      return zoned(until, where, property + " UNTIL");
    }

    private ZonedDateTime zoned(Temporal temporal, String where, String what) {
      try {
        if (temporal instanceof ZonedDateTime z) {
          return z.withZoneSameInstant(zone);
        }
        if (temporal instanceof OffsetDateTime o) {
          return o.atZoneSameInstant(zone);
        }
        if (temporal instanceof Instant i) {
          return i.atZone(zone);
        }
        if (temporal instanceof LocalDateTime floating) {
          return floating.atZone(zone);
        }
        if (temporal instanceof LocalDate day) {
          return day.atStartOfDay(zone);
        }
      } catch (DateTimeException e) {
        throw new IcsImportException(
            "HUB-0702: " + where + ": " + what + " cannot be placed in time: " + e.getMessage(), e);
      }
      throw new IcsImportException(
          "HUB-0702: " + where + ": " + what + " is not a date or date-time (" + temporal + ")");
    }

    private String stamp(Temporal time) {
      if (time instanceof LocalDate day) {
        return DAY_STAMP.format(day);
      }
      return STAMP.format(zoned(time, "", ""));
    }

    private static IcsImportException cannotCarry(String where, String property, String what) {
      return new IcsImportException(
          "HUB-0704: "
              + where
              + ": "
              + property
              + " holds "
              + what
              + ", which the FR Core availability-time extension cannot carry");
    }

    private static String where(Component component) {
      return component.getName()
          + component.getUid().map(u -> " UID=" + u.getValue()).orElse(" without UID");
    }
  }

  /** Reads a value ical4j computes lazily, turning its errors into ours. */
  private static <T> T lazily(Supplier<T> value, String where, String what) {
    try {
      return value.get();
    } catch (DateTimeException | IllegalArgumentException e) {
      throw new IcsImportException(
          "HUB-0702: " + where + ": " + what + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The time range of a VAVAILABILITY (either end open when absent). */
  private record Bounds(ZonedDateTime start, ZonedDateTime end) {

    static final Bounds NONE = new Bounds(null, null);

    boolean contains(ZonedDateTime from, ZonedDateTime to) {
      return (start == null || !from.isBefore(start)) && (end == null || !to.isAfter(end));
    }

    /** Whether a recurring component can have an occurrence inside the bounds. */
    boolean allows(Event event) {
      return end == null || !event.end().isAfter(end);
    }

    /** The rule of a recurring component, stopped at the end bound. */
    Recur<ZonedDateTime> limit(Event event) {
      Recur<ZonedDateTime> rule = event.rule();
      if (end == null) {
        return rule;
      }
      ZonedDateTime lastStart = end.minus(event.duration());
      if (rule.getCount() > 0) {
        // COUNT ending inside the bound is kept; one going past it becomes UNTIL.
        VEvent probe = new VEvent(false);
        probe.add(new DtStart<>(event.start()));
        probe.add(new DtEnd<>(event.end()));
        probe.add(new RRule<>(rule));
        int within =
            probe
                .<ZonedDateTime>calculateRecurrenceSet(new Period<>(event.start(), lastStart))
                .size();
        if (within >= rule.getCount()) {
          return rule;
        }
        return withUntil(rule, lastStart);
      }
      if (rule.getUntil() != null && !rule.getUntil().isAfter(lastStart)) {
        return rule;
      }
      return withUntil(rule, lastStart);
    }

    /** The same rule, without COUNT, ending at {@code until}. */
    private static Recur<ZonedDateTime> withUntil(Recur<ZonedDateTime> rule, ZonedDateTime until) {
      Recur.Builder<ZonedDateTime> builder =
          new Recur.Builder<ZonedDateTime>()
              .frequency(rule.getFrequency())
              .until(until)
              .secondList(rule.getSecondList())
              .minuteList(rule.getMinuteList())
              .hourList(rule.getHourList())
              .dayList(rule.getDayList())
              .monthDayList(rule.getMonthDayList())
              .yearDayList(rule.getYearDayList())
              .weekNoList(rule.getWeekNoList())
              .monthList(rule.getMonthList());
      if (rule.getInterval() > 0) {
        builder.interval(rule.getInterval());
      }
      if (rule.getWeekStartDay() != null) {
        builder.weekStartDay(rule.getWeekStartDay());
      }
      return builder.build();
    }
  }

  /** A single extra occurrence (RDATE). */
  private record Span(ZonedDateTime start, ZonedDateTime end) {}

  /** A component read. */
  private record Event(
      String where,
      String uid,
      String id,
      Availability availability,
      String reason,
      ZonedDateTime start,
      ZonedDateTime end,
      Recur<ZonedDateTime> rule,
      List<Recur<ZonedDateTime>> exrules,
      List<Temporal> exdates,
      List<Span> rdates,
      ZonedDateTime recurrenceId,
      boolean cancelled,
      Bounds bounds) {

    java.time.Duration duration() {
      return java.time.Duration.between(start, end);
    }

    Event cancelled(boolean value) {
      return new Event(
          where,
          uid,
          id,
          availability,
          reason,
          start,
          end,
          rule,
          exrules,
          exdates,
          rdates,
          recurrenceId,
          value,
          bounds);
    }
  }
}
