package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.cpts.hub.devpki.DevPki;
import fr.cpts.hub.devpki.DevPkiFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From what a connection brings (peer address, TLS chain, proxy header) to a client identity, on
 * the development PKI's standard set; no Spring, no server.
 */
class ClientCertificateAuthenticatorTest {

  private static final String PROXY = "10.0.0.7";
  private static final String STRANGER = "203.0.113.50";

  @TempDir static java.nio.file.Path directory;

  static DevPkiFiles.Generated pki;
  static ClientCertificateAuthenticator authenticator;

  @BeforeAll
  static void pki() {
    Instant now = Instant.now();
    pki = DevPkiFiles.write(directory, now, List.of("localhost", "127.0.0.1"));
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    List<X509Certificate> ca = List.of(pki.pki().caCertificate());
    CertificateRevocationLists crls =
        new CertificateRevocationLists(
            List.of(pki.file(DevPkiFiles.CRL).toString()), ca, Duration.ofSeconds(5), clock);
    authenticator =
        new ClientCertificateAuthenticator(
            new ClientCertificateVerifier(ca, crls, clock),
            ClientRegistry.load(pki.file(DevPkiFiles.REGISTRY)),
            TrustedProxies.of(List.of(PROXY)));
  }

  @Test
  void tlsCertificate_ofEachRole_givesItsIdentity() {
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      X509Certificate certificate = certificate(client);
      ClientIdentity identity =
          authenticator.authenticate(STRANGER, new X509Certificate[] {certificate}, List.of());

      assertThat(identity.clientId()).isEqualTo(client.id());
      assertThat(identity.role()).isEqualTo(ClientRole.valueOf(client.role()));
      assertThat(identity.commonName()).isEqualTo(client.cn());
      assertThat(identity.idnst()).isEqualTo(client.ou());
      assertThat(identity.source()).isEqualTo(CertificateSource.TLS);
      assertThat(identity.serialNumber()).isEqualTo(certificate.getSerialNumber().toString(16));
      assertThat(identity.subject()).startsWith("CN=" + client.cn() + ",OU=" + client.ou());
      assertThat(identity.issuer()).contains("CN=cpts-hub development CA");
    }
  }

  @Test
  void proxyHeader_fromATrustedProxy_inEveryEncoding_givesTheIdentity() throws Exception {
    X509Certificate radiology = certificate(DevPkiFiles.RADIOLOGY);
    String pem = DevPki.pem(radiology);
    List<String> encodings =
        List.of(
            // nginx $ssl_client_escaped_cert
            URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20"),
            pem.replace('\n', ' '),
            Base64.getEncoder().encodeToString(radiology.getEncoded()));
    for (String header : encodings) {
      ClientIdentity identity = authenticator.authenticate(PROXY, null, List.of(header));
      assertThat(identity.clientId()).as(header).isEqualTo(DevPkiFiles.RADIOLOGY.id());
      assertThat(identity.source()).isEqualTo(CertificateSource.PROXY_HEADER);
    }
    // Behind the proxy, the header wins over the proxy's own TLS certificate.
    X509Certificate proxyOwn = certificate(DevPkiFiles.CPTS_CONSOLE);
    assertThat(
            authenticator
                .authenticate(PROXY, new X509Certificate[] {proxyOwn}, List.of(encodings.get(0)))
                .clientId())
        .isEqualTo(DevPkiFiles.RADIOLOGY.id());
  }

  @Test
  void proxyHeader_fromAnyoneElse_isRefused0508_evenWithAValidTlsCertificate() {
    String header = DevPki.pem(certificate(DevPkiFiles.SAS_PLATFORM));
    assertRefused(STRANGER, null, List.of(header), CertificateRefusal.UNTRUSTED_PROXY);
    assertRefused(
        STRANGER,
        new X509Certificate[] {certificate(DevPkiFiles.GP_SOFTWARE)},
        List.of(header),
        CertificateRefusal.UNTRUSTED_PROXY);
    // An empty header (nginx without client certificate) is no header.
    assertThat(
            authenticator
                .authenticate(
                    STRANGER,
                    new X509Certificate[] {certificate(DevPkiFiles.GP_SOFTWARE)},
                    List.of(""))
                .clientId())
        .isEqualTo(DevPkiFiles.GP_SOFTWARE.id());
  }

  @Test
  void proxyHeader_isVerifiedAgain_revokedExpiredOrForeign() {
    assertRefused(
        PROXY,
        null,
        List.of(DevPki.pem(certificate(DevPkiFiles.REVOKED))),
        CertificateRefusal.REVOKED);
    X509Certificate expired =
        pki.pki()
            .clientCertificate(
                "O",
                DevPkiFiles.SAS_PLATFORM.ou(),
                DevPkiFiles.SAS_PLATFORM.cn(),
                Instant.now().minus(Duration.ofDays(10)),
                Instant.now().minus(Duration.ofDays(1)))
            .certificate();
    assertRefused(PROXY, null, List.of(DevPki.pem(expired)), CertificateRefusal.EXPIRED);
    X509Certificate foreign =
        DevPki.create("another CA", Instant.now(), Duration.ofDays(30))
            .clientCertificate("O", DevPkiFiles.SAS_PLATFORM.ou(), DevPkiFiles.SAS_PLATFORM.cn())
            .certificate();
    assertRefused(PROXY, null, List.of(DevPki.pem(foreign)), CertificateRefusal.UNTRUSTED);
  }

  @Test
  void malformedOrRepeatedHeader_isRefused0507() {
    String pem = DevPki.pem(certificate(DevPkiFiles.SAS_PLATFORM));
    assertRefused(PROXY, null, List.of("not a certificate"), CertificateRefusal.MALFORMED);
    assertRefused(
        PROXY,
        null,
        List.of("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
        CertificateRefusal.MALFORMED);
    assertRefused(PROXY, null, List.of(pem, pem), CertificateRefusal.MALFORMED);
    assertRefused(PROXY, null, List.of("A".repeat(20_000)), CertificateRefusal.MALFORMED);
  }

  @Test
  void noCertificate_isRefused0501() {
    assertRefused(STRANGER, null, List.of(), CertificateRefusal.NO_CERTIFICATE);
    assertRefused(PROXY, null, List.of(" "), CertificateRefusal.NO_CERTIFICATE);
    assertRefused(STRANGER, new X509Certificate[0], null, CertificateRefusal.NO_CERTIFICATE);
  }

  @Test
  void wrongCnOrWrongOu_isRefused0509_andASubjectWithoutOu0510() {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    X509Certificate wrongCn =
        pki.pki().clientCertificate(sas.organisation(), sas.ou(), "someone-else").certificate();
    X509Certificate wrongOu =
        pki.pki().clientCertificate(sas.organisation(), "1990000002", sas.cn()).certificate();
    assertRefused(
        STRANGER, new X509Certificate[] {wrongCn}, List.of(), CertificateRefusal.UNKNOWN_CLIENT);
    assertRefused(
        STRANGER, new X509Certificate[] {wrongOu}, List.of(), CertificateRefusal.UNKNOWN_CLIENT);
  }

  private static X509Certificate certificate(DevPkiFiles.DevClient client) {
    return pki.clients().get(client.id()).certificate();
  }

  private static void assertRefused(
      String peer, X509Certificate[] chain, List<String> header, CertificateRefusal refusal) {
    assertThatThrownBy(() -> authenticator.authenticate(peer, chain, header))
        .isInstanceOfSatisfying(
            ClientCertificateException.class, e -> assertThat(e.refusal()).isEqualTo(refusal))
        .hasMessageStartingWith(refusal.code());
  }
}
