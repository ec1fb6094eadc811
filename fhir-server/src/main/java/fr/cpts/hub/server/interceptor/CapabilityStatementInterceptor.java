package fr.cpts.hub.server.interceptor;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import fr.cpts.hub.server.config.HubInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.springframework.stereotype.Component;

/**
 * Completes the generated CapabilityStatement: names the software, and declares the {@code batch}
 * system interaction, which HAPI's JPA system provider serves on the same endpoint as {@code
 * transaction} but does not list. It changes nothing else.
 */
@Component
@Interceptor
public class CapabilityStatementInterceptor implements HubInterceptor {

  static final String SOFTWARE_NAME = "cpts-hub";

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void complete(IBaseConformance generated) {
    if (!(generated instanceof CapabilityStatement capabilities)) {
      return;
    }
    capabilities.getSoftware().setName(SOFTWARE_NAME);
    for (CapabilityStatementRestComponent rest : capabilities.getRest()) {
      boolean hasBatch =
          rest.getInteraction().stream()
              .anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH);
      boolean hasTransaction =
          rest.getInteraction().stream()
              .anyMatch(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION);
      if (hasTransaction && !hasBatch) {
        rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
      }
    }
  }
}
