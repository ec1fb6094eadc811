package fr.cpts.hub.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import fr.cpts.hub.ig.IgExamples.Example;
import fr.cpts.hub.ig.IgExamples.Outcome;
import fr.cpts.hub.profiles.HubPackage;
import fr.cpts.hub.profiles.HubProfileValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example of the guide validates with exactly its declared outcome. */
class IgExamplesTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final Path SOURCES = Path.of("src/main/resources/fr/cpts/hub/ig/examples");
  static HubPackage hubPackage;
  static HubProfileValidator validator;

  @BeforeAll
  static void buildValidator() {
    hubPackage = HubPackage.load(FHIR);
    validator = new HubProfileValidator(FHIR, hubPackage);
  }

  static Stream<Example> examples() {
    return IgExamples.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void example_validatesWithItsDeclaredOutcome(Example example) {
    Resource resource = example.parse(FHIR);
    assertThat(resource.fhirType()).isEqualTo(example.resourceType());
    assertThat(resource.getIdPart()).isEqualTo(example.id());

    ValidationResult result = validator.validate(resource);
    List<SingleValidationMessage> errors = errors(result);
    if (example.outcome() == Outcome.VALID) {
      assertThat(errors).as(describe(errors)).isEmpty();
    } else {
      assertThat(example.expect())
          .as("an invalid example says what it is refused for")
          .isNotBlank();
      assertThat(errors)
          .as(
              "errors of %s should mention %s: %s",
              example.file(), example.expect(), describe(errors))
          .anyMatch(
              e ->
                  contains(e.getLocationString(), example.expect())
                      || contains(e.getMessage(), example.expect()));
    }
  }

  @Test
  void manifest_listsEveryExampleFile_once_withValidOnesBeforeInvalidOnesOfTheSameId()
      throws IOException {
    List<String> listed = IgExamples.all().stream().map(Example::file).toList();
    assertThat(listed).doesNotHaveDuplicates();
    try (Stream<Path> files = Files.list(SOURCES)) {
      Set<String> onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .collect(Collectors.toSet());
      assertThat(onDisk).containsExactlyInAnyOrderElementsOf(listed);
    }
    assertThat(IgExamples.all())
        .allMatch(
            e -> e.outcome() == Outcome.VALID == e.id().startsWith("ex-"), "ex-/invalid- ids");
  }

  @Test
  void everyProfile_hasAtLeastOneValidExample_declaringIt() {
    List<String> validJson =
        IgExamples.ofOutcome(Outcome.VALID).stream().map(Example::json).toList();
    for (StructureDefinition profile : hubPackage.profiles()) {
      assertThat(validJson)
          .as("a valid example of " + profile.getUrl())
          .anyMatch(json -> json.contains("\"" + profile.getUrl() + "\""));
    }
    assertThat(IgExamples.ofOutcome(Outcome.INVALID)).hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void validExamples_onlyReferenceExamplesListedBeforeThem() {
    List<Example> valid = IgExamples.ofOutcome(Outcome.VALID);
    for (int i = 0; i < valid.size(); i++) {
      Set<String> before =
          valid.subList(0, i).stream()
              .map(e -> e.resourceType() + "/" + e.id())
              .collect(Collectors.toSet());
      for (String reference : references(valid.get(i).json())) {
        assertThat(before).as(valid.get(i).file() + " references " + reference).contains(reference);
      }
    }
  }

  static List<String> references(String json) {
    return java.util.regex.Pattern.compile("\"reference\"\\s*:\\s*\"([A-Za-z]+/[^\"]+)\"")
        .matcher(json)
        .results()
        .map(m -> m.group(1))
        .toList();
  }

  static List<SingleValidationMessage> errors(ValidationResult result) {
    return result.getMessages().stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .toList();
  }

  private static boolean contains(String text, String expected) {
    return text != null && text.contains(expected);
  }

  private static String describe(List<SingleValidationMessage> messages) {
    return messages.stream()
        .map(m -> m.getLocationString() + ": " + m.getMessage())
        .collect(Collectors.joining("\n  ", "\n  ", ""));
  }
}
