package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What an orchestrator probes: liveness, and readiness including the database. */
@HubIntegrationTest
class OperationsIT {

  @LocalServerPort int port;

  @Test
  void livenessAndReadiness_areUp_andReadinessChecksTheDatabase() throws Exception {
    HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> liveness = get(http, "/actuator/health/liveness");
    HttpResponse<String> readiness = get(http, "/actuator/health/readiness");

    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(liveness.body()).contains("\"status\":\"UP\"");
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(readiness.body()).contains("\"status\":\"UP\"").contains("\"db\"");
    assertThat(get(http, "/actuator/health").body()).contains("readiness");
  }

  private HttpResponse<String> get(HttpClient http, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
