package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Hostile requests (issue 5, item 6): each gets a 4xx with an OperationOutcome where HAPI or the
 * hub answers it (Tomcat itself refuses some malformed paths before any servlet), never a 500,
 * never a stack trace, and stores nothing.
 */
@HubIntegrationTest
class HostileInputIT {

  private static final String LOOPBACK = "127.0.0.1";

  /** Counted apart from the flows: application-it-*.yaml gives it a limit of 5/s, bursts of 10. */
  private static final String LIMITED_CLIENT = "127.0.0.2";

  @LocalServerPort int port;

  @Value("${hub.fhir.max-page-size}")
  int maxPageSize;

  @Autowired DatabaseBackedPagingProvider pagingProvider;

  @Test
  void deeplyNestedJson_isRefusedWith400_andNothingIsStored() throws IOException {
    String family = marker();
    int depth = 5_000;
    StringBuilder json = new StringBuilder();
    json.append("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"").append(family);
    json.append("\"}],\"extension\":");
    json.append("[{\"url\":\"https://example.org/x\",\"extension\":".repeat(depth));
    json.append("[]");
    json.append("}]".repeat(depth));
    json.append('}');

    RawHttp.Response response = post("/fhir/Patient", "application/fhir+json", json.toString());

    assertRefused(response, 400);
    assertNothingStored(family);
  }

  @Test
  void deeplyNestedArrays_areRefusedWith400() throws IOException {
    String json =
        "{\"resourceType\":\"Patient\",\"name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

    assertRefused(post("/fhir/Patient", "application/fhir+json", json), 400);
  }

  @Test
  void deeplyNestedXml_isRefusedWith400_andNothingIsStored() throws IOException {
    String family = marker();
    int depth = 5_000;
    String xml =
        "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\""
            + family
            + "\"/></name>"
            + "<extension url=\"https://example.org/x\">".repeat(depth)
            + "</extension>".repeat(depth)
            + "</Patient>";

    RawHttp.Response response = post("/fhir/Patient", "application/fhir+xml", xml);

    assertRefused(response, 400);
    assertNothingStored(family);
  }

  @Test
  void xmlExternalEntity_isNotResolved_andNothingIsStored() throws IOException {
    String family = marker();
    String xml =
        "<?xml version=\"1.0\"?>"
            + "<!DOCTYPE Patient [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
            + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\""
            + family
            + "\"/><given value=\"&secret;\"/></name></Patient>";

    RawHttp.Response response = post("/fhir/Patient", "application/fhir+xml", xml);

    assertRefused(response, 400);
    assertThat(response.body()).doesNotContain("root:");
    assertNothingStored(family);
  }

  @Test
  void entityExpansionBomb_isRefusedWith400() throws IOException {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Patient [");
    xml.append("<!ENTITY a0 \"lol\">");
    for (int i = 1; i <= 10; i++) {
      xml.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10));
      xml.append("\">");
    }
    xml.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&a10;\"/></name>");
    xml.append("</Patient>");

