package fr.cpts.hub.server.notification;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The websocket channel of R4 Subscriptions on {@code /websocket}, as HAPI FHIR's servers speak it:
 * a client sends {@code bind <subscription id>} and is answered {@code bound <id>} (or {@code error
 * <reason>}: no such Subscription, or not a websocket one); then each notification of that
 * Subscription reaches it as {@code ping <id>}, and the client reads what changed through the REST
 * API (its access rules apply there: the ping carries no data). A client may bind several
 * Subscriptions on one connection; {@code unbind <id>} stops one.
 *
 * <p>Which connections are bound is known only to the node that holds them, as connections are; the
 * notifications themselves stay in the durable outbox until a node that holds a bound connection
 * sends them ({@link WebSocketNotifier}), so a client that was disconnected, or bound to a node
 * that stopped, gets what it missed when it binds again.
 */
@Component
public class WebSocketBindings extends TextWebSocketHandler {

  private static final Logger log = LoggerFactory.getLogger(WebSocketBindings.class);

  private final DaoRegistry daos;
  private final Map<String, Set<WebSocketSession>> bound = new ConcurrentHashMap<>();
  private volatile Runnable onBind = () -> {};

  public WebSocketBindings(DaoRegistry daos) {
    this.daos = daos;
  }

  /** What to run once a client has bound (the notifier sends what was waiting). */
  void onBind(Runnable task) {
    this.onBind = task;
  }

  /** The Subscriptions some connection of this node is bound to. */
  public List<String> boundSubscriptions() {
    return bound.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /**
   * Sends {@code ping <id>} to every connection of this node bound to the Subscription.
   *
   * @return whether at least one received it
   */
  boolean ping(String subscriptionId) {
    boolean sent = false;
    for (WebSocketSession session : bound.getOrDefault(subscriptionId, Set.of())) {
      try {
        synchronized (session) {
          session.sendMessage(new TextMessage("ping " + subscriptionId));
        }
        sent = true;
      } catch (IOException | IllegalStateException gone) {
        unbindAll(session);
      }
    }
    return sent;
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message)
      throws IOException {
    String text = message.getPayload().trim();
    int space = text.indexOf(' ');
    String verb = space < 0 ? text : text.substring(0, space);
    String id = space < 0 ? "" : text.substring(space + 1).trim();
    if (id.startsWith("Subscription/")) {
      id = id.substring("Subscription/".length());
    }
    switch (verb) {
      case "bind" -> bind(session, id);
      case "unbind" -> {
        bound.getOrDefault(id, Set.of()).remove(session);
        reply(session, "unbound " + id);
      }
      default -> reply(session, "error HUB-1020: send 'bind <Subscription id>' or 'unbind <id>'");
    }
  }

  private void bind(WebSocketSession session, String id) throws IOException {
    if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
      reply(session, "error HUB-1021: 'bind' takes the id of a Subscription");
      return;
    }
    Subscription subscription;
    try {
      subscription =
          daos.getResourceDao(Subscription.class)
              .read(new IdType("Subscription", id), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      reply(session, "error HUB-1021: no Subscription/" + id);
      return;
    }
    if (subscription.getChannel().getType() != SubscriptionChannelType.WEBSOCKET) {
      reply(session, "error HUB-1022: Subscription/" + id + " is not a websocket Subscription");
      return;
    }
    bound.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(session);
    reply(session, "bound " + id);
    log.info("Notification: a websocket client bound to Subscription/{}", id);
    onBind.run();
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    unbindAll(session);
  }

  private void unbindAll(WebSocketSession session) {
    bound.values().forEach(sessions -> sessions.remove(session));
  }

  private static void reply(WebSocketSession session, String text) throws IOException {
    synchronized (session) {
      session.sendMessage(new TextMessage(text));
    }
  }
}
