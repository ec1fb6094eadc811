package fr.cpts.hub.ig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import fr.cpts.hub.ig.IgExamples.Example;
import fr.cpts.hub.ig.IgExamples.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgSiteRendererTest {

  static final Path PAGES = Path.of("src/main/pages");
  static IgSiteRenderer renderer;
  @TempDir static Path site;

  @BeforeAll
  static void render() throws IOException {
    renderer = new IgSiteRenderer(FhirContext.forR4Cached());
    renderer.render(PAGES, site);
  }

  @Test
  void everyMenuPage_andEveryGeneratedPage_isWritten() throws IOException {
    for (String page : Files.readAllLines(PAGES.resolve(IgSiteRenderer.MENU))) {
      if (!page.isBlank()) {
        assertThat(site.resolve(page.strip().replace(".md", ".html"))).isRegularFile();
      }
    }
    for (String generated :
        List.of(
            "profiles.html",
            "terminology.html",
            "search-parameters.html",
            "operations.html",
            "examples.html",
            "StructureDefinition-hub-slot.html",
            "StructureDefinition-hub-accepts-new-patients.html")) {
      assertThat(site.resolve(generated)).isRegularFile();
    }
    String slot = Files.readString(site.resolve("StructureDefinition-hub-slot.html"));
    assertThat(slot)
        .contains("Slot.meta.security:slotType")
        .contains("hub-slot-1")
        .contains("ValueSet-hub-vs-slot-type");
    String operations = Files.readString(site.resolve("operations.html"));
    assertThat(operations)
        .contains("id=\"OperationDefinition-schedule-import-ics\"")
        .contains("POST [base]/Schedule/{id}/$import-ics")
        .contains("<code>icsAttachment</code>")
        .contains("<code>kept-busy</code>");
  }

  @Test
  void pages_includeEveryExampleByReference_neverByCopy() throws IOException {
    String sources;
    try (Stream<Path> files = Files.list(PAGES)) {
      sources =
          files
              .filter(p -> p.toString().endsWith(".md"))
              .map(IgSiteRendererTest::read)
              .collect(Collectors.joining("\n"));
    }
    assertThat(sources).doesNotContain("\"resourceType\"");
    for (Example example : IgExamples.ofOutcome(Outcome.VALID)) {
      assertThat(sources).contains("{{example:" + example.file() + "}}");
    }
    String publishing = Files.readString(site.resolve("publish-slots.html"));
    assertThat(publishing).contains("ex-creneau-cpts").contains("&quot;resourceType&quot;");
  }

  @Test
  void unknownExampleOrProfile_failsTheBuild() {
    assertThatThrownBy(() -> renderer.expandMacros("{{example:Slot-nope.json}}", "test.md"))
        .hasMessageContaining("HUB-0312");
    assertThatThrownBy(() -> renderer.expandMacros("{{profile:hub-nope}}", "test.md"))
        .hasMessageContaining("HUB-0313");
  }

  @Test
  void guidePackage_isAStandardNpmPackage_withProfilesAndValidExamples() throws IOException {
    NpmPackage npm =
        NpmPackage.fromPackage(
            new ByteArrayInputStream(Files.readAllBytes(site.resolve("package.tgz"))));
    assertThat(npm.name()).isEqualTo("fr.cpts.hub.ig");
    assertThat(npm.fhirVersion()).isEqualTo("4.0.1");
    assertThat(npm.listResources("StructureDefinition")).hasSize(36);
    assertThat(npm.list("example")).hasSize(IgExamples.ofOutcome(Outcome.VALID).size());
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
