package fr.cpts.hub.importer;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of the delta sync did: professionals read from the national directory and what
 * became of them, the hub's answers per resource type, the calls made to the API, the watermark,
 * and the first fatal error if any. Its exit code is one of {@link ImportExitCode}.
 */
public final class SyncReport {

  private static final int EXAMPLES = 10;

  private final Map<String, ImportReport.Counts> counts = new LinkedHashMap<>();
  private final List<String> rejected = new ArrayList<>();
  private final List<ImportReport.Refusal> refusals = new ArrayList<>();
  private long read;
  private long kept;
  private long outside;
  private long rejectedCount;
  private long pages;
  private long apiCalls;
  private long apiRetries;
  private Instant since;
  private Instant watermark;
  private boolean watermarkMoved;
  private String fatal;
  private int fatalExitCode;
  private long elapsedMillis;

  SyncReport() {
    for (String type : ImportReport.TYPES) {
      counts.put(type, new ImportReport.Counts());
    }
  }

  public long read() {
    return read;
  }

  /** Professionals with at least one active role in the territory: written. */
  public long kept() {
    return kept;
  }

  /** Professionals without an active role in the territory (inactive ones included). */
  public long outside() {
    return outside;
  }

  /** Professionals the hub cannot take (no IDNPS, family name or profession). */
  public long rejected() {
    return rejectedCount;
  }

  public ImportReport.Counts counts(String type) {
    return counts.get(type);
  }

  public List<ImportReport.Refusal> refusals() {
    return List.copyOf(refusals);
  }

  public long pages() {
    return pages;
  }

  public long apiCalls() {
    return apiCalls;
  }

  public long apiRetries() {
    return apiRetries;
  }

  /** Where this run started. */
  public Instant since() {
    return since;
  }

  /** The watermark after this run (moved only by a run without errors). */
  public Instant watermark() {
    return watermark;
  }

  public boolean watermarkMoved() {
    return watermarkMoved;
  }

  public String fatal() {
    return fatal;
  }

  public int exitCode() {
    if (fatal != null) {
      return fatalExitCode;
    }
    return refusals.isEmpty() ? ImportExitCode.OK : ImportExitCode.REFUSED_BY_HUB;
  }

  void read(long professionals) {
    read += professionals;
  }

  void countKept() {
    kept++;
  }

  void countOutside() {
    outside++;
  }

  void rejected(String reason) {
    rejectedCount++;
    if (rejected.size() < EXAMPLES) {
      rejected.add(reason);
    }
  }

  void page() {
    pages++;
  }

  void api(long calls, long retries) {
    this.apiCalls = calls;
    this.apiRetries = retries;
  }

  void since(Instant since) {
    this.since = since;
    this.watermark = since;
  }

  void watermark(Instant watermark, boolean moved) {
    this.watermark = watermark;
    this.watermarkMoved = moved;
  }

  ImportReport.Counts mutableCounts(String type) {
    return counts.get(type);
  }

  void refused(ImportReport.Refusal refusal) {
    refusals.add(refusal);
  }

  void fatal(String message, int exitCode) {
    if (fatal == null) {
      fatal = message;
      fatalExitCode = exitCode;
    }
  }

  void elapsed(long millis) {
    this.elapsedMillis = millis;
  }

  /** The summary, as the command prints it (no personal data: IDNPS and codes only). */
  public void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Read %d professionals changed since %s (%d pages, %d calls to the API, %d retries) in %.1f"
            + " s%n",
        read,
        since,
        pages,
        apiCalls,
        apiRetries,
        elapsedMillis / 1000.0);
    out.printf(
        Locale.ROOT,
        "  kept %d, outside the territory or inactive %d, rejected %d%n",
        kept,
        outside,
        rejectedCount);
    out.printf(
        Locale.ROOT,
        "%-20s %8s %8s %10s %12s%n",
        "",
        "created",
        "updated",
        "unchanged",
        "deactivated");
    counts.forEach(
        (type, c) ->
            out.printf(
                Locale.ROOT,
                "  %-18s %8d %8d %10d %12d%n",
                type,
                c.created(),
                c.updated(),
                c.unchanged(),
                c.deactivated()));
    for (String reason : rejected) {
      out.println("  " + reason);
    }
    for (ImportReport.Refusal refusal : refusals) {
      out.println("  refused " + refusal.idnps() + ": " + refusal.reason());
    }
    out.println(
        watermarkMoved
            ? "Watermark now " + watermark
            : "Watermark left at " + watermark + " (the next run starts there again)");
    if (fatal != null) {
      out.println(fatal);
    }
  }
}
