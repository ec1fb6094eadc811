package fr.cpts.hub.server.security;

import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.ConfigurableServletWebServerFactory;
import org.springframework.core.Ordered;

/**
 * Turns the embedded Tomcat's connector ({@code server.port}) into HTTPS with mutual TLS when
 * {@code hub.security.tls.enabled} is on: the hub's certificate and key, TLS 1.2 and 1.3 only, a
 * client certificate asked for in the handshake and, when presented, checked against the trusted
 * CAs of {@code hub.security.client-certificates.ca} (chain and dates, by the JDK's PKIX trust
 * manager; a bad one fails the handshake). A client without certificate gets in anonymous, and the
 * access rules give it the public directory only. It runs after Spring Boot's own customizer:
 * {@code server.ssl.*} is replaced, not merged. Revocation and the client registry are checked on
 * every request by {@link ClientCertificateInterceptor}.
 */
public class MutualTlsServerCustomizer
    implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory>, Ordered {

  /** The protocols offered; SSL 3, TLS 1.0 and 1.1 are refused in the handshake. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final Ssl ssl;

  public MutualTlsServerCustomizer(TlsProperties tls, ClientCertificateProperties clients) {
    this.ssl = ssl(tls, clients);
  }

  /**
   * The connector's SSL settings: a client certificate asked for ("want"), not required, so that a
   * browser app reaches the hub with a bearer token and anyone reaches the public directory. A
   * certificate that is sent is checked in the handshake (chain, dates); a request with neither
   * certificate nor token is anonymous, and the access rules give it the public directory only.
   *
   * @throws IllegalStateException ({@code HUB-0523}) if TLS is on without client certificates, or
   *     without its certificate, key or CAs
   */
  static Ssl ssl(TlsProperties tls, ClientCertificateProperties clients) {
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
    // WANT: a client without certificate gets in anonymous (the public directory); a bad
    // certificate still fails the handshake.
    ssl.setClientAuth(Ssl.ClientAuth.WANT);
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
