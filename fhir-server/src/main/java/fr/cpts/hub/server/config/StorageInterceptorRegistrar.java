package fr.cpts.hub.server.config;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Registers each {@link HubStorageInterceptor} bean on HAPI's JPA interceptor service once every
 * bean exists, before any application runner (profile install, demo load) writes.
 */
@Component
class StorageInterceptorRegistrar implements SmartInitializingSingleton {

  private final IInterceptorService jpaInterceptors;
  private final List<HubStorageInterceptor> interceptors;

  StorageInterceptorRegistrar(
      IInterceptorService jpaInterceptors, List<HubStorageInterceptor> interceptors) {
    this.jpaInterceptors = jpaInterceptors;
    this.interceptors = interceptors;
  }

  @Override
  public void afterSingletonsInstantiated() {
    interceptors.forEach(jpaInterceptors::registerInterceptor);
  }
}
