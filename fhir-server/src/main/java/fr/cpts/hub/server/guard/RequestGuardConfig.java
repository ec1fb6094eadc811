package fr.cpts.hub.server.guard;

import ca.uhn.fhir.context.FhirContext;
import fr.cpts.hub.server.config.FhirRestfulServerConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The limits put on every request of the FHIR endpoint ({@code hub.limits.*}). */
@Configuration(proxyBeanMethods = false)
public class RequestGuardConfig {

  @Bean
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
      FhirContext fhirContext, RequestLimitsProperties limits) {
    FilterRegistrationBean<RequestBodyLimitFilter> registration =
        new FilterRegistrationBean<>(
            new RequestBodyLimitFilter(fhirContext, limits.maxBodySize().toBytes()));
    registration.addUrlPatterns(FhirRestfulServerConfig.FHIR_PATH + "/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
    return registration;
  }

  @Bean
  @ConditionalOnProperty(name = "hub.limits.rate.enabled", matchIfMissing = true)
  RateLimitInterceptor rateLimitInterceptor(RequestLimitsProperties limits) {
    return new RateLimitInterceptor(limits.rate());
  }
}
