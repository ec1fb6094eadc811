package fr.cpts.hub.server.security;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Clients identified by certificate, when {@code hub.security.client-certificates.enabled} is on:
 * the trusted CAs, their CRLs, the client registry, the verifier and the interceptor that applies
 * them to every FHIR request, and the job re-reading CRLs and registry. Anything missing or
 * unreadable stops the hub at start-up with a {@code HUB-052x} message.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.security.client-certificates.enabled", havingValue = "true")
public class ClientCertificateConfig {

  private static final Logger log = LoggerFactory.getLogger(ClientCertificateConfig.class);

  @Bean
  CertificateRevocationLists certificateRevocationLists(
      ClientCertificateProperties properties, Clock clock) {
    CertificateRevocationLists crls =
        new CertificateRevocationLists(
            properties.crls(), authorities(properties), properties.crlTimeout(), clock);
    if (!crls.configured()) {
      log.warn(
          "hub.security.client-certificates.crls is empty: revoked client certificates are"
              + " accepted");
    }
    return crls;
  }

  @Bean
  ClientCertificateVerifier clientCertificateVerifier(
      ClientCertificateProperties properties, CertificateRevocationLists crls, Clock clock) {
    return new ClientCertificateVerifier(authorities(properties), crls, clock);
  }

  @Bean
  ClientRegistry clientRegistry(ClientCertificateProperties properties) {
    if (properties.registry().isBlank()) {
      throw new IllegalStateException(
          "HUB-0520: hub.security.client-certificates.registry must name the client registry");
    }
    return ClientRegistry.load(CertificateFiles.path(properties.registry()));
  }

  @Bean
  ClientCertificateAuthenticator clientCertificateAuthenticator(
      ClientCertificateProperties properties,
      ClientCertificateVerifier verifier,
      ClientRegistry registry) {
    TrustedProxies proxies = TrustedProxies.of(properties.trustedProxies());
    log.info(
        "Client certificates required: {} trusted CA certificates ({}), {} CRL locations, {}"
            + " registered clients, certificate header {} accepted from {}",
        verifier.authorities().size(),
        verifier.authorities().stream().map(c -> c.getSubjectX500Principal().getName()).toList(),
        properties.crls().size(),
        registry.entries().size(),
        properties.proxyHeader(),
        proxies.isEmpty() ? "no one" : proxies);
    return new ClientCertificateAuthenticator(verifier, registry, proxies);
  }

  @Bean
  ClientCertificateInterceptor clientCertificateInterceptor(
      ClientCertificateAuthenticator authenticator, ClientCertificateProperties properties) {
    return new ClientCertificateInterceptor(authenticator, properties.proxyHeader());
  }

  @Bean
  ClientCertificateRefreshJob clientCertificateRefreshJob(
      CertificateRevocationLists crls, ClientRegistry registry) {
    return new ClientCertificateRefreshJob(crls, registry);
  }

  private static List<X509Certificate> authorities(ClientCertificateProperties properties) {
    if (properties.ca().isBlank()) {
      throw new IllegalStateException(
          "HUB-0520: hub.security.client-certificates.ca must name the trusted CA certificates");
    }
    try {
      List<X509Certificate> authorities = CertificateFiles.certificates(properties.ca());
      if (authorities.isEmpty()) {
        throw new IOException("no certificate in the file");
      }
      return authorities;
    } catch (IOException e) {
      throw new IllegalStateException(
          "HUB-0520: cannot read the trusted CA certificates "
              + Path.of(properties.ca()).toAbsolutePath()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
