package fr.cpts.hub.server.flow;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

/** The HAPI generic client a GP software or the SAS platform would use, pointed at the test hub. */
final class HubClient {

  static final FhirContext FHIR = FhirContext.forR4Cached();

  static {
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
    // The concurrency flows fire 50 requests at once: each gets a connection of its own rather
    // than waiting for one of HAPI's default 20 (and failing after its 10 s).
    FHIR.getRestfulClientFactory().setPoolMaxTotal(200);
    FHIR.getRestfulClientFactory().setPoolMaxPerRoute(100);
    FHIR.getRestfulClientFactory().setConnectionRequestTimeout(60_000);
  }

  private HubClient() {}

  static String base(int port) {
    return "http://localhost:" + port + "/fhir";
  }

  static IGenericClient of(int port) {
    return FHIR.newRestfulGenericClient(base(port));
  }

  /** A fresh copy of one of the guide's examples, without its id (the hub assigns one). */
  @SuppressWarnings("unchecked")
  static <T extends org.hl7.fhir.r4.model.Resource> T example(String file) {
    T resource =
        (T)
            fr.cpts.hub.ig.IgExamples.all().stream()
                .filter(e -> e.file().equals(file))
                .findFirst()
                .orElseThrow()
                .parse(FHIR);
    resource.setId((String) null);
    return resource;
  }
}
