package fr.cpts.hub.server.notification;

import fr.cpts.hub.server.outbox.OutboxTable;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the notifications of websocket Subscriptions from the outbox to the connections of this
 * node bound to them ({@link WebSocketBindings}): under the outbox's lease, one {@code ping} per
 * notification, then marked sent. A notification whose Subscription no connection of this node is
 * bound to is left for the node that has one, or for the client's next bind. Runs every {@code
 * poll-interval}, and at once when a client binds.
 */
@Component
public class WebSocketNotifier {

  private static final Logger log = LoggerFactory.getLogger(WebSocketNotifier.class);
  private static final int BATCH = 100;

  private final NotificationOutbox outbox;
  private final WebSocketBindings bindings;
  private final NotificationProperties properties;
  private final Clock clock;
  private final String node = "ws-" + UUID.randomUUID();

  public WebSocketNotifier(
      NotificationOutbox outbox,
      WebSocketBindings bindings,
      NotificationProperties properties,
      Clock clock) {
    this.outbox = outbox;
    this.bindings = bindings;
    this.properties = properties;
    this.clock = clock;
    bindings.onBind(
        () -> {
          if (properties.enabled()) {
            deliverDue(clock.instant());
          }
        });
  }

  @Scheduled(
      fixedDelayString = "${hub.notification.poll-interval:2s}",
      initialDelayString = "${hub.notification.poll-interval:2s}")
  public void deliverDue() {
    if (properties.enabled()) {
      deliverDue(clock.instant());
    }
  }

  /** Pings the bound clients of every notification due; returns how many were sent. */
  public synchronized int deliverDue(Instant now) {
    List<String> subscriptions = bindings.boundSubscriptions();
    int sent = 0;
    List<Notification> due;
    do {
      due = outbox.dueFor(subscriptions, now, BATCH);
      for (Notification notification : due) {
        OutboxTable table = outbox.table();
        if (!table.lease(notification.id(), node, now, now.plus(properties.lease()))) {
          continue;
        }
        if (bindings.ping(notification.subscriptionId())) {
          table.markSent(notification.id(), node, clock.instant());
          sent++;
        } else {
          // The client went away meanwhile: the notification waits for its next bind.
          outbox.postpone(notification.id(), node, now, "no websocket client bound");
        }
      }
    } while (due.size() == BATCH && sent > 0);
    if (sent > 0) {
      log.debug("Notification: {} websocket ping(s) sent", sent);
    }
    return sent;
  }
}
