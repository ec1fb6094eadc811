package fr.cpts.hub.server.outbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The delivery bookkeeping shared by the hub's durable outboxes (the SAS's appointments, the
 * subscriptions' notifications): a table whose rows are messages keyed by {@code MESSAGE_ID}, with
 * the columns {@code STATE} ({@code PENDING} until delivered or given up), {@code ATTEMPTS}, {@code
 * NEXT_ATTEMPT_AT}, {@code SENT_AT}, {@code LAST_ERROR}, {@code LEASE_OWNER} and {@code
 * LEASE_UNTIL}. Rows are written in the caller's transaction (the JDBC template joins HAPI's). A
 * node sends a message only once it holds its lease, taken with one conditional UPDATE, so two
 * nodes never send one message at once; the lease of a node that died expires. Each outbox keeps
 * its own table, its own columns beside these and its own query of what is due.
 */
public final class OutboxTable {

  /** The state of a message that is waiting for its first or next attempt. */
  public static final String PENDING = "PENDING";

  /** The state of a delivered message. */
  public static final String SENT = "SENT";

  /** The state of a message given up (refused, or too many attempts). */
  public static final String FAILED = "FAILED";

  private static final int ERROR_LENGTH = 500;

  private final JdbcTemplate jdbc;
  private final String table;

  /**
   * @param table the table's name, a constant of the hub's schema (never client input)
   */
  public OutboxTable(JdbcTemplate jdbc, String table) {
    this.jdbc = jdbc;
    this.table = table;
  }

  /** Takes the lease on a message; false when another node holds it or it is no longer pending. */
  public boolean lease(String messageId, String owner, Instant now, Instant until) {
    return jdbc.update(
            "UPDATE "
                + table
                + " SET LEASE_OWNER = ?, LEASE_UNTIL = ? WHERE MESSAGE_ID = ? AND STATE = '"
                + PENDING
                + "' AND (LEASE_UNTIL IS NULL OR LEASE_UNTIL < ?)",
            owner,
            Timestamp.from(until),
            messageId,
            Timestamp.from(now))
        == 1;
  }

  /** Records a delivery by the lease's owner. */
  public void markSent(String messageId, String owner, Instant now) {
    jdbc.update(
        "UPDATE "
            + table
            + " SET STATE = '"
            + SENT
            + "', SENT_AT = ?, ATTEMPTS = ATTEMPTS + 1, LAST_ERROR = NULL, LEASE_OWNER = NULL,"
            + " LEASE_UNTIL = NULL WHERE MESSAGE_ID = ? AND LEASE_OWNER = ?",
        Timestamp.from(now),
        messageId,
        owner);
  }

  /** Records a failed attempt: retried at {@code nextAttempt}, or given up when {@code last}. */
  public void markAttemptFailed(
      String messageId, String owner, String error, Instant nextAttempt, boolean last) {
    jdbc.update(
        "UPDATE "
            + table
            + " SET STATE = ?, ATTEMPTS = ATTEMPTS + 1, NEXT_ATTEMPT_AT = ?, LAST_ERROR = ?,"
            + " LEASE_OWNER = NULL, LEASE_UNTIL = NULL WHERE MESSAGE_ID = ? AND LEASE_OWNER = ?",
        last ? FAILED : PENDING,
        Timestamp.from(nextAttempt),
        error.length() > ERROR_LENGTH ? error.substring(0, ERROR_LENGTH) : error,
        messageId,
        owner);
  }

  /**
   * Closes a message without an attempt, in a final state of the outbox's own ({@code reason} in
   * {@code LAST_ERROR}): e.g. a notification whose resource no longer matches.
   */
  public void close(String messageId, String owner, String state, String reason) {
    jdbc.update(
        "UPDATE "
            + table
            + " SET STATE = ?, LAST_ERROR = ?, LEASE_OWNER = NULL, LEASE_UNTIL = NULL WHERE"
            + " MESSAGE_ID = ? AND LEASE_OWNER = ?",
        state,
        reason,
        messageId,
        owner);
  }

  /**
   * The FHIR context an outbox's sender builds HAPI's clients from: R4, no CapabilityStatement
   * fetched first, {@code timeout} to connect and to read. Its own, so that the hub's server
   * context keeps its settings.
   */
  public static FhirContext clientContext(Duration timeout) {
    FhirContext context = FhirContext.forR4();
    context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    int millis = (int) timeout.toMillis();
    context.getRestfulClientFactory().setConnectTimeout(millis);
    context.getRestfulClientFactory().setSocketTimeout(millis);
    return context;
  }

  /** A nullable column's instant. */
  public static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
