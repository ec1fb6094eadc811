package fr.cpts.hub.server.notification;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import java.time.Clock;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.springframework.stereotype.Component;

/**
 * The life of a Subscription in the hub: before it is stored, it is checked ({@link
 * SubscriptionRules}) and a {@code requested} one becomes {@code active} (the hub needs no
 * handshake: it notifies from the commit on); in the transaction that stores it, the hub's index of
 * subscriptions is updated (or the entry removed when it is deleted). A Subscription that comes
 * back to {@code active} (from {@code error} or {@code off}) has what was pending or given up for
 * it sent again, from now. It notifies nothing itself ({@link NotificationInterceptor} and {@link
 * NotificationSender} do).
 */
@Component
@Interceptor
public class SubscriptionInterceptor implements HubStorageInterceptor {

  private final SubscriptionRules rules;
  private final SubscriptionIndex index;
  private final NotificationOutbox outbox;
  private final Clock clock;

  public SubscriptionInterceptor(
      SubscriptionRules rules, SubscriptionIndex index, NotificationOutbox outbox, Clock clock) {
    this.rules = rules;
    this.index = index;
    this.outbox = outbox;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void creating(IBaseResource resource) {
    check(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updating(IBaseResource previous, IBaseResource resource) {
    check(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    if (resource instanceof Subscription subscription) {
      put(subscription);
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    if (resource instanceof Subscription subscription) {
      put(subscription);
      if (subscription.getStatus() == SubscriptionStatus.ACTIVE
          && previous instanceof Subscription before
          && before.getStatus() != SubscriptionStatus.ACTIVE) {
        outbox.resend(subscription.getIdElement().getIdPart(), clock.instant());
      }
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    if (resource instanceof Subscription subscription) {
      index.remove(subscription.getIdElement().getIdPart());
    }
  }

  private void check(IBaseResource resource) {
    if (resource instanceof Subscription subscription) {
      rules.check(subscription);
      if (subscription.getStatus() == SubscriptionStatus.REQUESTED) {
        subscription.setStatus(SubscriptionStatus.ACTIVE);
      }
    }
  }

  private void put(Subscription subscription) {
    index.put(
        subscription.getIdElement().getIdPart(),
        SubscriptionRules.resourceTypeOf(subscription.getCriteria()),
        subscription.getCriteria(),
        subscription.hasStatus() ? subscription.getStatus().toCode() : "off",
        subscription.getChannel().hasType() ? subscription.getChannel().getType().toCode() : null);
  }
}
