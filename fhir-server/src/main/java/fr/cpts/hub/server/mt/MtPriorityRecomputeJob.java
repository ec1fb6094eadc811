package fr.cpts.hub.server.mt;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.config.HubTime;
import fr.cpts.hub.server.storage.JobRuns;
import fr.cpts.hub.server.storage.ResourceRowLocks;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the stored priorities of the open requests for a médecin traitant current: the waiting rule
 * ({@link MtPriorityRule#WAITING}, 5 points per full 30 days) makes a priority stale as days pass,
 * and the worklist sorts on the stored score. Every night ({@code hub.mt.recompute-cron}) it
 * computes each open request's priority as of now ({@link MtPriority}, from the stored Patient and
 * latest fiche, as the workflow does at each write) and rewrites, through HAPI's DAO (a new
 * version, the profiles' validation and the hub's interceptors), only the Tasks whose score or
 * rules that fired changed: a request whose points are the same keeps its version.
 *
 * <p>On several nodes, one does a night's run: it claims the run in {@link JobRuns} (a row lock on
 * the job's row, the Paris day as the run's key); the others skip it. Each rewrite is its own
 * database transaction that first locks the Task's row ({@link ResourceRowLocks}) and reads it
 * again, as {@code SnpBroadcaster} does, so a team member's update at the same moment is neither
 * lost nor overwritten with an older copy. A request that fails (a lock held too long, a write the
 * profiles refuse) is logged by id and left for the next night; the others go on.
 *
 * <p>It does not change the step, the owner or anything else of the Task, and it does not look at
 * closed requests (attached, abandoned), whose priority no longer matters.
 */
@Component
public class MtPriorityRecomputeJob {

  /** The job's name in {@link JobRuns}. */
  static final String JOB = "mt-priority-recompute";

  private static final Logger log = LoggerFactory.getLogger(MtPriorityRecomputeJob.class);

  private final MtRecords records;
  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final ResourceRowLocks locks;
  private final JobRuns runs;
  private final java.time.Clock clock;
  private final String node = UUID.randomUUID().toString();

  public MtPriorityRecomputeJob(
      MtRecords records,
      DaoRegistry daos,
      IHapiTransactionService transactions,
      ResourceRowLocks locks,
      JobRuns runs,
      java.time.Clock clock) {
    this.records = records;
    this.daos = daos;
    this.transactions = transactions;
    this.locks = locks;
    this.runs = runs;
    this.clock = clock;
  }

  /**
   * What one run did.
   *
   * @param ran whether this node did the run (false: another node claimed it)
   * @param open the open requests looked at
   * @param rewritten those whose priority changed and was stored
   * @param failed those left for the next run
   */
  public record Summary(boolean ran, int open, int rewritten, int failed) {}

  @Scheduled(
      cron = "${hub.mt.recompute-cron:" + MtProperties.DEFAULT_RECOMPUTE_CRON + "}",
      zone = ClockConfig.PARIS_ID)
  public void nightly() {
    Instant now = clock.instant();
    run(now.atZone(ClockConfig.PARIS).toLocalDate().toString(), now);
  }

  /** Does the run {@code runKey} as of {@code now}, unless another node claimed it. */
  public Summary run(String runKey, Instant now) {
    if (!runs.claim(JOB, runKey, node, now)) {
      log.info("MT priorities: run {} done by another node", runKey);
      return new Summary(false, 0, 0, 0);
    }
    return recompute(now);
  }

  /** Recomputes every open request's priority as of {@code now}, whoever else runs. */
  public Summary recompute(Instant now) {
    long started = System.nanoTime();
    List<Task> open =
        records.search(
            Task.class,
            "Task?code="
                + HubProfiles.CS_TASK_TYPE
                + "|"
                + MtRecords.FIND_MT
                + "&status="
                + MtStep.OPEN_STATUSES);
    int rewritten = 0;
    int failed = 0;
    for (Task task : open) {
      String id = task.getIdElement().getIdPart();
      try {
        if (Boolean.TRUE.equals(transactions.withSystemRequest().execute(() -> refresh(id, now)))) {
          rewritten++;
        }
      } catch (RuntimeException e) {
        failed++;
        // The exception's message may quote the request's content: its type only.
        log.warn(
            "MT priority of Task/{} not recomputed ({}); next run retries",
            id,
            e.getClass().getSimpleName());
      }
    }
    log.info(
        "MT priorities recomputed: {} open requests, {} rewritten, {} failed ({} ms)",
        open.size(),
        rewritten,
        failed,
        (System.nanoTime() - started) / 1_000_000);
    return new Summary(true, open.size(), rewritten, failed);
  }

  /** Rewrites one request if its priority changed, in the caller's transaction. */
  boolean refresh(String taskId, Instant now) {
    if (!locks.lock("Task", taskId)) {
      return false;
    }
    Optional<Task> stored = records.read(Task.class, new IdType("Task", taskId));
    if (stored.isEmpty()
        || !MtRecords.isFindMt(stored.get())
        || MtStep.of(stored.get().getBusinessStatus()).map(MtStep::isFinal).orElse(false)) {
      return false;
    }
    Task task = stored.get();
    LocalDate today = now.atZone(ClockConfig.PARIS).toLocalDate();
    MtPriority priority =
        MtPriority.of(
            records.situation(task, today), HubTime.day(task.getAuthoredOnElement()), today);
    if (!changed(task, priority)) {
      return false;
    }
    priority.stamp(task, now);
    // Computed here as of now: the workflow's hook is not to compute it again at its own clock.
    task.setUserData(MtRequestIntakeInterceptor.PRIORITISED, Boolean.TRUE);
    daos.getResourceDao(Task.class).update(task, new SystemRequestDetails());
    return true;
  }

  /** Whether the stored priority differs from this one: in Task.priority, score or rules fired. */
  static boolean changed(Task task, MtPriority priority) {
    Extension stored = task.getExtensionByUrl(HubProfiles.EXT_PRIORITY);
    if (stored == null || task.getPriority() != priority.priority()) {
      return true;
    }
    Extension score = stored.getExtensionByUrl("score");
    if (score == null
        || !(score.getValue() instanceof IntegerType points)
        || !Objects.equals(points.getValue(), priority.score())) {
      return true;
    }
    List<String> storedRules =
        stored.getExtensionsByUrl("reason").stream()
            .map(e -> e.getValue() instanceof Coding c ? c.getCode() : null)
            .toList();
    List<String> rules = priority.reasons().stream().map(r -> r.rule().code()).toList();
    return !storedRules.equals(rules);
  }
}