    assertRefused(post("/fhir/Patient", "application/fhir+xml", xml.toString()), 400);
  }

  @Test
  void unknownSearchParameter_isRefusedWith400_namingIt() throws IOException {
    RawHttp.Response response = get("/fhir/Practitioner?favourite-colour=blue");

    assertRefused(response, 400);
    assertThat(diagnostics(response)).contains("favourite-colour");
  }

  @Test
  void malformedSearchValues_areRefusedWith400() throws IOException {
    for (String query :
        List.of(
            "/fhir/Slot?start=ge2026-13-45",
            "/fhir/Slot?_count=many",
            "/fhir/Slot?_sort=favourite-colour",
            "/fhir/Slot?_include=Slot:favourite-colour",
            "/fhir/Practitioner?_lastUpdated=yesterday")) {
      assertRefused(get(query), 400);
    }
  }

  @Test
  void oversizedCount_isCappedAtTheLargestPage() throws IOException {
    // The demo territory has about a thousand slots: a smaller largest page shows the cap.
    int largestPage = 100;
    pagingProvider.setMaximumPageSize(largestPage);
    try {
      RawHttp.Response response = get("/fhir/Slot?_count=1000000&_elements=id");

      assertThat(response.status()).isEqualTo(200);
      Bundle page = HubClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
      assertThat(page.getEntry()).hasSize(largestPage);
      assertThat(page.getLink(Bundle.LINK_NEXT)).isNotNull();
    } finally {
      pagingProvider.setMaximumPageSize(maxPageSize);
    }
  }

  @Test
  void pathTraversalInIds_isRefusedWith4xx_withoutStackTrace() throws IOException {
    for (String path :
        List.of(
            "/fhir/Patient/..%2F..%2F..%2Fetc%2Fpasswd",
            "/fhir/Patient/../../../etc/passwd",
            "/fhir/Patient/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/fhir/Patient/abc%00def",
            "/fhir/Patient/" + "a".repeat(200),
            "/fhir/Patient/a$b;c")) {
      RawHttp.Response response = get(path);
      assertThat(response.status()).as(path).isBetween(400, 499);
      assertNoStackTrace(response);
      assertThat(response.body()).doesNotContain("root:");
    }
  }

  @Test
  void declaredOversizedBody_isRefusedWith413_beforeItIsSent() throws IOException {
    RawHttp.Response response =
        RawHttp.exchange(
            LOOPBACK,
            port,
            "POST /fhir/Patient HTTP/1.1\r\nContent-Type: application/fhir+json\r\n"
                + "Accept: application/fhir+json\r\nContent-Length: "
                + (33L * 1024 * 1024),
            null);

    assertRefused(response, 413);
    assertThat(diagnostics(response)).contains("HUB-0570");
  }

  @Test
  void chunkedOversizedBody_isRefusedWith413_andNothingIsStored() throws IOException {
    String family = marker();
    byte[] start =
        ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\",\"given\":[\"")
            .getBytes(StandardCharsets.UTF_8);
    byte[] filler = "x".repeat(1024 * 1024).getBytes(StandardCharsets.UTF_8);
    byte[] end = "\"]}]}".getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
    writeChunk(chunks, start);
    for (int i = 0; i < 33; i++) {
      writeChunk(chunks, filler);
    }
    writeChunk(chunks, end);
    chunks.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    RawHttp.Response response =
        RawHttp.exchange(
            LOOPBACK,
            port,
            "POST /fhir/Patient HTTP/1.1\r\nContent-Type: application/fhir+json\r\n"
                + "Accept: application/fhir+json\r\nTransfer-Encoding: chunked",
            chunks.toByteArray());

    assertRefused(response, 413);
    assertNothingStored(family);
  }

  @Test
  void chunkedBodyWithinTheLimit_isStored() throws IOException {
    String family = marker();
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    byte[] json =
        HubClient.FHIR
            .newJsonParser()
            .encodeResourceToString(patient)
            .getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
    writeChunk(chunks, java.util.Arrays.copyOfRange(json, 0, 10));
    writeChunk(chunks, java.util.Arrays.copyOfRange(json, 10, json.length));
    chunks.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    RawHttp.Response response =
        RawHttp.exchange(
            LOOPBACK,
            port,
            "POST /fhir/Patient HTTP/1.1\r\nContent-Type: application/fhir+json\r\n"
                + "Accept: application/fhir+json\r\nTransfer-Encoding: chunked",
            chunks.toByteArray());

    assertThat(response.status()).as(response.body()).isEqualTo(201);
    assertThat(countPatients(family)).isEqualTo(1);
  }

  @Test
  void compressedBody_isRefusedWith415() throws IOException {
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    RawHttp.Response response =
        RawHttp.exchange(
            LOOPBACK,
            port,
            "POST /fhir/Patient HTTP/1.1\r\nContent-Type: application/fhir+json\r\n"
                + "Content-Encoding: gzip\r\nContent-Length: "
                + gzip.length,
            gzip);

    assertRefused(response, 415);
    assertThat(diagnostics(response)).contains("HUB-0571");
  }

  @Test
  void aBurstBeyondTheClientsLimit_gets429WithRetryAfter_thenThePaceIsAllowedAgain()
      throws Exception {
    Thread.sleep(2_100); // the limited client's bucket is full again (10 tokens, 5 per second)
    List<RawHttp.Response> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      answers.add(RawHttp.get(LIMITED_CLIENT, port, "/fhir/Organization?_count=1"));
    }

    List<RawHttp.Response> accepted = answers.stream().filter(a -> a.status() == 200).toList();
    List<RawHttp.Response> refused = answers.stream().filter(a -> a.status() == 429).toList();
    assertThat(accepted.size() + refused.size()).isEqualTo(30);
    // 10 at once, plus what 5 per second refilled while the burst lasted (well under 1 s).
    assertThat(accepted.size()).isBetween(10, 14);
    RawHttp.Response first = refused.get(0);
    assertThat(first.header("Retry-After")).isEqualTo("1");
    OperationOutcome outcome = outcome(first);
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.THROTTLED);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("HUB-0572");
    // Other clients are not slowed by it.
    assertThat(RawHttp.get(LOOPBACK, port, "/fhir/Organization?_count=1").status()).isEqualTo(200);

    Thread.sleep(1_100);
    assertThat(RawHttp.get(LIMITED_CLIENT, port, "/fhir/Organization?_count=1").status())
        .isEqualTo(200);
  }

  private RawHttp.Response get(String path) throws IOException {
    return RawHttp.get(LOOPBACK, port, path);
  }

  private RawHttp.Response post(String path, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return RawHttp.exchange(
        LOOPBACK,
        port,
        "POST "
            + path
            + " HTTP/1.1\r\nContent-Type: "
            + contentType
            + "; charset=UTF-8\r\nAccept: application/fhir+json\r\nContent-Length: "
            + bytes.length,
        bytes);
  }

  private static void writeChunk(java.io.ByteArrayOutputStream out, byte[] chunk)
      throws IOException {
    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(chunk);
    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String marker() {
    return "Hostile" + UUID.randomUUID().toString().replace("-", "");
  }

  private int countPatients(String family) {
    return HubClient.of(port)
        .search()
        .byUrl("Patient?family:exact=" + family + "&_summary=count")
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private void assertNothingStored(String family) {
    assertThat(countPatients(family)).isZero();
  }

  private static void assertRefused(RawHttp.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertNoStackTrace(response);
    OperationOutcome outcome = outcome(response);
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
  }

  private static void assertNoStackTrace(RawHttp.Response response) {
    assertThat(response.body())
        .doesNotContain("\tat ")
        .doesNotContain("at ca.uhn.")
        .doesNotContain("at java.")
        .doesNotContain("at org.");
  }

  private static OperationOutcome outcome(RawHttp.Response response) {
    IBaseResource parsed = HubClient.FHIR.newJsonParser().parseResource(response.body());
    assertThat(parsed).isInstanceOf(OperationOutcome.class);
    return (OperationOutcome) parsed;
  }

  private static String diagnostics(RawHttp.Response response) {
    return outcome(response).getIssueFirstRep().getDiagnostics();
  }
}
