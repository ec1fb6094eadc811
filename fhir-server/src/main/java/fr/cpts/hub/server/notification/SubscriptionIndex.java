package fr.cpts.hub.server.notification;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hub's index of its Subscriptions ({@code HUB_SUBSCRIPTION}): each Subscription's id, the
 * resource type of its criteria, the criteria and its status, written in the transaction that
 * stores the Subscription. Every node reads it from the database on each write it matches, so a
 * Subscription registered on one node is matched by every node from its commit on: no node keeps a
 * registry of its own.
 */
@Component
public class SubscriptionIndex {

  /** A subscription matched on one resource type. */
  public record Entry(String subscriptionId, String criteria) {}

  private final JdbcTemplate jdbc;

  public SubscriptionIndex(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The channel type of the Subscriptions sent to the clients bound over a websocket. */
  public static final String WEBSOCKET = "websocket";

  /**
   * Records a Subscription's current version, in the caller's transaction; {@code channel} is its
   * channel type's code ({@code rest-hook}, {@code websocket}).
   */
  public void put(
      String subscriptionId, String resourceType, String criteria, String status, String channel) {
    int updated =
        jdbc.update(
            "UPDATE HUB_SUBSCRIPTION SET RESOURCE_TYPE = ?, CRITERIA = ?, STATUS = ?, CHANNEL = ?"
                + " WHERE SUBSCRIPTION_ID = ?",
            resourceType,
            criteria,
            status,
            channel,
            subscriptionId);
    if (updated == 0) {
      jdbc.update(
          "INSERT INTO HUB_SUBSCRIPTION (SUBSCRIPTION_ID, RESOURCE_TYPE, CRITERIA, STATUS,"
              + " CHANNEL) VALUES (?, ?, ?, ?, ?)",
          subscriptionId,
          resourceType,
          criteria,
          status,
          channel);
    }
  }

  public void remove(String subscriptionId) {
    jdbc.update("DELETE FROM HUB_SUBSCRIPTION WHERE SUBSCRIPTION_ID = ?", subscriptionId);
  }

  /**
   * The subscriptions whose criteria are on {@code resourceType} and that the hub matches: the
   * active ones, and those in error (their notifications wait for them to be active again, none is
   * lost); not those {@code off} or {@code requested}.
   */
  public List<Entry> matchedOn(String resourceType) {
    return jdbc.query(
        "SELECT SUBSCRIPTION_ID, CRITERIA FROM HUB_SUBSCRIPTION WHERE RESOURCE_TYPE = ? AND"
            + " STATUS IN ('active', 'error') ORDER BY SUBSCRIPTION_ID",
        (row, n) -> new Entry(row.getString("SUBSCRIPTION_ID"), row.getString("CRITERIA")),
        resourceType);
  }
}
