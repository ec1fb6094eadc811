package fr.cpts.hub.importer;

import fr.cpts.hub.mappers.rpps.RppsRejection;
import fr.cpts.hub.mappers.rpps.RppsSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an import did: the extract's counts (from the mapper's {@link RppsSummary}), what the hub
 * answered for each resource type, the deactivations, and what was refused, with reasons. Filled by
 * {@link DirectoryImporter}; printed by {@link #print(PrintWriter)}.
 */
public final class ImportReport {

  /** The resource types an import writes, in the order they are printed. */
  public static final List<String> TYPES =
      List.of("Practitioner", "PractitionerRole", "Organization", "Location");

  /** How many examples of each rejection code are printed. */
  static final int EXAMPLES_PER_CODE = 3;

  private static final Pattern CODE = Pattern.compile("^(HUB-\\d{4})");

  /** A professional the hub refused, with the lines it came from and the hub's words. */
  public record Refusal(String idnps, List<Long> lines, String reason) {}

  /** The counts of one resource type. */
  public static final class Counts {
    long created;
    long updated;
    long unchanged;
    long deactivated;

    public long created() {
      return created;
    }

    public long updated() {
      return updated;
    }

    public long unchanged() {
      return unchanged;
    }

    public long deactivated() {
      return deactivated;
    }
  }

  private final Map<String, Counts> counts = new LinkedHashMap<>();
  private final List<Refusal> refusals = new ArrayList<>();
  private RppsSummary extract;
  private long bytes;
  private long transactions;
  private long refusedProfessionals;
  private String fatal;
  private String deactivationSkipped;
  private boolean deactivationRefused;
  private long millis;

  ImportReport() {
    TYPES.forEach(type -> counts.put(type, new Counts()));
  }

  public RppsSummary extract() {
    return extract;
  }

  public Counts counts(String type) {
    return counts.get(type);
  }

  public List<Refusal> refusals() {
    return List.copyOf(refusals);
  }

  /** Professionals the hub refused (all counted; the first ones kept in {@link #refusals()}). */
  public long refusedProfessionals() {
    return refusedProfessionals;
  }

  /** Why the import stopped before the end, or {@code null}. */
  public String fatal() {
    return fatal;
  }

  /** Why nobody was deactivated, or {@code null} when the deactivation ran. */
  public String deactivationSkipped() {
    return deactivationSkipped;
  }

  public long transactions() {
    return transactions;
  }

  /** The rejected lines by code, over the rejections the mapper kept with their reason. */
  public Map<String, Long> rejectionsByCode() {
    Map<String, Long> byCode = new TreeMap<>();
    if (extract != null) {
      for (RppsRejection rejection : extract.rejections()) {
        byCode.merge(code(rejection.reason()), 1L, Long::sum);
      }
    }
    return byCode;
  }

  /** The command's exit code for this outcome ({@link ImportExitCode}). */
  public int exitCode() {
    if (fatal != null) {
      return fatal.startsWith(DirectoryImporter.HUB_UNREACHABLE)
          ? ImportExitCode.HUB_UNREACHABLE
          : ImportExitCode.EXTRACT_UNREADABLE;
    }
    if (refusedProfessionals > 0) {
      return ImportExitCode.REFUSED_BY_HUB;
    }
    return deactivationRefused ? ImportExitCode.DEACTIVATION_REFUSED : ImportExitCode.OK;
  }

  void extract(RppsSummary summary, long bytesRead) {
    this.extract = summary;
    this.bytes = bytesRead;
  }

  void transactionSent() {
    transactions++;
  }

  void created(String type) {
    counts.get(type).created++;
  }

  void updated(String type) {
    counts.get(type).updated++;
  }

  void unchanged(String type) {
    counts.get(type).unchanged++;
  }

  void deactivated(String type) {
    counts.get(type).deactivated++;
  }

  void refused(Refusal refusal) {
    refusedProfessionals++;
    if (refusals.size() < RppsSummary.MAX_REJECTIONS_KEPT) {
      refusals.add(refusal);
    }
  }

  void fatal(String message) {
    this.fatal = message;
  }

  void deactivationSkipped(String why, boolean refusedByGuard) {
    this.deactivationSkipped = why;
    this.deactivationRefused = refusedByGuard;
  }

  void elapsed(long elapsedMillis) {
    this.millis = elapsedMillis;
  }

  /** The summary, as the command prints it. */
  public void print(PrintWriter out) {
    if (extract != null) {
      double seconds = Math.max(millis, 1) / 1000.0;
      out.printf(
          Locale.ROOT,
          "Read %d lines (%.1f MB) in %.1f s: %.0f lines/s%n",
          extract.linesRead(),
          bytes / 1048576.0,
          seconds,
          extract.linesRead() / seconds);
      out.printf(
          Locale.ROOT,
          "  kept %d, outside the territory %d, rejected %d, duplicates %d; professionals %d%n",
          extract.linesKept(),
          extract.linesOutsideTerritory(),
          extract.linesRejected(),
          extract.duplicateLines(),
          extract.professionals());
    }
    out.printf(Locale.ROOT, "Transactions sent: %d%n", transactions);
    out.printf(
        Locale.ROOT,
        "  %-17s %8s %8s %10s %12s%n",
        "",
        "created",
        "updated",
        "unchanged",
        "deactivated");
    counts.forEach(
        (type, c) ->
            out.printf(
                Locale.ROOT,
                "  %-17s %8d %8d %10d %12d%n",
                type,
                c.created,
                c.updated,
                c.unchanged,
                c.deactivated));
    if (extract != null && extract.linesRejected() > 0) {
      out.printf(Locale.ROOT, "Rejected lines: %d%n", extract.linesRejected());
      Map<String, List<RppsRejection>> byCode = new TreeMap<>();
      for (RppsRejection rejection : extract.rejections()) {
        byCode.computeIfAbsent(code(rejection.reason()), c -> new ArrayList<>()).add(rejection);
      }
      byCode.forEach(
          (code, list) -> {
            out.printf(Locale.ROOT, "  %s: %d%n", code, list.size());
            list.stream()
                .limit(EXAMPLES_PER_CODE)
                .forEach(r -> out.printf(Locale.ROOT, "    %s%n", r));
          });
      if (extract.rejectionsLeftOut() > 0) {
        out.printf(Locale.ROOT, "  and %d more, not itemised%n", extract.rejectionsLeftOut());
      }
    }
    if (refusedProfessionals > 0) {
      out.printf(Locale.ROOT, "Refused by the hub: %d professional(s)%n", refusedProfessionals);
      refusals.forEach(
          r -> out.printf(Locale.ROOT, "  %s (lines %s): %s%n", r.idnps(), r.lines(), r.reason()));
    }
    if (deactivationSkipped != null) {
      out.printf(Locale.ROOT, "Deactivation skipped: %s%n", deactivationSkipped);
    }
    if (fatal != null) {
      out.printf(Locale.ROOT, "Stopped: %s%n", fatal);
    }
    out.flush();
  }

  static String code(String reason) {
    Matcher m = CODE.matcher(reason);
    return m.find() ? m.group(1) : "other";
  }
}
