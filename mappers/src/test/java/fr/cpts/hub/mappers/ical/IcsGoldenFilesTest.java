package fr.cpts.hub.mappers.ical;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import fr.cpts.hub.mappers.MappingContext;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files of the iCalendar import: each {@code golden/ical/<case>.ics} is mapped onto Dr X's
 * schedule, its slots generated over a fixed horizon with a fixed clock ({@code <case>.properties}:
 * {@code now}, {@code horizon}, optionally {@code category} and {@code unavailableCategory}), and
 * the collection Bundle (the Schedule, then its Slots) compared with {@code <case>.expected.json}.
 * Run with {@code -Dgolden.update=true} to rewrite the expected files, then review their diff.
 */
class IcsGoldenFilesTest {

  static final Path DIR = Path.of("src/test/resources/golden/ical");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");

  final IcsAvailabilityMapper mapper = new IcsAvailabilityMapper();
  final AvailabilitySlotGenerator generator = new AvailabilitySlotGenerator();

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".ics"))
          .map(n -> n.substring(0, n.length() - ".ics".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mapThenGenerate_matchesTheExpectedBundle_andEveryResourceIsValid(String name)
      throws IOException {
    Properties settings = settings(name);
    Instant now = Instant.parse(settings.getProperty("now"));
    Duration horizon = Duration.parse(settings.getProperty("horizon", "P7D"));
    IcsImportOptions options =
        IcsImportOptions.categories(
            settings.getProperty("category", "SNP"),
            settings.getProperty("unavailableCategory", "ABSENCE"));
    MappingContext ctx = Fixtures.context(now);
    String ics = Files.readString(DIR.resolve(name + ".ics"), StandardCharsets.UTF_8);

    Schedule schedule = mapper.map(ics, Fixtures.schedule(), options, ctx);
    List<Slot> slots = generator.generate(schedule, now, now.plus(horizon), ctx);

    Bundle bundle = new Bundle().setType(BundleType.COLLECTION);
    bundle.addEntry().setResource(schedule);
    slots.forEach(slot -> bundle.addEntry().setResource(slot));
    String actual = canonical(json().encodeResourceToString(bundle));
    Path expectedFile = DIR.resolve(name + ".expected.json");
    if (UPDATE) {
      Files.writeString(expectedFile, actual + "\n", StandardCharsets.UTF_8);
    }
    assertThat(expectedFile)
        .as("expected file; run with -Dgolden.update=true to write it, then review it")
        .exists();
    assertThat(actual).isEqualTo(canonical(Files.readString(expectedFile, StandardCharsets.UTF_8)));

    assertThat(slots).as("a golden case that generates no slot tests little").isNotEmpty();
    Fixtures.assertValid(schedule);
    slots.forEach(Fixtures::assertValid);
  }

  @Test
  void goldenCases_eachHaveTheirExpectedFileAndSettings_andNoOrphanIsLeft() throws IOException {
    List<String> cases = cases().toList();
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(cases).hasSizeGreaterThanOrEqualTo(6);
      assertThat(names).hasSize(cases.size() * 3);
      for (String name : cases) {
        assertThat(names).contains(name + ".expected.json", name + ".properties");
      }
    }
  }

  private static Properties settings(String name) throws IOException {
    Properties settings = new Properties();
    try (Reader in = Files.newBufferedReader(DIR.resolve(name + ".properties"))) {
      settings.load(in);
    }
    return settings;
  }

  private static IParser json() {
    return Fixtures.FHIR.newJsonParser().setPrettyPrint(true);
  }

  /** Parsed by HAPI and encoded again: formatting and key order no longer matter. */
  private static String canonical(String json) {
    return json().encodeResourceToString(json().parseResource(Bundle.class, json));
  }
}
