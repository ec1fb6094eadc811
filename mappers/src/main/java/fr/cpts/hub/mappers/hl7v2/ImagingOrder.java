package fr.cpts.hub.mappers.hl7v2;

import java.util.Objects;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * An imaging order as the hub holds it: the ServiceRequest ({@code hub-service-request-imaging})
 * with the Patient it is for and the Practitioner who asks for it, already read by the caller.
 */
public record ImagingOrder(ServiceRequest serviceRequest, Patient patient, Practitioner requester) {

  public ImagingOrder {
    Objects.requireNonNull(serviceRequest, "serviceRequest");
    Objects.requireNonNull(patient, "patient");
    Objects.requireNonNull(requester, "requester");
  }
}
