package fr.cpts.hub.server.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.matcher.InMemoryMatchResult;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.notification.Notification.Matching;
import java.time.Clock;
import java.time.Instant;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/**
 * Matches every stored resource version (created or updated, through REST, a transaction, the MLLP
 * listener or the hub's own writes) against the Subscriptions on its type (active, or in error:
 * what they miss meanwhile waits for them), in the transaction that stores it, and records a
 * notification in the outbox for each one it matches: the write and its notifications are committed
 * together or not at all. Criteria HAPI's in-memory matcher evaluates (tokens, references, dates...
 * on the resource itself) are decided here; those it cannot (chains such as {@code
 * based-on:ServiceRequest.requester:PractitionerRole.organization}) are recorded to be checked by a
 * database search once committed ({@link NotificationSender}). Deletes notify nothing. It sends
 * nothing itself.
 */
@Component
@Interceptor
public class NotificationInterceptor implements HubStorageInterceptor {

  private final SubscriptionIndex index;
  private final NotificationOutbox outbox;
  private final SearchParamMatcher matcher;
  private final NotificationProperties properties;
  private final FhirContext fhirContext;
  private final Clock clock;

  public NotificationInterceptor(
      SubscriptionIndex index,
      NotificationOutbox outbox,
      SearchParamMatcher matcher,
      NotificationProperties properties,
      FhirContext fhirContext,
      Clock clock) {
    this.index = index;
    this.outbox = outbox;
    this.matcher = matcher;
    this.properties = properties;
    this.fhirContext = fhirContext;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    match(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    match(resource, request);
  }

  private void match(IBaseResource resource, RequestDetails request) {
    if (!properties.enabled()) {
      return;
    }
    String type = fhirContext.getResourceType(resource);
    IIdType id = resource.getIdElement();
    Instant now = null;
    for (SubscriptionIndex.Entry subscription : index.matchedOn(type)) {
      InMemoryMatchResult result;
      try {
        result = matcher.match(subscription.criteria(), resource, request);
      } catch (RuntimeException cannotMatchInMemory) {
        // Never fail a client's write for a subscription: the database search decides later.
        result = InMemoryMatchResult.unsupportedFromReason(cannotMatchInMemory.getMessage());
      }
      Matching matching;
      if (!result.supported()) {
        matching = Matching.TO_CHECK;
      } else if (result.matched()) {
        matching = Matching.MATCHED;
      } else {
        continue;
      }
      now = now == null ? clock.instant() : now;
      outbox.enqueue(
          subscription.subscriptionId(),
          type,
          id.getIdPart(),
          id.getVersionIdPartAsLong(),
          matching,
          now);
    }
  }
}
