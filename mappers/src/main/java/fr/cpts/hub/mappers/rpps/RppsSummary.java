package fr.cpts.hub.mappers.rpps;

import java.util.List;

/**
 * What an import read so far. Every data line read is exactly one of kept, outside the territory or
 * rejected: {@code linesRead = linesKept + linesOutsideTerritory + linesRejected}.
 *
 * @param linesRead data lines read (the header and empty lines not counted)
 * @param linesKept lines inside the territory, mapped (duplicates included)
 * @param linesOutsideTerritory well-formed lines outside the territory, not mapped
 * @param linesRejected lines not mapped because malformed or lacking a required value
 * @param duplicateLines kept lines repeating an activity already mapped for the same professional
 *     (same structure, function, mode and kind of activity): merged into it
 * @param professionals results returned
 * @param professionalsContinued results that continue an earlier one ({@link
 *     RppsProfessional#continuesEarlier()})
 * @param rejections the first {@link #MAX_REJECTIONS_KEPT} rejections, in line order
 */
public record RppsSummary(
    long linesRead,
    long linesKept,
    long linesOutsideTerritory,
    long linesRejected,
    long duplicateLines,
    long professionals,
    long professionalsContinued,
    List<RppsRejection> rejections) {

  /** At most this many rejections are kept with their reason; all are counted. */
  public static final int MAX_REJECTIONS_KEPT = 1000;

  public RppsSummary {
    rejections = List.copyOf(rejections);
  }

  /** Rejections counted but not kept with their reason. */
  public long rejectionsLeftOut() {
    return linesRejected - rejections.size();
  }

  @Override
  public String toString() {
    return "read "
        + linesRead
        + ", kept "
        + linesKept
        + ", outside the territory "
        + linesOutsideTerritory
        + ", rejected "
        + linesRejected
        + ", duplicates "
        + duplicateLines
        + ", professionals "
        + professionals
        + " (continued "
        + professionalsContinued
        + ")";
  }
}
