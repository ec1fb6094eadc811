package fr.cpts.hub.server.interceptor;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import fr.cpts.hub.profiles.HubProfileValidator;
import fr.cpts.hub.server.access.InsecureModeWarning;
import fr.cpts.hub.server.config.HubInterceptor;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.springframework.stereotype.Component;

/**
 * Completes the generated CapabilityStatement: names the software, lists the hub's profiles of each
 * resource type in {@code supportedProfile}, and declares the {@code batch} system interaction,
 * which HAPI's JPA system provider serves on the same endpoint as {@code transaction} but does not
 * list. In the insecure development mode it says so in the description of the implementation and of
 * the statement ({@link InsecureModeWarning}). It changes nothing else.
 */
@Component
@Interceptor
public class CapabilityStatementInterceptor implements HubInterceptor {

  static final String SOFTWARE_NAME = "cpts-hub";

  private final HubProfileValidator profiles;
  private final InsecureModeWarning mode;

  public CapabilityStatementInterceptor(HubProfileValidator profiles, InsecureModeWarning mode) {
    this.profiles = profiles;
    this.mode = mode;
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  public void complete(IBaseConformance generated) {
    if (!(generated instanceof CapabilityStatement capabilities)) {
      return;
    }
    capabilities.getSoftware().setName(SOFTWARE_NAME);
    if (mode.insecure()) {
      String described = capabilities.getImplementation().getDescription();
      capabilities
          .getImplementation()
          .setDescription(
              (described == null || described.isBlank() ? "" : described + ". ")
                  + InsecureModeWarning.TEXT);
      capabilities.setDescription(InsecureModeWarning.TEXT);
    }
    for (CapabilityStatementRestComponent rest : capabilities.getRest()) {
      for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
        for (String profile :
            profiles.profilesByType().getOrDefault(resource.getType(), List.of())) {
          if (resource.getSupportedProfile().stream()
              .noneMatch(p -> profile.equals(p.getValue()))) {
            resource.addSupportedProfile(profile);
          }
        }
      }
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
