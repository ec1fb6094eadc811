package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v25.datatype.EI;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.util.Optional;
import org.hl7.fhir.r4.model.Reference;

/**
 * The numbers of an imaging order in HL7 v2 and the ServiceRequest they designate.
 *
 * <ul>
 *   <li>The <b>placer order number</b> (ORC-2, OBR-2, SCH-26) is the hub's own when its namespace
 *       (EI.2) is {@value #HUB_NAMESPACE}: the hub sent it in its ORM/OMI, from the
 *       ServiceRequest's identifier in {@link HubIdentifiers#SERVICE_REQUEST}. A placer number of
 *       another namespace is another system's and designates nothing here.
 *   <li>The <b>accession number</b> (OBR-18 as IHE Radiology places it, else the filler order
 *       number OBR-3 / ORC-3 / SCH-27) is the radiology group's, in {@link
 *       RadiologySource#accessionSystem()}.
 * </ul>
 *
 * The order is referenced by the hub's number when the message carries it (the hub stored it when
 * the order was created), else by the accession number (the RIS assigned it, and the order carries
 * it from then on).
 */
final class OrderNumbers {

  /** The namespace (EI.2, MSH-3) under which the hub writes its order numbers. */
  static final String HUB_NAMESPACE = "CPTS-HUB";

  private OrderNumbers() {}

  /** The hub's order number in an EI, if the EI is one. */
  static Optional<String> hubNumber(EI placer) {
    String value = Codes.trim(placer.getEntityIdentifier().getValue());
    if (value != null && HUB_NAMESPACE.equals(Codes.trim(placer.getNamespaceID().getValue()))) {
      return Optional.of(value);
    }
    return Optional.empty();
  }

  static Optional<String> value(EI ei) {
    return Optional.ofNullable(Codes.trim(ei.getEntityIdentifier().getValue()));
  }

  /** The ServiceRequest by the hub's number, else by accession number, else none. */
  static Optional<Reference> serviceRequest(
      Optional<String> hubNumber, Optional<String> accession, RadiologySource source) {
    if (hubNumber.isPresent()) {
      return Optional.of(
          new Reference(
              "ServiceRequest?"
                  + Conditional.identifier(HubIdentifiers.SERVICE_REQUEST, hubNumber.get())));
    }
    return accession.map(
        a ->
            new Reference("ServiceRequest?" + Conditional.identifier(source.accessionSystem(), a)));
  }

  static void write(EI ei, String value, String namespace) throws HL7Exception {
    ei.getEntityIdentifier().setValue(value);
    ei.getNamespaceID().setValue(namespace);
  }
}
