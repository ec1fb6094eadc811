package fr.cpts.hub.server.imaging;

import fr.cpts.hub.profiles.HubProfiles;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * Whether a ServiceRequest is an imaging order: it declares {@code hub-service-request-imaging}.
 */
final class ImagingOrderProfile {

  private ImagingOrderProfile() {}

  static boolean isImagingOrder(ServiceRequest order) {
    return order.getMeta().getProfile().stream()
        .anyMatch(p -> HubProfiles.SERVICE_REQUEST_IMAGING.equals(p.getValue()));
  }
}
