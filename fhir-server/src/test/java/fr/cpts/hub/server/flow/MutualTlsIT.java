package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.cpts.hub.devpki.DevPki;
import fr.cpts.hub.devpki.DevPkiFiles;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The hub terminating mutual TLS itself, as the SAS platform calls it: a node started on the test
 * hub's database with {@code hub.security.tls.enabled} and a development PKI made for this run
 * (nothing committed), called through the JDK's HTTP client with each client's key. Every role is
 * let in with its identity; a client without certificate is let in anonymous (the public
 * directory); every bad certificate is refused, in the TLS handshake (unknown CA, expired, not yet
 * valid, protocols below TLS 1.2) or with 403 and its {@code HUB-05xx} code (revoked, wrong CN,
 * wrong OU), including a certificate revoked while its connection is open.
 *
 * <p>Runs on H2 only: TLS and the client's identity are settled before any database access, so the
 * PostgreSQL run would prove nothing more, for another minute of start-up.
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisabledIfSystemProperty(
    named = "hub.test.database",
    matches = "postgres",
    disabledReason = "TLS and client identity do not depend on the database")
class MutualTlsIT {

  private static final Logger log = LoggerFactory.getLogger(MutualTlsIT.class);
  private static final String SEARCH = "/fhir/Practitioner?_summary=count";

  @Autowired DataSource dataSource;

  private DevPkiFiles.Generated pki;
  private SecureNode node;

  @BeforeAll
  void startSecureNode() {
    pki = SecureNode.newPki("mutual-tls-it");
    node =
        SecureNode.start(
            dataSource,
            pki,
            "--hub.security.tls.enabled=true",
            "--hub.security.tls.certificate=" + pki.file(DevPkiFiles.SERVER),
            "--hub.security.tls.private-key=" + pki.file(DevPkiFiles.SERVER_KEY));
  }

