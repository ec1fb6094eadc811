package fr.cpts.hub.mappers.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ProfileValidation;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files of the HL7 v2 mappers, both directions, in {@code golden/hl7v2/} (synthetic data:
 * INS of the test and demo systems, IDNPS 8100000990xx, invented names and UIDs under {@code
 * 1.2.250.1.999}).
 *
 * <ul>
 *   <li>Inbound: {@code <case>.hl7} (raw bytes, in the character set its MSH-18 says; one segment a
 *       line) is mapped by {@link Hl7v2Inbound} and the transaction Bundle compared with {@code
 *       <case>.expected.json}; every resource in it is validated against the hub's profiles, and
 *       mapping the same bytes again gives the same Bundle (idempotent re-sending).
 *   <li>Outbound: {@code <case>.json} (a collection Bundle: ServiceRequest, Patient, Practitioner,
 *       all validated against the hub's profiles) is mapped by {@link ServiceRequestToOrmMapper}
 *       with the options of {@code <case>.properties} ({@code type}, {@code charset}) and the bytes
 *       compared with {@code <case>.expected.hl7} (CR shown as line ends); the message is read back
 *       by {@link Hl7v2Reader}.
 *   <li>Failure, either direction: {@code <case>.expected.json} is the OperationOutcome of the
 *       {@link Hl7v2MappingException}: its {@code HUB-09xx} code, location and message.
 * </ul>
 *
 * Run with {@code -Dgolden.update=true} to rewrite the expected files, then review their diff.
 */
class Hl7v2GoldenFilesTest {

  static final Path DIR = Path.of("src/test/resources/golden/hl7v2");
  static final boolean UPDATE = Boolean.getBoolean("golden.update");
  static final RadiologySource SOURCE =
      new RadiologySource(
          "radiologie-golfe", "RIS-GOLFE", "https://pacs.demo.cpts-hub.fr/dicomweb");
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  static Stream<String> inbound() throws IOException {
    return names(".hl7");
  }

  static Stream<String> outbound() throws IOException {
    return names(".json");
  }

  private static Stream<String> names(String extension) throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(extension) && !n.contains(".expected."))
          .map(n -> n.substring(0, n.length() - extension.length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  static MappingContext context() {
    AtomicInteger ids = new AtomicInteger();
    return MappingContext.paris(
        Clock.fixed(NOW, ZoneOffset.UTC), () -> "MSG-" + (1000 + ids.incrementAndGet()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inbound")
  void inbound_mapsToTheExpectedTransaction_everyResourceValid_andTheSameTwice(String name)
      throws IOException {
    byte[] raw = Files.readAllBytes(DIR.resolve(name + ".hl7"));
    Hl7v2Inbound inbound = new Hl7v2Inbound(SOURCE);
    IBaseResource actual;
    try {
      Bundle bundle = inbound.map(raw, context());
      assertThat(bundle.getEntry()).as("a case that maps nothing tests little").isNotEmpty();
      for (BundleEntryComponent entry : bundle.getEntry()) {
        ProfileValidation.assertValid(entry.getResource());
        assertThat(entry.getRequest().getUrl())
            .as("every entry is a conditional update by identifier")
            .startsWith(entry.getResource().fhirType() + "?identifier=");
      }
      assertThat(json().encodeResourceToString(inbound.map(raw, context())))
          .as("the same message sent again maps to the same transaction")
          .isEqualTo(json().encodeResourceToString(bundle));
      actual = bundle;
    } catch (Hl7v2MappingException e) {
      assertThat(name).as("only error-* cases fail: %s", e.getMessage()).startsWith("error-");
      actual = e.toOperationOutcome();
    }
    compare(name, actual);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outbound")
  void outbound_encodesTheExpectedMessage_inTheCharsetOfMsh18(String name) throws Exception {
    Bundle input =
        json()
            .parseResource(
                Bundle.class,
                Files.readString(DIR.resolve(name + ".json"), StandardCharsets.UTF_8));
    input.getEntry().forEach(e -> ProfileValidation.assertValid(e.getResource()));
    ImagingOrder order =
        new ImagingOrder(
            resource(input, ServiceRequest.class),
            resource(input, Patient.class),
            resource(input, Practitioner.class));
    Properties settings = new Properties();
    try (Reader in = Files.newBufferedReader(DIR.resolve(name + ".properties"))) {
      settings.load(in);
    }
    Er7Charset charset = Er7Charset.valueOf(settings.getProperty("charset"));
    OrderMessageOptions options =
        OrderMessageOptions.of(
            OrderMessageType.valueOf(settings.getProperty("type")), charset, "CPTS-GOLFE", SOURCE);
    Er7Message message;
    try {
      message = new ServiceRequestToOrmMapper(SOURCE).map(order, options, context());
    } catch (Hl7v2MappingException e) {
      assertThat(name).as("only error-* cases fail: %s", e.getMessage()).startsWith("error-");
      compare(name, e.toOperationOutcome());
      return;
    }
    byte[] actual = lines(message.bytes());
    Path expectedFile = DIR.resolve(name + ".expected.hl7");
    if (UPDATE) {
      Files.write(expectedFile, actual);
    }
    assertThat(expectedFile).as("expected file; run with -Dgolden.update=true").exists();
    assertThat(new String(actual, charset.charset()))
        .isEqualTo(new String(Files.readAllBytes(expectedFile), charset.charset()));
    assertThat(actual).as("the bytes, in %s", charset).isEqualTo(Files.readAllBytes(expectedFile));

    assertThat(new Hl7v2Reader().charsetOf(message.bytes())).isEqualTo(charset);
    assertThat(new Hl7v2Reader().read(message.bytes()).getName())
        .isEqualTo(settings.getProperty("type"));
  }

  @Test
  void goldenCases_coverBothDirections_andEachHasItsExpectedFile() throws IOException {
    List<String> in = inbound().toList();
    List<String> out = outbound().toList();
    assertThat(in).hasSizeGreaterThanOrEqualTo(10);
    assertThat(in.stream().filter(n -> n.startsWith("error-"))).hasSizeGreaterThanOrEqualTo(4);
    assertThat(out).hasSizeGreaterThanOrEqualTo(2);
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      for (String name : in) {
        assertThat(names).contains(name + ".expected.json");
      }
      for (String name : out) {
        assertThat(names).contains(name + ".properties");
        assertThat(names.contains(name + ".expected.hl7") ^ names.contains(name + ".expected.json"))
            .as("%s expects either a message or an error", name)
            .isTrue();
      }
      long expected = in.size() * 2L + out.size() * 3L;
      assertThat(names).as("no orphan file").hasSize((int) expected);
    }
  }

  private static <T> T resource(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream()
        .map(BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in the input"));
  }

  /** CR segment ends shown as line feeds, one segment a line, as the golden files keep them. */
  private static byte[] lines(byte[] bytes) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == '\r') {
        copy[i] = '\n';
      }
    }
    return copy;
  }

  private static void compare(String name, IBaseResource actualResource) throws IOException {
    String actual = json().encodeResourceToString(actualResource);
    Path expectedFile = DIR.resolve(name + ".expected.json");
    if (UPDATE) {
      Files.writeString(expectedFile, actual + "\n", StandardCharsets.UTF_8);
    }
    assertThat(expectedFile).as("expected file; run with -Dgolden.update=true").exists();
    String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
    Class<? extends IBaseResource> type =
        actualResource instanceof OperationOutcome ? OperationOutcome.class : Bundle.class;
    assertThat(actual)
        .isEqualTo(json().encodeResourceToString(json().parseResource(type, expected)));
  }

  private static IParser json() {
    return ProfileValidation.FHIR.newJsonParser().setPrettyPrint(true);
  }
}
