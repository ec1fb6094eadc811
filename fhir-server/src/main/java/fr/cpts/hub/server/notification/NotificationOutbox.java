package fr.cpts.hub.server.notification;

import fr.cpts.hub.server.notification.Notification.Matching;
import fr.cpts.hub.server.notification.Notification.State;
import fr.cpts.hub.server.outbox.OutboxTable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The outbox of subscription notifications ({@code HUB_NOTIFICATION}): a notification is recorded
 * in the transaction that stores the resource (the JDBC template joins HAPI's), so it exists if and
 * only if the write was committed, and survives any restart. Any node may send it, under the leases
 * of {@link OutboxTable}.
 */
@Component
public class NotificationOutbox {

  static final String TABLE = "HUB_NOTIFICATION";

  private static final String COLUMNS =
      "MESSAGE_ID, SUBSCRIPTION_ID, RESOURCE_TYPE, RESOURCE_ID, RESOURCE_VERSION, MATCHING, STATE,"
          + " ATTEMPTS, CREATED_AT, NEXT_ATTEMPT_AT, SENT_AT, LAST_ERROR";

  private final JdbcTemplate jdbc;
  private final OutboxTable table;

  public NotificationOutbox(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.table = new OutboxTable(jdbc, TABLE);
  }

  OutboxTable table() {
    return table;
  }

  /** Records a notification, in the caller's transaction. */
  public void enqueue(
      String subscriptionId,
      String resourceType,
      String resourceId,
      long version,
      Matching matching,
      Instant now) {
    jdbc.update(
        "INSERT INTO "
            + TABLE
            + " ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, NULL)",
        UUID.randomUUID().toString(),
        subscriptionId,
        resourceType,
        resourceId,
        version,
        matching.name(),
        State.PENDING.name(),
        Timestamp.from(now),
        Timestamp.from(now));
  }

  /**
   * Sends again, from {@code now}, what is pending or was given up for a subscription (it has come
   * back to active), in the caller's transaction.
   */
  public void resend(String subscriptionId, Instant now) {
    jdbc.update(
        "UPDATE "
            + TABLE
            + " SET STATE = 'PENDING', ATTEMPTS = 0, NEXT_ATTEMPT_AT = ?, LAST_ERROR = NULL WHERE"
            + " SUBSCRIPTION_ID = ? AND STATE IN ('PENDING', 'FAILED')",
        Timestamp.from(now),
        subscriptionId);
  }

  /**
   * Puts off a pending notification, without counting an attempt, while its subscription is not
   * active; {@code reason} says why.
   */
  public void postpone(String messageId, String owner, Instant until, String reason) {
    jdbc.update(
        "UPDATE "
            + TABLE
            + " SET NEXT_ATTEMPT_AT = ?, LAST_ERROR = ?, LEASE_OWNER = NULL, LEASE_UNTIL = NULL"
            + " WHERE MESSAGE_ID = ? AND LEASE_OWNER = ?",
        Timestamp.from(until),
        reason,
        messageId,
        owner);
  }

  /**
   * Pending notifications due at {@code now} and not leased, oldest first, but those of websocket
   * Subscriptions (sent by the node their client is bound to: {@link #dueFor}).
   */
  public List<Notification> due(Instant now, int limit) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM "
            + TABLE
            + " WHERE STATE = 'PENDING' AND NEXT_ATTEMPT_AT <= ? AND (LEASE_UNTIL IS NULL OR"
            + " LEASE_UNTIL < ?) AND SUBSCRIPTION_ID NOT IN (SELECT SUBSCRIPTION_ID FROM"
            + " HUB_SUBSCRIPTION WHERE CHANNEL = ?) ORDER BY CREATED_AT FETCH FIRST "
            + limit
            + " ROWS ONLY",
        NotificationOutbox::notification,
        Timestamp.from(now),
        Timestamp.from(now),
        SubscriptionIndex.WEBSOCKET);
  }

  /** Pending notifications of these Subscriptions, due at {@code now}, not leased, oldest first. */
  public List<Notification> dueFor(List<String> subscriptionIds, Instant now, int limit) {
    if (subscriptionIds.isEmpty()) {
      return List.of();
    }
    String marks = String.join(", ", java.util.Collections.nCopies(subscriptionIds.size(), "?"));
    List<Object> arguments = new ArrayList<>(subscriptionIds);
    arguments.add(Timestamp.from(now));
    arguments.add(Timestamp.from(now));
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM "
            + TABLE
            + " WHERE STATE = 'PENDING' AND SUBSCRIPTION_ID IN ("
            + marks
            + ") AND NEXT_ATTEMPT_AT <= ? AND (LEASE_UNTIL IS NULL OR LEASE_UNTIL < ?) ORDER BY"
            + " CREATED_AT FETCH FIRST "
            + limit
            + " ROWS ONLY",
        NotificationOutbox::notification,
        arguments.toArray());
  }

  /** Notifications, newest first, optionally of one subscription and of one state. */
  public List<Notification> find(String subscriptionId, State state, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE 1 = 1");
    List<Object> arguments = new ArrayList<>();
    if (subscriptionId != null) {
      sql.append(" AND SUBSCRIPTION_ID = ?");
      arguments.add(subscriptionId);
    }
    if (state != null) {
      sql.append(" AND STATE = ?");
      arguments.add(state.name());
    }
    sql.append(" ORDER BY CREATED_AT DESC FETCH FIRST ").append(limit).append(" ROWS ONLY");
    return jdbc.query(sql.toString(), NotificationOutbox::notification, arguments.toArray());
  }

  private static Notification notification(ResultSet row, int number) throws SQLException {
    return new Notification(
        row.getString("MESSAGE_ID"),
        row.getString("SUBSCRIPTION_ID"),
        row.getString("RESOURCE_TYPE"),
        row.getString("RESOURCE_ID"),
        row.getLong("RESOURCE_VERSION"),
        Matching.valueOf(row.getString("MATCHING")),
        State.valueOf(row.getString("STATE")),
        row.getInt("ATTEMPTS"),
        OutboxTable.instant(row.getTimestamp("CREATED_AT")),
        OutboxTable.instant(row.getTimestamp("NEXT_ATTEMPT_AT")),
        OutboxTable.instant(row.getTimestamp("SENT_AT")),
        row.getString("LAST_ERROR"));
  }
}