  @AfterAll
  void stopSecureNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void eachRole_isLetInWithItsIdentity() throws Exception {
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      HttpResponse<String> answer = get(issued(client), SEARCH);

      assertThat(answer.statusCode()).as(client.id()).isEqualTo(200);
      assertThat(answer.body()).contains("\"resourceType\":\"Bundle\"");
      assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER))
          .contains(client.id() + " " + client.role() + " " + client.ou() + " TLS");
    }
    // The CapabilityStatement too needs a registered client.
    assertThat(get(issued(DevPkiFiles.SAS_PLATFORM), "/fhir/metadata").statusCode()).isEqualTo(200);
  }

  @Test
  void noCertificate_isLetInAnonymous_forThePublicDirectoryOnly() throws Exception {
    HttpResponse<String> directory = get(null, SEARCH);
    assertThat(directory.statusCode()).isEqualTo(200);
    assertThat(directory.headers().firstValue(SecureNode.CLIENT_HEADER)).isEmpty();
    assertThat(get(null, "/fhir/metadata").statusCode()).isEqualTo(200);
    HttpResponse<String> patients = get(null, "/fhir/Patient");
    assertThat(patients.statusCode()).isEqualTo(403);
    assertThat(SecureNode.diagnostics(patients.body())).startsWith("HUB-0551: ");
  }

  @Test
  void unknownCa_failsTheHandshake() {
    DevPki other = DevPki.create("cpts-hub development CA", Instant.now(), Duration.ofDays(30));
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    assertHandshakeFails(other.clientCertificate(sas.organisation(), sas.ou(), sas.cn()));
  }

  @Test
  void expired_failsTheHandshake() {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    assertHandshakeFails(
        pki.pki()
            .clientCertificate(
                sas.organisation(),
                sas.ou(),
                sas.cn(),
                Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1))));
  }

  @Test
  void notYetValid_failsTheHandshake() {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    assertHandshakeFails(
        pki.pki()
            .clientCertificate(
                sas.organisation(),
                sas.ou(),
                sas.cn(),
                Instant.now().plus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30))));
  }

  @Test
  void revoked_isRefused403_0505() throws Exception {
    assertRefused(issued(DevPkiFiles.REVOKED), "HUB-0505");
  }

  @Test
  void wrongCn_isRefused403_0509() throws Exception {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    assertRefused(
        pki.pki().clientCertificate(sas.organisation(), sas.ou(), "not-the-sas.example"),
        "HUB-0509");
  }

  @Test
  void wrongOu_isRefused403_0509() throws Exception {
    DevPkiFiles.DevClient gp = DevPkiFiles.GP_SOFTWARE;
    // The vendor's service, for another practice than the registered one.
    assertRefused(
        pki.pki().clientCertificate(gp.organisation(), "356010000000011", gp.cn()), "HUB-0509");
  }

  @Test
  void revokedWhileConnected_isRefusedOnTheSameClientOnceTheCrlIsReread() throws Exception {
    DevPkiFiles.DevClient console = DevPkiFiles.CPTS_CONSOLE;
    DevPki.Issued second =
        pki.pki().clientCertificate(console.organisation(), console.ou(), console.cn());
    HttpClient client = client(second);
    assertThat(send(client, SEARCH).statusCode()).isEqualTo(200);

    Files.writeString(
        pki.file(DevPkiFiles.CRL),
        DevPki.pem(
            pki.pki()
                .crl(
                    Instant.now().minusSeconds(1),
                    Instant.now().plus(Duration.ofDays(30)),
                    List.of(issued(DevPkiFiles.REVOKED).certificate(), second.certificate()))));
    HttpResponse<String> answer = send(client, SEARCH);
    for (int i = 0; i < 100 && answer.statusCode() == 200; i++) {
      Thread.sleep(200);
      answer = send(client, SEARCH);
    }
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(SecureNode.diagnostics(answer.body())).startsWith("HUB-0505");
    // The console's own certificate is still good.
    assertThat(get(issued(console), SEARCH).statusCode()).isEqualTo(200);
  }

  @Test
  void clientAddedToTheRegistry_isLetInOnceTheFileIsReread() throws Exception {
    DevPkiFiles.DevClient newcomer =
        new DevPkiFiles.DevClient(
            "radiology-annex",
            "RADIOLOGY",
            "Imagerie (annexe)",
            "356020000000099",
            "ris.annexe.dev.cpts-hub");
    DevPki.Issued certificate =
        pki.pki().clientCertificate(newcomer.organisation(), newcomer.ou(), newcomer.cn());
    assertRefused(certificate, "HUB-0509");

    Files.writeString(
        pki.file(DevPkiFiles.REGISTRY),
        DevPkiFiles.registryYaml(
            List.of(
                DevPkiFiles.SAS_PLATFORM,
                DevPkiFiles.GP_SOFTWARE,
                DevPkiFiles.RADIOLOGY,
                DevPkiFiles.CPTS_CONSOLE,
                newcomer)));
    HttpResponse<String> answer = get(certificate, SEARCH);
    for (int i = 0; i < 100 && answer.statusCode() == 403; i++) {
      Thread.sleep(200);
      answer = get(certificate, SEARCH);
    }
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER))
        .contains("radiology-annex RADIOLOGY 356020000000099 TLS");
  }

  @Test
  void tls12AndTls13_areEachAccepted() throws Exception {
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      SSLParameters parameters = new SSLParameters();
      parameters.setProtocols(new String[] {protocol});
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(
                  MutualTlsClients.sslContext(
                      pki.pki().caCertificate(), issued(DevPkiFiles.SAS_PLATFORM)))
              .sslParameters(parameters)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      assertThat(send(client, SEARCH).statusCode()).as(protocol).isEqualTo(200);
    }
  }

  /**
   * The JDK's own client will not even offer TLS 1.1 or older (disabled in java.security), so the
   * hub is sent a ClientHello by hand: for TLS 1.2 it answers with a ServerHello, for SSL 3, TLS
   * 1.0 and 1.1 with a fatal alert (or by closing), never a ServerHello.
   */
  @Test
  void tlsBelow12_handshakeIsRefused() throws Exception {
    assertThat(serverAnswerTo(0x0303)).as("TLS 1.2 (control)").isEqualTo(ServerAnswer.SERVER_HELLO);
    for (int version : new int[] {0x0302, 0x0301, 0x0300}) {
      ServerAnswer answer = serverAnswerTo(version);
      log.info("ClientHello 0x{}: {}", Integer.toHexString(version), answer);
      assertThat(answer).as("0x%04x", version).isIn(ServerAnswer.ALERT, ServerAnswer.CLOSED);
    }
  }

  private enum ServerAnswer {
    SERVER_HELLO,
    ALERT,
    CLOSED,
    OTHER
  }

  private ServerAnswer serverAnswerTo(int version) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(clientHello(version));
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int contentType;
      try {
        contentType = in.readUnsignedByte();
        in.readUnsignedShort(); // record version
        in.readUnsignedShort(); // length
        int first = in.readUnsignedByte();
        if (contentType == 0x16 && first == 0x02) {
          return ServerAnswer.SERVER_HELLO;
        }
        if (contentType == 0x15 && first == 0x02) { // fatal alert
          log.info("alert {} for 0x{}", in.readUnsignedByte(), Integer.toHexString(version));
          return ServerAnswer.ALERT;
        }
        return ServerAnswer.OTHER;
      } catch (EOFException | java.net.SocketException e) {
        return ServerAnswer.CLOSED;
      }
    }
  }

  /**
   * A minimal ClientHello record: ECDHE-RSA suites (GCM and CBC), the P-256 and X25519 groups, RSA
   * signature schemes; {@code version} in the hello (the record says TLS 1.0, as clients do).
   */
  private static byte[] clientHello(int version) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    int[] suites = {0xC02F, 0xC030, 0xC013, 0xC014, 0x009C, 0x002F};
    byte[] extensions = {
      0x00,
      0x0a,
      0x00,
      0x06,
      0x00,
      0x04,
      0x00,
      0x17,
      0x00,
      0x1d, // supported_groups
      0x00,
      0x0b,
      0x00,
      0x02,
      0x01,
      0x00, // ec_point_formats: uncompressed
      0x00,
      0x0d,
      0x00,
      0x08,
      0x00,
      0x06,
      0x08,
      0x04,
      0x04,
      0x01,
      0x02,
      0x01 // signature_algorithms
    };
    ByteBuffer body =
        ByteBuffer.allocate(2 + 32 + 1 + 2 + suites.length * 2 + 2 + 2 + extensions.length);
    body.putShort((short) version).put(random).put((byte) 0);
    body.putShort((short) (suites.length * 2));
    for (int suite : suites) {
      body.putShort((short) suite);
    }
    body.put((byte) 1).put((byte) 0); // compression: null
    body.putShort((short) extensions.length).put(extensions);
    int length = body.position();
    ByteBuffer record = ByteBuffer.allocate(5 + 4 + length);
    record.put((byte) 0x16).putShort((short) 0x0301).putShort((short) (4 + length));
    record.put((byte) 0x01).put((byte) (length >>> 16)).putShort((short) length);
    record.put(body.array(), 0, length);
    return record.array();
  }

  private DevPki.Issued issued(DevPkiFiles.DevClient client) {
    return pki.clients().get(client.id());
  }

  private void assertRefused(DevPki.Issued certificate, String code) throws Exception {
    HttpResponse<String> answer = get(certificate, SEARCH);
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER)).isEmpty();
    assertThat(SecureNode.diagnostics(answer.body())).startsWith(code + ": ");
  }

  private void assertHandshakeFails(DevPki.Issued certificate) {
    // A TLS alert, not a dropped connection (the SAS test kit tells them apart).
    assertThatThrownBy(() -> get(certificate, SEARCH))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("Received fatal alert")
        .satisfies(e -> log.info("Handshake refused as expected: {}", e.toString()));
  }

  private HttpResponse<String> get(DevPki.Issued certificate, String path) throws Exception {
    return send(client(certificate), path);
  }

  private HttpResponse<String> send(HttpClient client, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + node.port + path))
            .header("Accept", "application/fhir+json")
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpClient client(DevPki.Issued certificate) throws Exception {
    return MutualTlsClients.client(pki.pki().caCertificate(), certificate);
  }
}
