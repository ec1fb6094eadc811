package fr.cpts.hub.server.imaging;

import fr.cpts.hub.server.outbox.OutboxTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The imaging orders waiting to be sent to a radiology group's RIS ({@code HUB_HL7V2_OUTBOX}): one
 * row per order version, recorded in the transaction that stores it (the JDBC template joins
 * HAPI's), so it exists if and only if the order was committed, and survives any restart. Any node
 * may send it, under the leases of {@link OutboxTable}.
 */
@Component
public class OrderOutbox {

  static final String TABLE = "HUB_HL7V2_OUTBOX";

  /** One order version to send. */
  public record Message(
      String id,
      String sourceCode,
      String serviceRequestId,
      long version,
      String state,
      int attempts,
      Instant sentAt,
      String lastError) {}

  private static final String COLUMNS =
      "MESSAGE_ID, SOURCE_CODE, SERVICE_REQUEST_ID, RESOURCE_VERSION, STATE, ATTEMPTS, SENT_AT,"
          + " LAST_ERROR";

  private final JdbcTemplate jdbc;
  private final OutboxTable table;

  public OrderOutbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.table = new OutboxTable(jdbc, TABLE);
  }

  OutboxTable table() {
    return table;
  }

  /** Records an order version to send, in the caller's transaction. */
  void enqueue(String sourceCode, String serviceRequestId, long version, Instant now) {
    jdbc.update(
        "INSERT INTO "
            + TABLE
            + " (MESSAGE_ID, SOURCE_CODE, SERVICE_REQUEST_ID, RESOURCE_VERSION, STATE, ATTEMPTS,"
            + " CREATED_AT, NEXT_ATTEMPT_AT) VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?)",
        UUID.randomUUID().toString(),
        sourceCode,
        serviceRequestId,
        version,
        Timestamp.from(now),
        Timestamp.from(now));
  }

  /** Pending messages due at {@code now} and not leased, oldest first. */
  List<Message> due(Instant now, int limit) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM "
            + TABLE
            + " WHERE STATE = 'PENDING' AND NEXT_ATTEMPT_AT <= ? AND (LEASE_UNTIL IS NULL OR"
            + " LEASE_UNTIL < ?) ORDER BY CREATED_AT FETCH FIRST "
            + limit
            + " ROWS ONLY",
        OrderOutbox::message,
        Timestamp.from(now),
        Timestamp.from(now));
  }

  /** The messages of one order, oldest first. */
  public List<Message> ofOrder(String serviceRequestId) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM "
            + TABLE
            + " WHERE SERVICE_REQUEST_ID = ? ORDER BY CREATED_AT",
        OrderOutbox::message,
        serviceRequestId);
  }

  private static Message message(java.sql.ResultSet row, int n) throws java.sql.SQLException {
    return new Message(
        row.getString("MESSAGE_ID"),
        row.getString("SOURCE_CODE"),
        row.getString("SERVICE_REQUEST_ID"),
        row.getLong("RESOURCE_VERSION"),
        row.getString("STATE"),
        row.getInt("ATTEMPTS"),
        OutboxTable.instant(row.getTimestamp("SENT_AT")),
        row.getString("LAST_ERROR"));
  }
}
