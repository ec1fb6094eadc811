package fr.cpts.hub.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.ElementDefinition.ElementDefinitionConstraintComponent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HubPackageTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final java.nio.file.Path SOURCES =
      java.nio.file.Path.of("src/main/resources/fr/cpts/hub/profiles/package");
  static HubPackage hubPackage;

  @BeforeAll
  static void load() {
    hubPackage = HubPackage.load(FHIR);
  }

  @Test
  void load_readsEveryResourceOfThePackage_withItsCounts() {
    assertThat(hubPackage.name()).isEqualTo("fr.cpts.hub");
    assertThat(hubPackage.profiles()).hasSize(23);
    assertThat(hubPackage.extensions()).hasSize(13);
    assertThat(hubPackage.structureDefinitions()).hasSize(36);
    assertThat(hubPackage.codeSystems()).hasSize(15);
    assertThat(hubPackage.valueSets()).hasSize(16);
    assertThat(hubPackage.searchParameters()).hasSize(7 + 12);
    assertThat(hubPackage.searchParameters())
        .filteredOn(p -> p.getStatus() == Enumerations.PublicationStatus.RETIRED)
        .extracting(SearchParameter::getCode)
        .as("the AuditEvent search parameters the hub does not index")
        .containsExactlyInAnyOrder(
            "action",
            "address",
            "agent-name",
            "agent-role",
            "entity",
            "entity-role",
            "outcome",
            "policy",
            "site",
            "source",
            "subtype",
            "type");
    assertThat(hubPackage.operationDefinitions())
        .extracting(o -> o.getUrl())
        .containsExactlyInAnyOrder(
            "https://fhir.cpts-hub.fr/OperationDefinition/schedule-import-ics",
            "https://fhir.cpts-hub.fr/OperationDefinition/sas-outbox",
            "https://fhir.cpts-hub.fr/OperationDefinition/hl7v2-messages",
            "https://fhir.cpts-hub.fr/OperationDefinition/task-mt-match",
            "https://fhir.cpts-hub.fr/OperationDefinition/mt-indicators",
            "https://fhir.cpts-hub.fr/OperationDefinition/task-snp-answer",
            "https://fhir.cpts-hub.fr/OperationDefinition/snp-indicators",
            "https://fhir.cpts-hub.fr/OperationDefinition/imaging-indicators");
    assertThat(hubPackage.questionnaires())
        .extracting(q -> q.getUrl())
        .containsExactly(HubProfiles.QUESTIONNAIRE_FICHE_SAISINE);
    assertThat(hubPackage.resources()).hasSize(36 + 15 + 16 + 7 + 12 + 8 + 1);
  }

  @Test
  void everyResource_isActive_atThePackageVersion_underAKnownCanonical() {
    for (Resource resource : hubPackage.resources()) {
      MetadataResource metadata = (MetadataResource) resource;
      if (retiresABuiltIn(metadata)) {
        continue;
      }
      assertThat(metadata.getStatus().toCode()).as(metadata.getUrl()).isEqualTo("active");
      assertThat(metadata.getVersion()).as(metadata.getUrl()).isEqualTo(hubPackage.version());
      assertThat(metadata.getUrl())
          .as("the hub's own base, or the FR Core / NOS / HL7 URL of a definition held locally")
          .matches(
              "^(https://fhir\\.cpts-hub\\.fr/|https://hl7\\.fr/ig/fhir/core/StructureDefinition/"
                  + "|https://mos\\.esante\\.gouv\\.fr/NOS/|http://hl7\\.org/fhir/5\\.0/).*");
      assertThat(metadata.getUrl()).endsWith(metadata.getIdPart());
    }
  }

  /**
   * A retired SearchParameter is the hub's way of not indexing a FHIR R4 one: AuditEvent only, the
   * same code, base, type and expression as the one it retires, under the hub's canonical base.
   */
  @Test
  void everyRetiredSearchParameter_retiresAnAuditEventOneOfFhirR4_withItsDefinition() {
    Map<String, SearchParameter> r4 =
        FHIR.getResourceDefinition("AuditEvent").getSearchParams().stream()
            .collect(
                Collectors.toMap(
                    ca.uhn.fhir.context.RuntimeSearchParam::getName,
                    p -> {
                      SearchParameter sp = new SearchParameter();
                      sp.setExpression(p.getPath());
                      sp.setType(Enumerations.SearchParamType.fromCode(p.getParamType().getCode()));
                      return sp;
                    }));
    List<SearchParameter> retired =
        hubPackage.searchParameters().stream().filter(HubPackageTest::retiresABuiltIn).toList();
    assertThat(retired).hasSize(12);
    for (SearchParameter parameter : retired) {
      assertThat(parameter.getBase()).extracting(b -> b.getCode()).containsExactly("AuditEvent");
      assertThat(parameter.getId()).endsWith("auditevent-" + parameter.getCode());
      SearchParameter builtIn = r4.get(parameter.getCode());
      assertThat(builtIn).as(parameter.getCode()).isNotNull();
      assertThat(parameter.getDerivedFrom())
          .isEqualTo("http://hl7.org/fhir/SearchParameter/AuditEvent-" + parameter.getCode());
      assertThat(parameter.getType()).isEqualTo(builtIn.getType());
      assertThat(parameter.getExpression()).isEqualTo(builtIn.getExpression());
    }
    assertThat(r4.keySet())
        .as("what the audit trail is searched by stays")
        .contains("date", "entity-name", "entity-type", "patient", "agent", "altid");
    assertThat(retired)
        .extracting(SearchParameter::getCode)
        .doesNotContain("date", "entity-name", "entity-type", "patient", "agent", "altid");
  }

  private static boolean retiresABuiltIn(Resource resource) {
    return resource instanceof SearchParameter parameter
        && parameter.getStatus() == Enumerations.PublicationStatus.RETIRED;
  }

  @Test
  void everyProfileAndExtension_shipsASnapshotGeneratedOffline_keepingEveryDifferentialElement() {
    for (StructureDefinition sd : hubPackage.structureDefinitions()) {
      assertThat(sd.hasSnapshot()).as("snapshot of " + sd.getUrl()).isTrue();
      Set<String> snapshotIds =
          sd.getSnapshot().getElement().stream()
              .map(ElementDefinition::getId)
              .collect(Collectors.toSet());
      assertThat(sd.getDifferential().getElement()).isNotEmpty();
      for (ElementDefinition differential : sd.getDifferential().getElement()) {
        assertThat(snapshotIds)
            .as("snapshot of %s keeps differential element %s", sd.getUrl(), differential.getId())
            .contains(differential.getId());
      }
    }
  }

  @Test
  void shippedPackage_isExactlyWhatTheSourcesBuild_snapshotsIncluded() throws Exception {
    byte[] rebuilt = HubPackageBuilder.build(FHIR, SOURCES);
    assertThat(rebuilt)
        .as("the package on the classpath is reproducible from src/main/resources")
        .isEqualTo(hubPackage.tgz());
  }

  @Test
  void sourceFiles_areStrictFhirJson_withoutNulls() throws Exception {
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(SOURCES)) {
      for (java.nio.file.Path file : files.toList()) {
        assertThat(java.nio.file.Files.readString(file))
            .as(file.getFileName().toString())
            .doesNotContain(": null")
            .doesNotContain(":null");
      }
    }
  }

  @Test
  void everyInvariantAndSearchExpression_compiles() {
    int invariants = 0;
    for (StructureDefinition sd : hubPackage.structureDefinitions()) {
      for (ElementDefinition element : sd.getDifferential().getElement()) {
        for (ElementDefinitionConstraintComponent constraint : element.getConstraint()) {
          assertThat(constraint.getKey()).startsWith("hub-");
          assertThat(constraint.getHuman()).isNotBlank();
          assertThatCode(() -> FHIR.newFhirPath().parse(constraint.getExpression()))
              .as(sd.getId() + " " + constraint.getKey())
              .doesNotThrowAnyException();
          invariants++;
        }
      }
    }
    assertThat(invariants).isGreaterThanOrEqualTo(25);
    for (SearchParameter parameter : hubPackage.searchParameters()) {
      assertThatCode(() -> FHIR.newFhirPath().parse(parameter.getExpression()))
          .as(parameter.getCode())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void everyValueSetConcept_existsInItsCodeSystem_whenThePackageHoldsIt() {
    Map<String, CodeSystem> systems =
        hubPackage.codeSystems().stream().collect(Collectors.toMap(CodeSystem::getUrl, cs -> cs));
    for (ValueSet valueSet : hubPackage.valueSets()) {
      for (ValueSet.ConceptSetComponent include : valueSet.getCompose().getInclude()) {
        CodeSystem system = systems.get(include.getSystem());
        if (system == null) {
          assertThat(include.getSystem()).startsWith("http://terminology.hl7.org/CodeSystem/");
          continue;
        }
        Set<String> codes =
            system.getConcept().stream()
                .map(CodeSystem.ConceptDefinitionComponent::getCode)
                .collect(Collectors.toSet());
        include
            .getConcept()
            .forEach(c -> assertThat(codes).as(valueSet.getUrl()).contains(c.getCode()));
      }
    }
  }

  @Test
  void everyBindingAndExtensionProfile_pointsIntoThePackageOrTheCore() {
    Set<String> known =
        hubPackage.resources().stream()
            .map(r -> ((MetadataResource) r).getUrl())
            .collect(Collectors.toSet());
    for (StructureDefinition sd : hubPackage.structureDefinitions()) {
      for (ElementDefinition element : sd.getDifferential().getElement()) {
        if (element.hasBinding() && element.getBinding().hasValueSet()) {
          String valueSet = element.getBinding().getValueSet();
          assertThat(known.contains(valueSet) || valueSet.startsWith("http://hl7.org/fhir/"))
              .as(sd.getId() + " binds " + valueSet)
              .isTrue();
        }
        for (ElementDefinition.TypeRefComponent type : element.getType()) {
          for (CanonicalType profile : type.getProfile()) {
            String url = profile.getValue();
            assertThat(known.contains(url) || url.startsWith("http://hl7.org/fhir/"))
                .as(sd.getId() + " uses " + url)
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void validator_choosesTheDefaultProfilePerType_andNoneWhereSeveralCompete() {
    HubProfileValidator validator = new HubProfileValidator(FHIR, hubPackage);
    Map<String, List<String>> byType = validator.profilesByType();
    assertThat(byType.get("ServiceRequest")).hasSize(3);
    assertThat(byType.get("Communication"))
        .containsExactlyInAnyOrder(
            HubProfiles.COMMUNICATION_IMAGING, HubProfiles.COMMUNICATION_SNP);
    assertThat(validator.select(new org.hl7.fhir.r4.model.Communication()).problem())
        .startsWith("HUB-0301");
    assertThat(byType.get("Patient"))
        .containsExactlyInAnyOrder(HubProfiles.PATIENT, HubProfiles.PATIENT_INS);
    assertThat(validator.select(new org.hl7.fhir.r4.model.Patient()).profiles())
        .containsExactly(HubProfiles.PATIENT);
    assertThat(validator.select(new org.hl7.fhir.r4.model.ServiceRequest()).problem())
        .startsWith("HUB-0301");
    assertThat(validator.isProfiled("Binary")).isFalse();
  }

  @Test
  void validator_checksAPractitionerLabelledWithTheSasRegulatorProfile_asARegulator() {
    HubProfileValidator validator = new HubProfileValidator(FHIR, hubPackage);
    org.hl7.fhir.r4.model.Practitioner gp = new org.hl7.fhir.r4.model.Practitioner();
    assertThat(validator.select(gp).profiles()).containsExactly(HubProfiles.PRACTITIONER);

    org.hl7.fhir.r4.model.Practitioner regulator = new org.hl7.fhir.r4.model.Practitioner();
    regulator.getMeta().addProfile(SasProfiles.PRACTITIONER_REGULATOR);
    assertThat(validator.select(regulator).profiles())
        .containsExactly(HubProfiles.PRACTITIONER_REGULATOR);
    regulator
        .addIdentifier()
        .setSystem(SasProfiles.SAS_REGULATOR_UUID)
        .setValue("4f3c8a1e-0b6d-4c52-9f7a-2d1e5b8c9a01");
    regulator.setActive(true);
    regulator.addName().setFamily("MARIUS").addGiven("Jules");
    assertThat(errors(validator, regulator)).anyMatch(m -> m.contains("hub-reg-2"));
    regulator
        .addTelecom()
        .setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.EMAIL)
        .setValue("jules.marius@regulation.example.fr");
    assertThat(errors(validator, regulator)).isEmpty();
    regulator.getIdentifierFirstRep().setSystem("urn:oid:1.2.3.4");
    assertThat(errors(validator, regulator)).anyMatch(m -> m.contains("hub-reg-1"));
  }

  private static List<String> errors(
      HubProfileValidator validator, org.hl7.fhir.r4.model.Practitioner practitioner) {
    return validator.validate(practitioner).getMessages().stream()
        .filter(m -> m.getSeverity() == ca.uhn.fhir.validation.ResultSeverityEnum.ERROR)
        .map(m -> m.getMessage())
        .toList();
  }
}
