package fr.cpts.hub.importer;

import fr.cpts.hub.mappers.rpps.RppsTerritory;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to import and how.
 *
 * @param extract the {@code PS_LibreAcces_Personne_activite_<timestamp>.txt} file
 * @param territory the communes and departments whose activities are kept
 * @param batchSize professionals per transaction Bundle (their roles, organisations and places with
 *     them)
 * @param dryRun read and map only: nothing is sent to the hub
 * @param maxDeactivationShare above this share of the territory's active imported roles, the
 *     deactivation is refused (a truncated or wrong extract must not deactivate everybody)
 * @param allowMassDeactivation deactivate even above that share
 */
public record ImportOptions(
    Path extract,
    RppsTerritory territory,
    int batchSize,
    boolean dryRun,
    double maxDeactivationShare,
    boolean allowMassDeactivation) {

  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int MAX_BATCH_SIZE = 1000;
  public static final double DEFAULT_MAX_DEACTIVATION_SHARE = 0.10;

  public ImportOptions {
    Objects.requireNonNull(extract, "extract");
    Objects.requireNonNull(territory, "territory");
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "the batch size must be between 1 and " + MAX_BATCH_SIZE + ", not " + batchSize);
    }
    if (!(maxDeactivationShare >= 0 && maxDeactivationShare <= 1)) {
      throw new IllegalArgumentException(
          "the maximum deactivation share must be between 0 and 1, not " + maxDeactivationShare);
    }
  }
}
