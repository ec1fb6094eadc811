package fr.cpts.hub.server.access;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The access rules, on whenever clients are identified ({@code
 * hub.security.client-certificates.enabled}); without it the hub runs in the insecure development
 * mode ({@link InsecureModeWarning}) and every request is allowed, as before.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.security.client-certificates.enabled", havingValue = "true")
public class AccessRulesConfig {

  @Bean
  StructureScope structureScope(DaoRegistry daos) {
    return new StructureScope(daos);
  }

  @Bean
  SlotReservations slotReservations(StructureScope scope) {
    return new SlotReservations(scope);
  }

  @Bean
  AccessRulesInterceptor accessRulesInterceptor(
      StructureScope scope, SlotReservations reservations) {
    return new AccessRulesInterceptor(scope, reservations);
  }

  @Bean
  DirectoryConsent directoryConsent(SlotReservations reservations) {
    return new DirectoryConsent(reservations);
  }
}
