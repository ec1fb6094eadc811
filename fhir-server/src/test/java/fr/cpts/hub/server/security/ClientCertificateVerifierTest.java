package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import fr.cpts.hub.devpki.DevPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKIX checks of a client certificate, on a PKI made here; no Spring, no server. */
class ClientCertificateVerifierTest {

  private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final DevPki PKI = DevPki.create("test CA", NOW, Duration.ofDays(365));
  private static final DevPki.Issued CLIENT =
      PKI.clientCertificate("Cabinet", "356010000000010", "lgc.test");

  @TempDir Path directory;

  @Test
  void verify_aCertificateOfTheTrustedCa_isAccepted() throws Exception {
    assertThat(verifier(List.of()).verify(List.of(CLIENT.certificate())))
        .isEqualTo(CLIENT.certificate());
  }

  @Test
  void verify_noCertificate_isRefused0501() {
    assertRefused(verifier(List.of()), List.of(), CertificateRefusal.NO_CERTIFICATE);
  }

  @Test
  void verify_expired_isRefused0503() {
    X509Certificate expired =
        PKI.clientCertificate(
                "O", "1990000001", "expired", NOW.minus(Duration.ofDays(30)), NOW.minusSeconds(1))
            .certificate();
    assertRefused(verifier(List.of()), List.of(expired), CertificateRefusal.EXPIRED);
  }

  @Test
  void verify_notYetValid_isRefused0504() {
    X509Certificate future =
        PKI.clientCertificate(
                "O", "1990000001", "future", NOW.plusSeconds(60), NOW.plus(Duration.ofDays(30)))
            .certificate();
    assertRefused(verifier(List.of()), List.of(future), CertificateRefusal.NOT_YET_VALID);
  }

  @Test
  void verify_anotherCa_evenOfTheSameName_isRefused0502() {
    DevPki other = DevPki.create("other CA", NOW, Duration.ofDays(365));
    DevPki impostor = DevPki.create("test CA", NOW, Duration.ofDays(365));
    for (DevPki ca : List.of(other, impostor)) {
      X509Certificate foreign =
          ca.clientCertificate("Cabinet", "356010000000010", "lgc.test").certificate();
      assertRefused(verifier(List.of()), List.of(foreign), CertificateRefusal.UNTRUSTED);
    }
  }

  @Test
  void verify_aServerCertificateOrTheCaItself_isNotAClientCertificate0502() {
    X509Certificate server = PKI.serverCertificate("localhost", List.of("localhost")).certificate();
    assertRefused(verifier(List.of()), List.of(server), CertificateRefusal.UNTRUSTED);
    assertRefused(verifier(List.of()), List.of(PKI.caCertificate()), CertificateRefusal.UNTRUSTED);
  }

  @Test
  void verify_revoked_isRefused0505_andTheOthersAccepted() throws Exception {
    DevPki.Issued revoked = PKI.clientCertificate("Cabinet", "356010000000010", "lgc.test");
    Path crl = write("crl.pem", PKI.crl(List.of(revoked.certificate())));
    ClientCertificateVerifier verifier = verifier(List.of(crl.toString()));

    assertRefused(verifier, List.of(revoked.certificate()), CertificateRefusal.REVOKED);
    assertThat(verifier.verify(List.of(CLIENT.certificate()))).isEqualTo(CLIENT.certificate());
  }

  @Test
  void verify_withoutAnyCrlConfigured_doesNotCheckRevocation() {
    DevPki.Issued revoked = PKI.clientCertificate("Cabinet", "356010000000010", "lgc.test");
    assertThat(verifier(List.of()).verify(List.of(revoked.certificate())))
        .isEqualTo(revoked.certificate());
  }

  @Test
  void verify_crlPastItsNextUpdate_refusesEveryClient0506() throws Exception {
    // The JDK's PKIX allows 15 minutes of clock skew on a CRL's dates.
    Path crl =
        write(
            "crl.pem",
            PKI.crl(NOW.minus(Duration.ofDays(8)), NOW.minus(Duration.ofMinutes(16)), List.of()));
    assertRefused(
        verifier(List.of(crl.toString())),
        List.of(CLIENT.certificate()),
        CertificateRefusal.REVOCATION_UNKNOWN);
  }

  @Test
  void refresh_readsTheNewCrl_andARevocationTakesEffectAtOnce() throws Exception {
    Path file =
        write(
            "crl.pem",
            PKI.crl(NOW.minus(Duration.ofHours(2)), NOW.plus(Duration.ofDays(7)), List.of()));
    CertificateRevocationLists crls = crls(List.of(file.toString()));
    ClientCertificateVerifier verifier =
        new ClientCertificateVerifier(List.of(PKI.caCertificate()), crls, CLOCK);
    assertThat(verifier.verify(List.of(CLIENT.certificate()))).isNotNull();

    write(
        "crl.pem",
        PKI.crl(
            NOW.minus(Duration.ofHours(1)),
            NOW.plus(Duration.ofDays(7)),
            List.of(CLIENT.certificate())));
    assertThat(crls.refresh()).isEqualTo(1);
    assertRefused(verifier, List.of(CLIENT.certificate()), CertificateRefusal.REVOKED);
    assertThat(crls.refresh()).as("unchanged").isZero();
  }

