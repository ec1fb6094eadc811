package fr.cpts.hub.server.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.Header;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.cpts.hub.server.notification.Notification.Matching;
import fr.cpts.hub.server.notification.Notification.State;
import fr.cpts.hub.server.outbox.DeliveryFailure;
import fr.cpts.hub.server.outbox.OutboxTable;
import fr.cpts.hub.server.outbox.RetryPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's due notifications, as R4's rest-hook channel says, with HAPI's client: with an
 * empty payload, a POST without body to the endpoint; with {@code application/fhir+json}, the
 * resource version that matched PUT to {@code [endpoint]/[type]/[id]}; the channel's headers are
 * added to each. A notification recorded "to check" (criteria HAPI cannot match in memory) is first
 * checked by a database search ({@code criteria&_id=}) and closed {@code unmatched} when the
 * resource is outside the criteria. A failure (receiver down, timeout, 5xx, 408, 429) is retried
 * with a doubling wait up to {@code max-attempts}; a refusal (any other 4xx) is given up at once; a
 * notification given up sets its Subscription to {@code error}, with the reason in {@code
 * Subscription.error}. While a Subscription is not active its notifications wait (they are sent
 * again from the moment it is active again); a deleted one's are given up.
 *
 * <p>Runs on every node every {@code poll-interval}; the outbox's leases keep two nodes from
 * sending one notification. Logs ids and statuses, never content nor headers.
 */
@Component
public class NotificationSender {

  private static final Logger log = LoggerFactory.getLogger(NotificationSender.class);
  private static final int BATCH = 100;
  private static final int MAX_PASSES = 20;

  private final NotificationOutbox outbox;
  private final OutboxTable table;
  private final NotificationProperties properties;
  private final RetryPolicy retry;
  private final DaoRegistry daos;
  private final MatchUrlService matchUrls;
  private final FhirContext fhirContext;
  private final FhirContext clientContext;
  private final Clock clock;
  private final String node = UUID.randomUUID().toString();

  public NotificationSender(
      NotificationOutbox outbox,
      NotificationProperties properties,
      DaoRegistry daos,
      MatchUrlService matchUrls,
      FhirContext fhirContext,
      Clock clock) {
    this.outbox = outbox;
    this.table = outbox.table();
    this.properties = properties;
    this.retry = properties.retry();
    this.daos = daos;
    this.matchUrls = matchUrls;
    this.fhirContext = fhirContext;
    this.clock = clock;
    this.clientContext = OutboxTable.clientContext(properties.timeout());
  }

  @Scheduled(
      fixedDelayString = "${hub.notification.poll-interval:2s}",
      initialDelayString = "${hub.notification.poll-interval:2s}")
  public void deliverDue() {
    if (properties.enabled()) {
      deliverDue(clock.instant());
    }
  }

