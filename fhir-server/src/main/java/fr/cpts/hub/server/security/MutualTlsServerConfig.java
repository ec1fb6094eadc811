package fr.cpts.hub.server.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hub's own TLS, when {@code hub.security.tls.enabled} is on. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.security.tls.enabled", havingValue = "true")
public class MutualTlsServerConfig {

  @Bean
  MutualTlsServerCustomizer mutualTlsServerCustomizer(
      TlsProperties tls, ClientCertificateProperties clients) {
    return new MutualTlsServerCustomizer(tls, clients);
  }
}
