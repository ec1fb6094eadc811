package fr.cpts.hub.server.config;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * Times of the hub's workflows (requests for a médecin traitant, SNP broadcasts): written to the
 * second in Paris time, read as Paris calendar days.
 */
public final class HubTime {

  public static final TemporalPrecisionEnum PRECISION = TemporalPrecisionEnum.SECOND;
  public static final TimeZone PARIS_TZ = TimeZone.getTimeZone(ClockConfig.PARIS);

  private HubTime() {}

  public static DateTimeType dateTime(Instant instant) {
    return new DateTimeType(Date.from(instant), PRECISION, PARIS_TZ);
  }

  /** A period of Paris calendar days, both included. */
  public record Days(LocalDate first, LocalDate last) {}

  /**
   * The period from {@code start} to {@code end}; empty when one is missing or they are inverted.
   */
  public static java.util.Optional<Days> days(BaseDateTimeType start, BaseDateTimeType end) {
    if (start == null || end == null || !start.hasValue() || !end.hasValue()) {
      return java.util.Optional.empty();
    }
    LocalDate first = day(start);
    LocalDate last = day(end);
    return last.isBefore(first)
        ? java.util.Optional.empty()
        : java.util.Optional.of(new Days(first, last));
  }

  /** The Paris calendar day of a date or date-time. */
  public static LocalDate day(BaseDateTimeType value) {
    if (value.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
      return LocalDate.of(value.getYear(), value.getMonth() + 1, value.getDay());
    }
    return value.getValue().toInstant().atZone(ClockConfig.PARIS).toLocalDate();
  }
}
