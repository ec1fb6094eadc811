package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The hub serves its implementation guide at /ig/, with the guide's FHIR package. */
@HubIntegrationTest
class ImplementationGuideIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @LocalServerPort int port;

  @Test
  void ig_opensItsIndex_andEveryProfilePage() throws Exception {
    HttpResponse<String> index = get("/ig/", HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(index.uri().getPath()).isEqualTo("/ig/index.html");
    assertThat(index.body()).contains("cpts-hub").contains("profiles.html");

    HttpResponse<String> slot =
        get("/ig/StructureDefinition-hub-slot.html", HttpResponse.BodyHandlers.ofString());
    assertThat(slot.statusCode()).isEqualTo(200);
    assertThat(slot.body()).contains("Slot.meta.security:slotType");
  }

  @Test
  void ig_servesItsNpmPackage() throws Exception {
    HttpResponse<byte[]> tgz = get("/ig/package.tgz", HttpResponse.BodyHandlers.ofByteArray());
    assertThat(tgz.statusCode()).isEqualTo(200);

    NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(tgz.body()));
    assertThat(npm.name()).isEqualTo("fr.cpts.hub.ig");
    assertThat(npm.listResources("StructureDefinition")).isNotEmpty();
    assertThat(npm.list("example")).isNotEmpty();
  }

  private <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> handler)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        handler);
  }
}
