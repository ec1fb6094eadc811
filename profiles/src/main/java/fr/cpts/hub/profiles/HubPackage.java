package fr.cpts.hub.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.StructureDefinition.StructureDefinitionKind;
import org.hl7.fhir.r4.model.StructureDefinition.TypeDerivationRule;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * The hub's conformance package ({@code fr.cpts.hub}): a standard FHIR NPM package built from
 * {@code src/main/resources/fr/cpts/hub/profiles/package/} and read from the classpath, never from
 * the network. It holds the hub's profiles and extensions, local definitions of the FR Core
 * extensions they use, code systems, value sets, search parameters, the definitions of the hub's
 * own operations and the Questionnaires it publishes (the fiche de saisine).
 */
public final class HubPackage {

  /** Where the build puts the package on the classpath. */
  public static final String CLASSPATH_LOCATION = "/fr/cpts/hub/profiles/package.tgz";

  private static final Set<String> TYPES =
      Set.of(
          "StructureDefinition",
          "CodeSystem",
          "ValueSet",
          "SearchParameter",
          "OperationDefinition",
          "Questionnaire");

  private final byte[] tgz;
  private final String name;
  private final String version;
  private final List<Resource> resources;

  private HubPackage(byte[] tgz, String name, String version, List<Resource> resources) {
    this.tgz = tgz;
    this.name = name;
    this.version = version;
    this.resources = List.copyOf(resources);
  }

  /** Reads the package from the classpath and parses every resource it holds. */
  public static HubPackage load(FhirContext fhirContext) {
    try (InputStream in = HubPackage.class.getResourceAsStream(CLASSPATH_LOCATION)) {
      if (in == null) {
        throw new IllegalStateException(
            "HUB-0300: the profiles package is missing from the classpath at "
                + CLASSPATH_LOCATION
                + " (build the profiles module)");
      }
      return fromTgz(fhirContext, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("HUB-0300: cannot read the profiles package", e);
    }
  }

  /** Parses a package given as its gzipped tar. */
  public static HubPackage fromTgz(FhirContext fhirContext, byte[] tgz) {
    try {
      NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(tgz));
      IParser parser = fhirContext.newJsonParser();
      List<Resource> resources = new ArrayList<>();
      for (String file : npm.listResources(TYPES)) {
        try (InputStream resource = npm.loadResource(file)) {
          resources.add((Resource) parser.parseResource(resource));
        }
      }
      resources.sort(Comparator.comparing(r -> r.fhirType() + "/" + r.getIdPart()));
      return new HubPackage(tgz, npm.name(), npm.version(), resources);
    } catch (IOException e) {
      throw new UncheckedIOException("HUB-0300: cannot read the profiles package", e);
    }
  }

  /** The package as published: a gzipped tar with {@code package/package.json}. */
  public byte[] tgz() {
    return tgz.clone();
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  /** Every conformance resource of the package, sorted by type and id. */
  public List<Resource> resources() {
    return resources;
  }

  public List<StructureDefinition> structureDefinitions() {
    return ofType(StructureDefinition.class);
  }

  /** Resource profiles (not extensions): what the hub validates resources against. */
  public List<StructureDefinition> profiles() {
    return structureDefinitions().stream()
        .filter(sd -> sd.getKind() == StructureDefinitionKind.RESOURCE)
        .filter(sd -> sd.getDerivation() == TypeDerivationRule.CONSTRAINT)
        .toList();
  }

  public List<StructureDefinition> extensions() {
    return structureDefinitions().stream().filter(sd -> "Extension".equals(sd.getType())).toList();
  }

  public List<CodeSystem> codeSystems() {
    return ofType(CodeSystem.class);
  }

  public List<ValueSet> valueSets() {
    return ofType(ValueSet.class);
  }

  public List<SearchParameter> searchParameters() {
    return ofType(SearchParameter.class);
  }

  /** The hub's own operations ({@code $import-ics}...). */
  public List<OperationDefinition> operationDefinitions() {
    return ofType(OperationDefinition.class);
  }

  /** The Questionnaires the hub publishes (the fiche de saisine). */
  public List<Questionnaire> questionnaires() {
    return ofType(Questionnaire.class);
  }

  private <T extends Resource> List<T> ofType(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
