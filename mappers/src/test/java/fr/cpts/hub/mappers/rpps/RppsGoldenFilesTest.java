package fr.cpts.hub.mappers.rpps;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import fr.cpts.hub.mappers.ProfileValidation;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files of the RPPS extract mapping: each {@code golden/rpps/<case>.txt} (a synthetic
 * extract: invented people, RPPS numbers 10000000xxx, SIRET 999..., FINESS 5600999xx; the TRE_R21
 * function code is a placeholder) is mapped for the territory of {@code <case>.properties} ({@code
 * communes}, {@code departments}), and a transaction Bundle of every resource of every
 * professional, in order, each with the conditional PUT that updates it in place, is compared with
 * {@code <case>.expected.json} (a structure shared by two professionals appears twice, as the
 * mapper returns it: an importer sends it once); the summary and the rejections are compared with
 * the properties ({@code summary}, {@code rejection.<n>}); a {@code sameAs} case must expect
 * exactly what another one does. Every resource is validated against the hub's profiles. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files, then review their diff.
 */
class RppsGoldenFilesTest {

  static final Path DIR = Path.of("src/test/resources/golden/rpps");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");

  final RppsExtractMapper mapper = new RppsExtractMapper();

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".txt"))
          .map(n -> n.substring(0, n.length() - ".txt".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void map_matchesTheExpectedBundleAndSummary_andEveryResourceIsValid(String name)
      throws IOException {
    Properties settings = settings(name);
    RppsTerritory territory =
        new RppsTerritory(codes(settings, "communes"), codes(settings, "departments"));

    List<RppsProfessional> professionals = new ArrayList<>();
    RppsSummary summary;
    try (InputStream in = Files.newInputStream(DIR.resolve(name + ".txt"));
        RppsImport extract = mapper.open(in, territory)) {
      extract.forEachRemaining(professionals::add);
      summary = extract.summary();
    }

    String actual = canonical(json().encodeResourceToString(transaction(professionals)));
    Path expectedFile = DIR.resolve(name + ".expected.json");
    if (UPDATE) {
      Files.writeString(expectedFile, actual + "\n", StandardCharsets.UTF_8);
    }
    assertThat(expectedFile)
        .as("expected file; run with -Dgolden.update=true to write it, then review it")
        .exists();
    assertThat(actual).isEqualTo(canonical(Files.readString(expectedFile, StandardCharsets.UTF_8)));

    assertThat(summary).hasToString(settings.getProperty("summary"));
    assertThat(summary.linesRead())
        .isEqualTo(summary.linesKept() + summary.linesOutsideTerritory() + summary.linesRejected());
    assertThat(summary.rejections().stream().map(RppsRejection::toString))
        .containsExactlyElementsOf(expectedRejections(settings));
    assertThat(professionals).as("a golden case that maps nobody tests little").isNotEmpty();
    for (RppsProfessional professional : professionals) {
      professional.resources().forEach(ProfileValidation::assertValid);
    }

    String sameAs = settings.getProperty("sameAs");
    if (sameAs != null) {
      assertThat(canonical(Files.readString(DIR.resolve(sameAs + ".expected.json"))))
          .as("%s must map to what %s maps to", name, sameAs)
          .isEqualTo(actual);
    }
  }

  @Test
  void goldenCases_eachHaveTheirExpectedFileAndSettings_andNoOrphanIsLeft() throws IOException {
    List<String> cases = cases().toList();
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(cases).hasSizeGreaterThanOrEqualTo(7);
      assertThat(names).hasSize(cases.size() * 3);
      for (String name : cases) {
        assertThat(names).contains(name + ".expected.json", name + ".properties");
      }
    }
  }

  /** One conditional PUT per resource, by its national identifier (or the hub's own). */
  static Bundle transaction(List<RppsProfessional> professionals) {
    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    for (RppsProfessional professional : professionals) {
      for (Resource resource : professional.resources()) {
        bundle
            .addEntry()
            .setResource(resource)
            .getRequest()
            .setMethod(HTTPVerb.PUT)
            .setUrl(RppsProfessional.conditionalUrl(resource));
      }
    }
    return bundle;
  }

  private static List<String> expectedRejections(Properties settings) {
    List<String> expected = new ArrayList<>();
    for (int n = 1; settings.containsKey("rejection." + n); n++) {
      expected.add(settings.getProperty("rejection." + n));
    }
    return expected;
  }

  private static Set<String> codes(Properties settings, String key) {
    return Arrays.stream(settings.getProperty(key, "").split(","))
        .map(String::trim)
        .filter(c -> !c.isEmpty())
        .collect(Collectors.toSet());
  }

  private static Properties settings(String name) throws IOException {
    Properties settings = new Properties();
    try (Reader in = Files.newBufferedReader(DIR.resolve(name + ".properties"))) {
      settings.load(in);
    }
    return settings;
  }

  private static IParser json() {
    return ProfileValidation.FHIR.newJsonParser().setPrettyPrint(true);
  }

  /** Parsed by HAPI and encoded again: formatting and key order no longer matter. */
  static String canonical(String json) {
    return json().encodeResourceToString(json().parseResource(Bundle.class, json));
  }
}
