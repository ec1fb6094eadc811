package fr.cpts.hub.server.storage;

import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which node does a given run of a scheduled job, when every node of the hub fires the same cron:
 * one row per job in {@value #TABLE} holds the key of its last claimed run (for a nightly job, the
 * Paris day). {@link #claim} locks that row ({@code SELECT ... FOR UPDATE}) in a short transaction
 * of its own, and records the run's key unless it is recorded already: of several nodes claiming
 * one run at once, on one database, exactly one gets {@code true}; the others wait for its commit,
 * then read the key and get {@code false}.
 *
 * <p>It does not hold the lock while the job runs, nor does it record whether the run finished: a
 * node that dies mid-run leaves the rest to the next run, so the jobs claimed here must be safe to
 * run again (they are: each rewrite re-checks what it changes under the resource's own row lock).
 */
@Component
public class JobRuns {

  /** The hub's table of claimed job runs (created by {@code HubSchemaTasks}). */
  public static final String TABLE = "HUB_JOB_RUN";

  private static final Logger log = LoggerFactory.getLogger(JobRuns.class);

  private final JdbcTemplate jdbc;
  private final IHapiTransactionService transactions;

  public JobRuns(JdbcTemplate jdbc, IHapiTransactionService transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /**
   * Claims one run of a job for this node.
   *
   * @param job the job's name, a constant (never client input)
   * @param runKey what identifies the run, e.g. {@code 2026-12-02}
   * @param node who claims it, for the record
   * @return whether this node is to do the run; {@code false} when another node claimed it, or
   *     holds the row longer than the database's lock wait
   */
  public boolean claim(String job, String runKey, String node, Instant now) {
    try {
      return Boolean.TRUE.equals(
          transactions
              .withSystemRequest()
              .execute(
                  () -> {
                    List<String> keys =
                        jdbc.queryForList(
                            "SELECT RUN_KEY FROM " + TABLE + " WHERE JOB_NAME = ? FOR UPDATE",
                            String.class,
                            job);
                    if (keys.isEmpty()) {
                      // Two first claims at once: the primary key lets one insert through.
                      jdbc.update(
                          "INSERT INTO "
                              + TABLE
                              + " (JOB_NAME, RUN_KEY, CLAIMED_AT, CLAIMED_BY) VALUES (?, ?, ?, ?)",
                          job,
                          runKey,
                          Timestamp.from(now),
                          node);
                      return true;
                    }
                    if (runKey.equals(keys.get(0))) {
                      return false;
                    }
                    jdbc.update(
                        "UPDATE "
                            + TABLE
                            + " SET RUN_KEY = ?, CLAIMED_AT = ?, CLAIMED_BY = ? WHERE JOB_NAME = ?",
                        runKey,
                        Timestamp.from(now),
                        node,
                        job);
                    return true;
                  }));
    } catch (RuntimeException e) {
      // A duplicate first insert, or a lock wait timed out: another node has this run (HAPI's
      // transaction service may translate the database's error: any failure means "not claimed").
      log.warn(
          "Run {} of job {} not claimed by this node: {}", runKey, job, e.getClass().getName());
      return false;
    }
  }
}
