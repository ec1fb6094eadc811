package fr.cpts.hub.server.imaging;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.mt.MtRecords;
import java.time.Clock;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * Records, in the transaction that stores it, each imaging order ({@code
 * hub-service-request-imaging}) to send to the RIS of the radiology group that performs it (its
 * {@code performer}: the group's Organization, or one of its PractitionerRoles, whose IDNST a
 * source of {@code hub.hl7v2.mllp.sources} names with an order host): a new order (ORC-1 NW), and
 * each change of its status (HD on hold, CA revoked or entered in error, NW again). Other updates
 * (the accession number the RIS assigns) send nothing. {@link OrderSender} sends them.
 */
@Component
@Interceptor
public class OrderOutboxInterceptor implements HubStorageInterceptor {

  private final OrderOutbox outbox;
  private final MllpProperties properties;
  private final MtRecords records;
  private final Clock clock;

  public OrderOutboxInterceptor(
      OrderOutbox outbox, MllpProperties properties, MtRecords records, Clock clock) {
    this.outbox = outbox;
    this.properties = properties;
    this.records = records;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    if (resource instanceof ServiceRequest order && ImagingOrderProfile.isImagingOrder(order)) {
      enqueue(order);
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    if (resource instanceof ServiceRequest order
        && ImagingOrderProfile.isImagingOrder(order)
        && previous instanceof ServiceRequest before
        && before.getStatus() != order.getStatus()) {
      enqueue(order);
    }
  }

  private void enqueue(ServiceRequest order) {
    if (properties.sources().stream().noneMatch(MllpProperties.Source::receivesOrders)) {
      return;
    }
    for (Reference performer : order.getPerformer()) {
      Optional<MllpProperties.Source> source =
          idnstOf(performer).flatMap(properties::receiverOfOrdersFor);
      if (source.isPresent()) {
        outbox.enqueue(
            source.get().code(),
            order.getIdElement().getIdPart(),
            order.getIdElement().getVersionIdPartAsLong(),
            clock.instant());
        return;
      }
    }
  }

  private Optional<String> idnstOf(Reference performer) {
    if (performer.hasIdentifier()
        && FrIdentifiers.IDNST.equals(performer.getIdentifier().getSystem())) {
      return Optional.of(performer.getIdentifier().getValue());
    }
    String type = performer.getReferenceElement().getResourceType();
    if ("PractitionerRole".equals(type)) {
      return records
          .read(PractitionerRole.class, performer)
          .filter(PractitionerRole::hasOrganization)
          .flatMap(r -> idnstOf(r.getOrganization()));
    }
    if ("Organization".equals(type)) {
      return records.read(Organization.class, performer).stream()
          .flatMap(o -> o.getIdentifier().stream())
          .filter(i -> FrIdentifiers.IDNST.equals(i.getSystem()))
          .map(Identifier::getValue)
          .findFirst();
    }
    return Optional.empty();
  }
}
