package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.devpki.DevPki;
import fr.cpts.hub.devpki.DevPkiFiles;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.apache.http.Header;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The hub behind a TLS-terminating reverse proxy: a node on plain HTTP with client certificates on,
 * trusting the certificate header ({@code X-SSL-Client-Cert}, URL-encoded PEM as nginx's {@code
 * $ssl_client_escaped_cert}) from {@value #PROXY} only. Requests are sent from that loopback
 * address (the "proxy") and from {@value #ELSEWHERE} (anyone else). The header's certificate is
 * verified again (CA, dates, CRL): the proxy's word is not taken for it.
 *
 * <p>Runs on H2 only, like {@link MutualTlsIT}, for the same reason.
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisabledIfSystemProperty(
    named = "hub.test.database",
    matches = "postgres",
    disabledReason = "TLS and client identity do not depend on the database")
class ReverseProxyClientCertificateIT {

  private static final String PROXY = "127.0.0.2";
  private static final String ELSEWHERE = "127.0.0.1";
  private static final String HEADER = "X-SSL-Client-Cert";
  private static final String SEARCH = "/fhir/Practitioner?_summary=count";

  @Autowired DataSource dataSource;

  private DevPkiFiles.Generated pki;
  private SecureNode node;

  @BeforeAll
  void startNodeBehindAProxy() {
    pki = SecureNode.newPki("reverse-proxy-it");
    node =
        SecureNode.start(
            dataSource, pki, "--hub.security.client-certificates.trusted-proxies=" + PROXY + "/32");
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void headerFromTheProxy_letsEachRoleInWithItsIdentity() throws Exception {
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      Answer answer = get(PROXY, SEARCH, escaped(pki.clients().get(client.id()).certificate()));

      assertThat(answer.status()).as(client.id()).isEqualTo(200);
      assertThat(answer.client())
          .isEqualTo(client.id() + " " + client.role() + " " + client.ou() + " PROXY_HEADER");
    }
  }

  @Test
  void headerFromAnyoneElse_isRefused403_0508() throws Exception {
    String sas = escaped(pki.clients().get(DevPkiFiles.SAS_PLATFORM.id()).certificate());
    assertRefused(get(ELSEWHERE, SEARCH, sas), "HUB-0508");
    assertRefused(get(ELSEWHERE, "/fhir/metadata", sas), "HUB-0508");
  }

  @Test
  void noCertificate_isAnonymous_fromTheProxyOrElsewhere_publicDirectoryOnly() throws Exception {
    for (Answer answer :
        List.of(
            get(PROXY, SEARCH, null),
            get(PROXY, SEARCH, ""), // nginx, client without certificate
            get(ELSEWHERE, SEARCH, null),
            get(ELSEWHERE, "/fhir/metadata", null))) {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.client()).isNull();
    }
    assertRefused(get(PROXY, "/fhir/Patient", null), "HUB-0551");
    assertRefused(get(ELSEWHERE, "/fhir/Slot", ""), "HUB-0551");
  }

  /** A certificate of the SAS platform's subject, valid from {@code from} to {@code to}. */
  private java.security.cert.X509Certificate sasCertificate(Instant from, Instant to) {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    return pki.pki()
        .clientCertificate(sas.organisation(), sas.ou(), sas.cn(), from, to)
        .certificate();
  }

  @Test
  void headerCertificate_isVerifiedAgain() throws Exception {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    Instant now = Instant.now();
    assertRefused(
        get(PROXY, SEARCH, escaped(pki.clients().get(DevPkiFiles.REVOKED.id()).certificate())),
        "HUB-0505");
    assertRefused(
        get(
            PROXY,
            SEARCH,
            escaped(sasCertificate(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))))),
        "HUB-0503");
    assertRefused(
        get(
            PROXY,
            SEARCH,
            escaped(sasCertificate(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))))),
        "HUB-0504");
    assertRefused(
        get(
            PROXY,
            SEARCH,
            escaped(
                DevPki.create("cpts-hub development CA", now, Duration.ofDays(30))
                    .clientCertificate(sas.organisation(), sas.ou(), sas.cn())
                    .certificate())),
        "HUB-0502");
    assertRefused(
        get(
            PROXY,
            SEARCH,
            escaped(
                pki.pki()
                    .clientCertificate(sas.organisation(), sas.ou(), "not-the-sas")
                    .certificate())),
        "HUB-0509");
    assertRefused(
        get(
            PROXY,
            SEARCH,
            escaped(
                pki.pki()
                    .clientCertificate(sas.organisation(), "1990000002", sas.cn())
                    .certificate())),
        "HUB-0509");
    assertRefused(get(PROXY, SEARCH, "-----BEGIN%20CERTIFICATE-----%0Agarbage"), "HUB-0507");
  }

  private static String escaped(X509Certificate certificate) {
    // As nginx's $ssl_client_escaped_cert: every reserved character percent-encoded.
    return URLEncoder.encode(DevPki.pem(certificate), StandardCharsets.UTF_8).replace("+", "%20");
  }

  private record Answer(int status, String body, String client) {}

  /** A GET from {@code localAddress}, with the certificate header when not null. */
  private Answer get(String localAddress, String path, String header) throws Exception {
    RequestConfig config =
        RequestConfig.custom()
            .setLocalAddress(InetAddress.getByName(localAddress))
            .setConnectTimeout(10_000)
            .setSocketTimeout(60_000)
            .build();
    try (CloseableHttpClient http = HttpClients.custom().setDefaultRequestConfig(config).build()) {
      HttpGet get = new HttpGet("http://127.0.0.1:" + node.port + path);
      get.setHeader("Accept", "application/fhir+json");
      if (header != null) {
        get.setHeader(HEADER, header);
      }
      try (CloseableHttpResponse response = http.execute(get)) {
        Header client = response.getFirstHeader(SecureNode.CLIENT_HEADER);
        return new Answer(
            response.getStatusLine().getStatusCode(),
            EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8),
            client == null ? null : client.getValue());
      }
    }
  }

  private static void assertRefused(Answer answer, String code) {
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.client()).isNull();
    assertThat(SecureNode.diagnostics(answer.body())).startsWith(code + ": ");
  }
}