  @Test
  void refresh_keepsTheHeldCrl_whenTheFileIsBrokenOrOlder() throws Exception {
    Path file =
        write(
            "crl.pem",
            PKI.crl(
                NOW.minus(Duration.ofHours(1)),
                NOW.plus(Duration.ofDays(7)),
                List.of(CLIENT.certificate())));
    CertificateRevocationLists crls = crls(List.of(file.toString()));
    ClientCertificateVerifier verifier =
        new ClientCertificateVerifier(List.of(PKI.caCertificate()), crls, CLOCK);

    Files.writeString(file, "not a CRL");
    assertThat(crls.refresh()).isZero();
    assertRefused(verifier, List.of(CLIENT.certificate()), CertificateRefusal.REVOKED);

    // An older CRL (issued before the revocation) is not taken: it would hide it.
    write(
        "crl.pem", PKI.crl(NOW.minus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(7)), List.of()));
    assertThat(crls.refresh()).isZero();
    assertRefused(verifier, List.of(CLIENT.certificate()), CertificateRefusal.REVOKED);
  }

  @Test
  void crl_fromAnHttpUrl_isReadAndRefreshed() throws Exception {
    AtomicReference<byte[]> served =
        new AtomicReference<>(
            DevPki.pem(
                    PKI.crl(
                        NOW.minus(Duration.ofHours(2)), NOW.plus(Duration.ofDays(7)), List.of()))
                .getBytes(StandardCharsets.US_ASCII));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ca.crl",
        exchange -> {
          byte[] body = served.get();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ca.crl";
      CertificateRevocationLists crls = crls(List.of(url));
      ClientCertificateVerifier verifier =
          new ClientCertificateVerifier(List.of(PKI.caCertificate()), crls, CLOCK);
      assertThat(verifier.verify(List.of(CLIENT.certificate()))).isNotNull();

      served.set(
          PKI.crl(
                  NOW.minus(Duration.ofHours(1)),
                  NOW.plus(Duration.ofDays(7)),
                  List.of(CLIENT.certificate()))
              .getEncoded()); // DER this time
      assertThat(crls.refresh()).isEqualTo(1);
      assertRefused(verifier, List.of(CLIENT.certificate()), CertificateRefusal.REVOKED);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void crl_notSignedByATrustedCa_stopsTheStart0521() throws Exception {
    DevPki other = DevPki.create("other CA", NOW, Duration.ofDays(365));
    Path crl = write("crl.pem", other.crl(List.of()));
    assertThatThrownBy(() -> crls(List.of(crl.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("HUB-0521")
        .hasMessageContaining("not signed by a trusted CA");
    assertThatThrownBy(() -> crls(List.of(directory.resolve("missing.pem").toString())))
        .hasMessageStartingWith("HUB-0521");
  }

  @Test
  void verify_throughAnIntermediateCa_whetherTrustedOrSentByTheClient() throws Exception {
    DevPki issuing = PKI.intermediate("issuing CA");
    X509Certificate leaf =
        issuing.clientCertificate("Cabinet", "356010000000010", "lgc.test").certificate();
    Path crl = write("crl.pem", issuing.crl(List.of()));

    // Only the root is trusted: the client sends its intermediate.
    ClientCertificateVerifier rootOnly =
        new ClientCertificateVerifier(
            List.of(PKI.caCertificate()),
            new CertificateRevocationLists(
                List.of(), List.of(PKI.caCertificate()), Duration.ofSeconds(5), CLOCK),
            CLOCK);
    assertThat(rootOnly.verify(List.of(leaf, issuing.caCertificate()))).isEqualTo(leaf);
    assertRefused(rootOnly, List.of(leaf), CertificateRefusal.UNTRUSTED);

    // Root and intermediate trusted (the IGC-Santé chain file), with the intermediate's CRL.
    List<X509Certificate> chain = List.of(PKI.caCertificate(), issuing.caCertificate());
    ClientCertificateVerifier both =
        new ClientCertificateVerifier(
            chain,
            new CertificateRevocationLists(
                List.of(crl.toString()), chain, Duration.ofSeconds(5), CLOCK),
            CLOCK);
    assertThat(both.verify(List.of(leaf))).isEqualTo(leaf);
    assertThat(both.verify(List.of(leaf, issuing.caCertificate()))).isEqualTo(leaf);
    // The root's clients have no CRL there: their status is unknown.
    assertRefused(both, List.of(CLIENT.certificate()), CertificateRefusal.REVOCATION_UNKNOWN);
  }

  static void assertRefused(
      ClientCertificateVerifier verifier, List<X509Certificate> chain, CertificateRefusal refusal) {
    assertThatThrownBy(() -> verifier.verify(chain))
        .isInstanceOfSatisfying(
            ClientCertificateException.class, e -> assertThat(e.refusal()).isEqualTo(refusal))
        .hasMessageStartingWith(refusal.code() + ": ");
  }

  private ClientCertificateVerifier verifier(List<String> crlLocations) {
    return new ClientCertificateVerifier(List.of(PKI.caCertificate()), crls(crlLocations), CLOCK);
  }

  private static CertificateRevocationLists crls(List<String> locations) {
    return new CertificateRevocationLists(
        locations, List.of(PKI.caCertificate()), Duration.ofSeconds(5), CLOCK);
  }

  private Path write(String name, X509CRL crl) throws Exception {
    Path file = directory.resolve(name);
    Files.writeString(file, DevPki.pem(crl));
    return file;
  }
}
