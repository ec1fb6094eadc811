package fr.cpts.hub.server.sas.outbox;

import fr.cpts.hub.server.outbox.OutboxTable;
import fr.cpts.hub.server.sas.outbox.SasOutboxMessage.Kind;
import fr.cpts.hub.server.sas.outbox.SasOutboxMessage.State;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The outbox table ({@code HUB_SAS_OUTBOX}): messages are recorded in the transaction that stores
 * the appointment change (the JDBC template joins HAPI's JPA transaction), so a message exists if
 * and only if the change was committed. Every node may send, under the leases of {@link
 * OutboxTable}. Messages of one appointment are sent in version order: a message is due only when
 * no older version of its appointment is still pending.
 */
@Component
public class SasOutbox {

  private static final String COLUMNS =
      "MESSAGE_ID, APPOINTMENT_ID, APPOINTMENT_VERSION, KIND, STATE, ATTEMPTS, CREATED_AT,"
          + " NEXT_ATTEMPT_AT, SENT_AT, LAST_ERROR";

  private static final RowMapper<SasOutboxMessage> ROW = SasOutbox::message;

  private final JdbcTemplate jdbc;
  private final OutboxTable table;

  public SasOutbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.table = new OutboxTable(jdbc, "HUB_SAS_OUTBOX");
  }

  /** Records a message, in the caller's transaction. */
  public void enqueue(String appointmentId, long version, Kind kind, Instant now) {
    jdbc.update(
        "INSERT INTO HUB_SAS_OUTBOX (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL, NULL)",
        UUID.randomUUID().toString(),
        appointmentId,
        version,
        kind.name(),
        State.PENDING.name(),
        Timestamp.from(now),
        Timestamp.from(now));
  }

  /** Pending messages due at {@code now}, not leased, whose older versions are all sent. */
  public List<SasOutboxMessage> due(Instant now, int limit) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM HUB_SAS_OUTBOX o WHERE o.STATE = 'PENDING' AND o.NEXT_ATTEMPT_AT <= ?"
            + " AND (o.LEASE_UNTIL IS NULL OR o.LEASE_UNTIL < ?)"
            + " AND NOT EXISTS (SELECT 1 FROM HUB_SAS_OUTBOX p WHERE p.APPOINTMENT_ID ="
            + " o.APPOINTMENT_ID AND p.STATE = 'PENDING' AND p.APPOINTMENT_VERSION <"
            + " o.APPOINTMENT_VERSION)"
            + " ORDER BY o.CREATED_AT, o.APPOINTMENT_VERSION FETCH FIRST "
            + limit
            + " ROWS ONLY",
        ROW,
        Timestamp.from(now),
        Timestamp.from(now));
  }

  /** Takes the lease on a message; false when another node holds it or it is no longer pending. */
  public boolean lease(String messageId, String owner, Instant now, Instant until) {
    return table.lease(messageId, owner, now, until);
  }

  public void markSent(String messageId, String owner, Instant now) {
    table.markSent(messageId, owner, now);
  }

  /** Records a failed attempt: retried at {@code nextAttempt}, or given up when {@code last}. */
  public void markAttemptFailed(
      String messageId, String owner, String error, Instant nextAttempt, boolean last) {
    table.markAttemptFailed(messageId, owner, error, nextAttempt, last);
  }

  /** Messages, newest first, optionally of one state and of one appointment. */
  public List<SasOutboxMessage> find(State state, String appointmentId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM HUB_SAS_OUTBOX WHERE 1 = 1");
    List<Object> arguments = new java.util.ArrayList<>();
    if (state != null) {
      sql.append(" AND STATE = ?");
      arguments.add(state.name());
    }
    if (appointmentId != null) {
      sql.append(" AND APPOINTMENT_ID = ?");
      arguments.add(appointmentId);
    }
    sql.append(" ORDER BY CREATED_AT DESC, APPOINTMENT_VERSION DESC FETCH FIRST ")
        .append(limit)
        .append(" ROWS ONLY");
    return jdbc.query(sql.toString(), ROW, arguments.toArray());
  }

  private static SasOutboxMessage message(ResultSet row, int number) throws SQLException {
    return new SasOutboxMessage(
        row.getString("MESSAGE_ID"),
        row.getString("APPOINTMENT_ID"),
        row.getLong("APPOINTMENT_VERSION"),
        Kind.valueOf(row.getString("KIND")),
        State.valueOf(row.getString("STATE")),
        row.getInt("ATTEMPTS"),
        OutboxTable.instant(row.getTimestamp("CREATED_AT")),
        OutboxTable.instant(row.getTimestamp("NEXT_ATTEMPT_AT")),
        OutboxTable.instant(row.getTimestamp("SENT_AT")),
        row.getString("LAST_ERROR"));
  }
}
