package fr.cpts.hub.mappers.hl7v2;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 dates and times (DT, DTM, TS.1) to and from FHIR. A DTM without offset is a local time of
 * the {@code MappingContext}'s zone (Europe/Paris for the hub), as French systems send them.
 */
final class V2DateTime {

  private static final Pattern DTM =
      Pattern.compile(
          "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.\\d{1,4})?([+-]\\d{4})?");
  private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");
  private static final DateTimeFormatter FHIR = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private V2DateTime() {}

  /** A point in time, to the second; empty for an empty value or one without an hour. */
  static Optional<OffsetDateTime> instant(String dtm, ZoneId zone) {
    Matcher m = matcher(dtm);
    if (m == null || m.group(4) == null) {
      return Optional.empty();
    }
    LocalDateTime local =
        LocalDateTime.of(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)),
            m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
            m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
    if (m.group(7) != null) {
      return Optional.of(local.atOffset(ZoneOffset.of(m.group(7))));
    }
    return Optional.of(local.atZone(zone).toOffsetDateTime());
  }

  /**
   * A FHIR dateTime for a DTM: {@code 2026-12-02T09:15:00+01:00}, or {@code 2026-12-02}, {@code
   * 2026-12}, {@code 2026} for the shorter forms.
   *
   * @throws IllegalArgumentException for a value that is no DTM
   */
  static Optional<String> fhirDateTime(String dtm, ZoneId zone) {
    if (dtm == null || dtm.isBlank()) {
      return Optional.empty();
    }
    Optional<OffsetDateTime> instant = instant(dtm, zone);
    if (instant.isPresent()) {
      return Optional.of(FHIR.format(instant.get()));
    }
    return fhirDate(dtm);
  }

  /** A FHIR date for a DT (or the date of a DTM). */
  static Optional<String> fhirDate(String dt) {
    Matcher m = matcher(dt);
    if (m == null) {
      return Optional.empty();
    }
    if (m.group(2) == null) {
      return Optional.of(m.group(1));
    }
    if (m.group(3) == null) {
      return Optional.of(m.group(1) + "-" + m.group(2));
    }
    LocalDate date =
        LocalDate.of(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
    return Optional.of(date.toString());
  }

  /** {@link #instant} for a field, a bad value reported at its location. */
  static Optional<OffsetDateTime> instant(String dtm, ZoneId zone, String location)
      throws Hl7v2MappingException {
    try {
      return instant(dtm, zone);
    } catch (RuntimeException e) {
      throw invalid(location, e);
    }
  }

  /** {@link #fhirDateTime} for a field, a bad value reported at its location. */
  static Optional<String> fhirDateTime(String dtm, ZoneId zone, String location)
      throws Hl7v2MappingException {
    try {
      return fhirDateTime(dtm, zone);
    } catch (RuntimeException e) {
      throw invalid(location, e);
    }
  }

  /** {@link #fhirDate} for a field, a bad value reported at its location. */
  static Optional<String> fhirDate(String dt, String location) throws Hl7v2MappingException {
    try {
      return fhirDate(dt);
    } catch (RuntimeException e) {
      throw invalid(location, e);
    }
  }

  private static Hl7v2MappingException invalid(String location, RuntimeException e) {
    return new Hl7v2MappingException(
        Hl7v2Error.INVALID_VALUE, location, "not an HL7 v2 date/time (YYYYMMDDHHMMSS+ZZZZ)", e);
  }

  /** A DTM to the second with its offset: {@code 20261201101200+0100}. */
  static String dtm(OffsetDateTime time) {
    return OUT.format(time);
  }

  private static Matcher matcher(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Matcher m = DTM.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an HL7 v2 date/time");
    }
    return m;
  }
}
