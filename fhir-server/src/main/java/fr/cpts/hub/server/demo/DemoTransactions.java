package fr.cpts.hub.server.demo;

import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/** Turns generated resources into the transaction Bundle a client would send to publish them. */
public final class DemoTransactions {

  private DemoTransactions() {}

  /**
   * A transaction of conditional creates ({@code If-None-Exist} on each resource's business
   * identifier, its first one), keeping the generator's {@code urn:uuid:} ids as full URLs so that
   * the resources of one Bundle reference each other.
   */
  public static Bundle conditionalCreates(List<? extends Resource> resources, FhirTerser terser) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Resource resource : resources) {
      Resource copy = resource.copy();
      String fullUrl = resource.getIdElement().getValue();
      copy.setId((String) null);
      Identifier key = businessIdentifier(copy, terser);
      BundleEntryComponent entry = bundle.addEntry().setResource(copy);
      if (fullUrl != null) {
        entry.setFullUrl(fullUrl);
      }
      entry
          .getRequest()
          .setMethod(HTTPVerb.POST)
          .setUrl(copy.fhirType())
          .setIfNoneExist("identifier=" + key.getSystem() + "|" + key.getValue());
    }
    return bundle;
  }

  /** The first identifier: the generator puts the business key there. */
  private static Identifier businessIdentifier(Resource resource, FhirTerser terser) {
    List<Identifier> identifiers = terser.getValues(resource, "identifier", Identifier.class);
    if (identifiers.isEmpty()) {
      throw new IllegalArgumentException(
          "HUB-0101: demo resource without identifier: " + resource.fhirType());
    }
    return identifiers.get(0);
  }
}
