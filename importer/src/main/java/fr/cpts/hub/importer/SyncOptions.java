package fr.cpts.hub.importer;

import fr.cpts.hub.mappers.rpps.RppsTerritory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the delta sync reads and how.
 *
 * @param territory the communes and departments whose activities are kept (as for the import)
 * @param watermark the file where a complete run leaves the latest {@code meta.lastUpdated} it
 *     read, and where the next run resumes
 * @param since where to start instead of the watermark (the first run, or a replay); null to resume
 *     from the watermark file
 * @param pageSize professionals per page asked of the API ({@code _count}), also per transaction to
 *     the hub
 * @param callsPerSecond the client-side limit of calls to the API
 * @param maxAttempts attempts per API call when it answers 429, 5xx or cannot connect
 * @param firstRetryWait the wait before the second attempt, doubled for each next one
 */
public record SyncOptions(
    RppsTerritory territory,
    Path watermark,
    Instant since,
    int pageSize,
    int callsPerSecond,
    int maxAttempts,
    Duration firstRetryWait) {

  /** The Annuaire Santé API's limit. */
  public static final int DEFAULT_CALLS_PER_SECOND = 17;

  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  public static final int DEFAULT_MAX_ATTEMPTS = 6;

  public SyncOptions {
    Objects.requireNonNull(territory, "territory");
    Objects.requireNonNull(watermark, "watermark");
    Objects.requireNonNull(firstRetryWait, "firstRetryWait");
    if (territory.isEverywhere()) {
      throw new IllegalArgumentException("give the territory: communes and/or departments");
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "the page size must be between 1 and " + MAX_PAGE_SIZE + ", not " + pageSize);
    }
    if (callsPerSecond < 1 || callsPerSecond > DEFAULT_CALLS_PER_SECOND) {
      throw new IllegalArgumentException(
          "the calls per second must be between 1 and "
              + DEFAULT_CALLS_PER_SECOND
              + " (the API's limit), not "
              + callsPerSecond);
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException(
          "the attempts per call must be between 1 and 20, not " + maxAttempts);
    }
  }
}
