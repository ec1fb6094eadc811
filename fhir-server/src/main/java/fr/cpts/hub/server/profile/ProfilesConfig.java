package fr.cpts.hub.server.profile;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import fr.cpts.hub.profiles.HubPackage;
import fr.cpts.hub.profiles.HubProfileValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hub's profiles: the package read from the classpath, the validator built on it, and the
 * interceptor that enforces it on every write. The interceptor is registered with HAPI's JPA
 * interceptor service, not the REST server's, so that it sees every stored resource: REST calls,
 * transaction entries and the hub's own loaders alike.
 */
@Configuration(proxyBeanMethods = false)
public class ProfilesConfig {

  private static final Logger log = LoggerFactory.getLogger(ProfilesConfig.class);

  @Bean
  HubPackage hubPackage(FhirContext fhirContext) {
    return HubPackage.load(fhirContext);
  }

  @Bean
  HubProfileValidator hubProfileValidator(FhirContext fhirContext, HubPackage hubPackage) {
    long started = System.nanoTime();
    HubProfileValidator validator = new HubProfileValidator(fhirContext, hubPackage);
    log.info(
        "Profiles {}#{}: {} profiles on {} resource types, validator ready in {} ms",
        hubPackage.name(),
        hubPackage.version(),
        hubPackage.profiles().size(),
        validator.profilesByType().size(),
        (System.nanoTime() - started) / 1_000_000);
    return validator;
  }

  @Bean
  ProfileValidationInterceptor profileValidationInterceptor(
      FhirContext fhirContext, HubProfileValidator validator, IInterceptorService jpaInterceptors) {
    ProfileValidationInterceptor interceptor =
        new ProfileValidationInterceptor(fhirContext, validator);
    jpaInterceptors.registerInterceptor(interceptor);
    return interceptor;
  }
}
