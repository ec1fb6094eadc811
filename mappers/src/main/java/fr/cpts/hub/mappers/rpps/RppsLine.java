package fr.cpts.hub.mappers.rpps;

/**
 * One data line of the extract, its values by column: trimmed, {@code null} when blank or when the
 * header has no such column. Only lines that passed {@link RppsExtractReader}'s checks exist: each
 * has an IDNPS of the RPPS kind, a family name and a profession.
 */
final class RppsLine {

  private final long number;
  private final String[] values;

  RppsLine(long number, String[] values) {
    this.number = number;
    this.values = values;
  }

  /** The line number in the file, the header being line 1. */
  long number() {
    return number;
  }

  /** The value, or {@code null} when blank or absent. */
  String get(RppsColumn column) {
    return values[column.ordinal()];
  }

  boolean has(RppsColumn column) {
    return values[column.ordinal()] != null;
  }

  /** The IDNPS ({@code Identification nationale PP}), never null. */
  String idnps() {
    return get(RppsColumn.IDENTIFICATION_NATIONALE_PP);
  }
}
