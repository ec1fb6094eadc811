package fr.cpts.hub.server.security;

import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.ConfigurableServletWebServerFactory;
import org.springframework.core.Ordered;

/**
 * Turns the embedded Tomcat's connector ({@code server.port}) into HTTPS with mutual TLS when
 * {@code hub.security.tls.enabled} is on: the hub's certificate and key, TLS 1.2 and 1.3 only, a
 * client certificate required in the handshake and checked against the trusted CAs of {@code
 * hub.security.client-certificates.ca} (chain and dates, by the JDK's PKIX trust manager); with
 * {@code hub.security.oidc.enabled}, a certificate is asked for, not required. It runs after Spring
 * Boot's own customizer: {@code server.ssl.*} is replaced, not merged. Revocation and the client
 * registry are checked on every request by {@link ClientCertificateInterceptor}.
 */
public class MutualTlsServerCustomizer
    implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory>, Ordered {

  /** The protocols offered; SSL 3, TLS 1.0 and 1.1 are refused in the handshake. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final Ssl ssl;

  public MutualTlsServerCustomizer(
      TlsProperties tls, ClientCertificateProperties clients, OidcProperties oidc) {
    this.ssl = ssl(tls, clients, oidc.enabled());
  }

  /**
   * The connector's SSL settings: a client certificate required in the handshake, or only asked for
   * ("want") when bearer tokens are accepted too, so that a browser app without a certificate
   * reaches the hub with a token. A certificate that is sent is checked in the handshake either way
   * (chain, dates); a request with neither is {@link ClientCertificateInterceptor}'s to answer.
   *
   * @throws IllegalStateException ({@code HUB-0523}) if TLS is on without client certificates, or
   *     without its certificate, key or CAs
   */
  static Ssl ssl(TlsProperties tls, ClientCertificateProperties clients, boolean tokens) {
    if (!clients.enabled()) {
      throw new IllegalStateException(
          "HUB-0523: hub.security.tls.enabled needs hub.security.client-certificates.enabled: the"
              + " hub's TLS always asks for a client certificate");
    }
    if (tls.certificate().isBlank() || tls.privateKey().isBlank() || clients.ca().isBlank()) {
      throw new IllegalStateException(
          "HUB-0523: hub.security.tls needs certificate and private-key, and"
              + " hub.security.client-certificates needs ca");
    }
    Ssl ssl = new Ssl();
    ssl.setEnabled(true);
    ssl.setProtocol("TLS");
    ssl.setEnabledProtocols(PROTOCOLS.clone());
    ssl.setCertificate(tls.certificate());
    ssl.setCertificatePrivateKey(tls.privateKey());
    if (!tls.privateKeyPassword().isEmpty()) {
      ssl.setKeyPassword(tls.privateKeyPassword());
    }
    ssl.setTrustCertificate(clients.ca());
    ssl.setClientAuth(tokens ? Ssl.ClientAuth.WANT : Ssl.ClientAuth.NEED);
    return ssl;
  }

  @Override
  public void customize(ConfigurableServletWebServerFactory factory) {
    factory.setSsl(ssl);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
