package fr.cpts.hub.server.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The audit trail's durable queue ({@code HUB_AUDIT_QUEUE}): each traced request adds one narrow
 * row (its AuditEvent as HAPI encoded it), which costs a single INSERT instead of a HAPI create
 * with its search indexes; {@link AuditQueueWriter} turns the rows into AuditEvents in batches. A
 * row is taken by deleting it inside the transaction that stores its event, so an event is stored
 * exactly once whichever nodes write at the same time, and a row stays queued until its event is
 * stored.
 */
@Component
public class AuditQueue {

  /** A queued event. */
  public record Entry(String id, byte[] event, int attempts) {}

  private final JdbcTemplate jdbc;

  public AuditQueue(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Adds an event (its own statement: the request it traces is already answered). */
  public void enqueue(byte[] event, Instant now) {
    jdbc.update(
        "INSERT INTO HUB_AUDIT_QUEUE (QUEUE_ID, ENQUEUED_AT, ATTEMPTS, EVENT) VALUES (?, ?, 0, ?)",
        UUID.randomUUID().toString(),
        Timestamp.from(now),
        event);
  }

  /** The oldest queued events that have failed fewer than {@code maxAttempts} times. */
  public List<Entry> oldest(int limit, int maxAttempts) {
    return jdbc.query(
        "SELECT QUEUE_ID, EVENT, ATTEMPTS FROM HUB_AUDIT_QUEUE WHERE ATTEMPTS < ?"
            + " ORDER BY ENQUEUED_AT FETCH FIRST "
            + limit
            + " ROWS ONLY",
        (row, number) ->
            new Entry(row.getString("QUEUE_ID"), row.getBytes("EVENT"), row.getInt("ATTEMPTS")),
        maxAttempts);
  }

  /**
   * Takes an event, in the caller's transaction: true when this transaction removed it, false when
   * another one did first (it waits for that one to end).
   */
  public boolean take(String id) {
    return jdbc.update("DELETE FROM HUB_AUDIT_QUEUE WHERE QUEUE_ID = ?", id) == 1;
  }

  /** Records that the event could not be stored; it is retried until its attempts run out. */
  public void failed(String id, String error) {
    jdbc.update(
        "UPDATE HUB_AUDIT_QUEUE SET ATTEMPTS = ATTEMPTS + 1, LAST_ERROR = ? WHERE QUEUE_ID = ?",
        error.length() > 500 ? error.substring(0, 500) : error,
        id);
  }

  /** How many events wait. */
  public long size() {
    Long count = jdbc.queryForObject("SELECT COUNT(*) FROM HUB_AUDIT_QUEUE", Long.class);
    return count == null ? 0 : count;
  }
}
