package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.Ssl;

class MutualTlsServerCustomizerTest {

  private static final TlsProperties TLS =
      new TlsProperties(true, "server.pem", "server-key.pem", "");

  @Test
  void ssl_offersTls12And13Only_andAsksForAClientCertificateOfTheTrustedCas() {
    Ssl ssl = MutualTlsServerCustomizer.ssl(TLS, clients(true, "ca.pem"));

    assertThat(ssl.isEnabled()).isTrue();
    assertThat(ssl.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(ssl.getClientAuth()).isEqualTo(Ssl.ClientAuth.WANT);
    assertThat(ssl.getTrustCertificate()).isEqualTo("ca.pem");
    assertThat(ssl.getCertificate()).isEqualTo("server.pem");
    assertThat(ssl.getCertificatePrivateKey()).isEqualTo("server-key.pem");
    assertThat(ssl.getKeyPassword()).isNull();
  }

  @Test
  void ssl_withoutClientCertificatesOrFiles_stopsTheStart0523() {
    assertThatThrownBy(() -> MutualTlsServerCustomizer.ssl(TLS, clients(false, "ca.pem")))
        .hasMessageStartingWith("HUB-0523");
    assertThatThrownBy(() -> MutualTlsServerCustomizer.ssl(TLS, clients(true, "")))
        .hasMessageStartingWith("HUB-0523");
    assertThatThrownBy(
            () ->
                MutualTlsServerCustomizer.ssl(
                    new TlsProperties(true, "server.pem", "", ""), clients(true, "ca.pem")))
        .hasMessageStartingWith("HUB-0523");
  }

  private static ClientCertificateProperties clients(boolean enabled, String ca) {
    return new ClientCertificateProperties(
        enabled,
        ca,
        List.of(),
        Duration.ofMinutes(15),
        Duration.ofSeconds(10),
        "clients.yaml",
        Duration.ofSeconds(30),
        "X-SSL-Client-Cert",
        List.of());
  }
}
