package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Broken requests get a clear 4xx with an OperationOutcome, never a 500, and change nothing. */
@HubIntegrationTest
class BadInputIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @LocalServerPort int port;

  @Test
  void malformedJson_isRejectedWith400_andOperationOutcome() throws Exception {
    HttpResponse<String> response =
        post("/Practitioner", "application/fhir+json", "{\"resourceType\":\"Practitioner\",");

    assertThat(response.statusCode()).isEqualTo(400);
    assertOperationOutcome(response);
  }

  @Test
  void unknownResourceType_isRejectedWith404_andOperationOutcome() throws Exception {
    HttpResponse<String> response = get("/Spaceship?name=x");

    assertThat(response.statusCode()).isEqualTo(404);
    assertOperationOutcome(response);
  }

  @Test
  void wrongContentType_isRejectedWith4xx_andOperationOutcome() throws Exception {
    HttpResponse<String> response = post("/Practitioner", "text/plain", "Dr Jeanne KERGOAT");

    assertThat(response.statusCode()).isBetween(400, 499);
    assertOperationOutcome(response);
  }

  @Test
  void bodyOfAnotherType_isRejectedWith400() throws Exception {
    HttpResponse<String> response =
        post("/Practitioner", "application/fhir+json", "{\"resourceType\":\"Patient\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertOperationOutcome(response);
  }

  @Test
  void invalidSearchParameter_isRejectedWith400() throws Exception {
    HttpResponse<String> response = get("/Slot?start=notadate");

    assertThat(response.statusCode()).isEqualTo(400);
    assertOperationOutcome(response);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(HubClient.base(port) + path))
            .header("Accept", "application/fhir+json")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(HubClient.base(port) + path))
            .header("Content-Type", contentType)
            .header("Accept", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertOperationOutcome(HttpResponse<String> response) {
    IBaseResource parsed = HubClient.FHIR.newJsonParser().parseResource(response.body());
    assertThat(parsed).isInstanceOf(OperationOutcome.class);
    OperationOutcome outcome = (OperationOutcome) parsed;
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
  }
}