  /**
   * Handles every notification due at {@code now}.
   *
   * @return how many were delivered
   */
  public int deliverDue(Instant now) {
    int delivered = 0;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      List<Notification> due = outbox.due(now, BATCH);
      for (Notification notification : due) {
        if (table.lease(notification.id(), node, now, now.plus(properties.lease()))
            && deliver(notification, now)) {
          delivered++;
        }
      }
      if (due.size() < BATCH) {
        break;
      }
    }
    return delivered;
  }

  private boolean deliver(Notification notification, Instant now) {
    SystemRequestDetails system = new SystemRequestDetails();
    Subscription subscription;
    try {
      subscription =
          daos.getResourceDao(Subscription.class)
              .read(new IdType("Subscription", notification.subscriptionId()), system);
    } catch (ResourceNotFoundException | ResourceGoneException gone) {
      table.close(notification.id(), node, OutboxTable.FAILED, "subscription deleted");
      return false;
    }
    if (subscription.getStatus() != SubscriptionStatus.ACTIVE) {
      outbox.postpone(
          notification.id(),
          node,
          now.plus(properties.maxRetryWait()),
          "subscription " + (subscription.hasStatus() ? subscription.getStatus().toCode() : "off"));
      return false;
    }
    if (notification.matching() == Matching.TO_CHECK) {
      boolean matches;
      try {
        matches = matchesInDatabase(subscription.getCriteria(), notification);
      } catch (RuntimeException unreadable) {
        table.close(
            notification.id(),
            node,
            OutboxTable.FAILED,
            "criteria not evaluated: " + unreadable.getClass().getSimpleName());
        return false;
      }
      if (!matches) {
        table.close(
            notification.id(), node, State.UNMATCHED.name(), "outside the criteria (database)");
        return false;
      }
    }
    Optional<DeliveryFailure> failure;
    try {
      failure = send(subscription, notification);
    } catch (ResourceNotFoundException | ResourceGoneException gone) {
      table.close(notification.id(), node, OutboxTable.FAILED, "resource version gone");
      return false;
    }
    if (failure.isEmpty()) {
      table.markSent(notification.id(), node, clock.instant());
      log.info(
          "Notification: Subscription/{} notified of {}",
          notification.subscriptionId(),
          notification.resourceReference());
      return true;
    }
    failed(subscription, notification, failure.get(), now);
    return false;
  }

  private boolean matchesInDatabase(String criteria, Notification notification) {
    SearchParameterMap search =
        matchUrls.translateMatchUrl(
            criteria, fhirContext.getResourceDefinition(notification.resourceType()));
    search.add("_id", new TokenParam(notification.resourceId()));
    search.setLoadSynchronous(true);
    IFhirResourceDao<?> dao = daos.getResourceDao(notification.resourceType());
    return !dao.search(search, new SystemRequestDetails()).getResources(0, 1).isEmpty();
  }

  private Optional<DeliveryFailure> send(Subscription subscription, Notification notification) {
    Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
    String endpoint = channel.getEndpoint();
    List<Header> headers = new ArrayList<>();
    for (StringType header : channel.getHeader()) {
      int colon = header.getValue().indexOf(':');
      headers.add(
          new Header(
              header.getValue().substring(0, colon).trim(),
              header.getValue().substring(colon + 1).trim()));
    }
    if (!channel.hasPayload()) {
      return ping(endpoint, headers);
    }
    IBaseResource resource =
        daos.getResourceDao(notification.resourceType())
            .read(
                new IdType(
                    notification.resourceType(),
                    notification.resourceId(),
                    Long.toString(notification.resourceVersion())),
                new SystemRequestDetails());
    IGenericClient client = clientContext.newRestfulGenericClient(endpoint);
    if (!headers.isEmpty()) {
      AdditionalRequestHeadersInterceptor added = new AdditionalRequestHeadersInterceptor();
      headers.forEach(h -> added.addHeaderValue(h.myName, h.myValue));
      client.registerInterceptor(added);
    }
    try {
      client
          .update()
          .resource(resource)
          .withId(new IdType(notification.resourceType(), notification.resourceId()))
          .execute();
      return Optional.empty();
    } catch (RuntimeException failure) {
      if (failure instanceof BaseServerResponseException answer
          && answer.getStatusCode() >= 200
          && answer.getStatusCode() < 300) {
        return Optional.empty();
      }
      return Optional.of(DeliveryFailure.of(failure, "receiver unreachable"));
    }
  }

  /** R4's notification without payload: a POST without body to the endpoint. */
  private Optional<DeliveryFailure> ping(String endpoint, List<Header> headers) {
    IHttpRequest request =
        clientContext
            .getRestfulClientFactory()
            .getHttpClient(new StringBuilder(endpoint), null, null, RequestTypeEnum.POST, headers)
            .createByteRequest(clientContext, "", null, EncodingEnum.JSON);
    IHttpResponse response = null;
    try {
      response = request.execute();
      int status = response.getStatus();
      return status >= 200 && status < 300
          ? Optional.empty()
          : Optional.of(DeliveryFailure.ofStatus(status));
    } catch (IOException unreachable) {
      return Optional.of(new DeliveryFailure("receiver unreachable", true));
    } finally {
      if (response != null) {
        response.close();
      }
    }
  }

  private void failed(
      Subscription subscription, Notification notification, DeliveryFailure failure, Instant now) {
    int attempts = notification.attempts() + 1;
    boolean last = !failure.retryable() || retry.givesUpAfter(attempts);
    table.markAttemptFailed(
        notification.id(), node, failure.error(), now.plus(retry.waitAfter(attempts)), last);
    log.warn(
        "Notification: Subscription/{} of {} not delivered, attempt {}: {}{}",
        notification.subscriptionId(),
        notification.resourceReference(),
        attempts,
        failure.error(),
        last ? " (given up)" : "");
    if (last) {
      subscription.setStatus(SubscriptionStatus.ERROR);
      subscription.setError(
          "HUB-1010: the notification of "
              + notification.resourceReference()
              + " was given up after "
              + attempts
              + " attempt(s): "
              + failure.error());
      subscription.setId(subscription.getIdElement().toUnqualifiedVersionless());
      try {
        daos.getResourceDao(Subscription.class).update(subscription, new SystemRequestDetails());
      } catch (RuntimeException e) {
        log.warn(
            "Notification: Subscription/{} could not be set to error: {}",
            notification.subscriptionId(),
            e.getClass().getSimpleName());
      }
    }
  }
}
