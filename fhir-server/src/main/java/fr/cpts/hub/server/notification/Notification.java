package fr.cpts.hub.server.notification;

import java.time.Instant;

/**
 * One notification of one Subscription about one stored resource version, as the outbox records it.
 *
 * @param id the notification's id (a UUID)
 * @param subscriptionId the Subscription's id part
 * @param resourceType the resource's type
 * @param resourceId the resource's id part
 * @param resourceVersion the version that matched
 * @param matching {@link Matching#MATCHED} when HAPI's in-memory matcher matched it at write time,
 *     {@link Matching#TO_CHECK} when the criteria need the database (chains): checked by a search
 *     once committed
 * @param state where it is
 * @param attempts delivery attempts so far
 * @param lastError the last attempt's failure (HTTP status or exception class, never a body)
 */
public record Notification(
    String id,
    String subscriptionId,
    String resourceType,
    String resourceId,
    long resourceVersion,
    Matching matching,
    State state,
    int attempts,
    Instant createdAt,
    Instant nextAttemptAt,
    Instant sentAt,
    String lastError) {

  /** How the resource was found to match the Subscription's criteria. */
  public enum Matching {
    MATCHED,
    TO_CHECK
  }

  /**
   * Where a notification is: waiting, delivered, given up, or closed without delivery because the
   * database search found the resource outside the criteria.
   */
  public enum State {
    PENDING,
    SENT,
    FAILED,
    UNMATCHED
  }

  /** The resource's versioned id, {@code Type/id/_history/version}. */
  public String resourceReference() {
    return resourceType + "/" + resourceId + "/_history/" + resourceVersion;
  }
}
