package fr.cpts.hub.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.ClockConfig;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

class DemoTerritoryGeneratorTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  private static final DemoTerritoryGenerator GENERATOR = new DemoTerritoryGenerator();

  @Test
  void sameSpec_givesTheSameResources() {
    DemoTerritorySpec spec = DemoTerritorySpec.demo(40, 7, DAY);

    assertThat(json(GENERATOR.generate(spec))).isEqualTo(json(GENERATOR.generate(spec)));
  }

  @Test
  void anotherSeed_givesOtherData() {
    assertThat(json(GENERATOR.generate(DemoTerritorySpec.demo(40, 7, DAY))))
        .isNotEqualTo(json(GENERATOR.generate(DemoTerritorySpec.demo(40, 8, DAY))));
  }

  @Test
  void size_isTheNumberOfGeneralPractitioners_andGpNumberIDoesNotDependOnSize() {
    DemoTerritory small = GENERATOR.generate(DemoTerritorySpec.demo(40, 7, DAY));
    DemoTerritory large = GENERATOR.generate(DemoTerritorySpec.demo(1_000, 7, DAY));

    assertThat(of(small, Practitioner.class)).hasSize(40);
    assertThat(of(large, Practitioner.class)).hasSize(1_000);
    IParser parser = FHIR.newJsonParser();
    for (int i = 0; i < 40; i++) {
      assertThat(parser.encodeResourceToString(of(large, Practitioner.class).get(i)))
          .isEqualTo(parser.encodeResourceToString(of(small, Practitioner.class).get(i)));
    }
  }

  @Test
  void practitioners_carryIdnpsRppsProfessionAndSpecialty() {
    DemoTerritory territory = GENERATOR.generate(DemoTerritorySpec.demo(40, 7, DAY));

    assertThat(of(territory, Practitioner.class))
        .allSatisfy(
            p -> {
              assertThat(p.getIdentifier().get(0).getSystem()).isEqualTo(FrIdentifiers.IDNPS);
              assertThat(p.getIdentifier().get(0).getValue()).matches("8\\d{11}");
              assertThat(p.getIdentifier().get(1).getSystem()).isEqualTo(FrIdentifiers.RPPS);
              assertThat(p.getIdentifier().get(0).getValue())
                  .isEqualTo("8" + p.getIdentifier().get(1).getValue());
              assertThat(p.getQualification())
                  .extracting(q -> q.getCode().getCodingFirstRep().getCode())
                  .containsExactly(
                      FrCodeSystems.PROFESSION_MEDECIN, FrCodeSystems.SPECIALITE_MEDECINE_GENERALE);
            });
  }

  @Test
  void structuresAndPlaces_haveFrenchIdentifiersAndAddresses() {
    DemoTerritory territory = GENERATOR.generate(DemoTerritorySpec.demo(40, 7, DAY));

    assertThat(of(territory, Organization.class))
        .allSatisfy(
            o -> assertThat(o.getIdentifierFirstRep().getValue()).matches("1\\d{9}|3\\d{14}"));
    assertThat(of(territory, Organization.class))
        .filteredOn(
            o ->
                o.getTypeFirstRep().getCodingFirstRep().getCode() != null
                    && o.getTypeFirstRep()
                        .getCodingFirstRep()
                        .getCode()
                        .equals(FrCodeSystems.CATEGORIE_CPTS))
        .hasSize(1);
    assertThat(of(territory, Location.class))
        .allSatisfy(
            l -> {
              assertThat(l.getAddress().getPostalCode()).matches("\\d{5}");
              assertThat(l.getAddress().getLine().get(0).getValue()).isNotBlank();
              assertThat(l.getAddress().getCity()).isNotBlank();
              assertThat(((Coding) l.getAddress().getExtensionFirstRep().getValue()).getCode())
                  .matches("\\d{5}");
              assertThat(l.getPosition().getLatitude().doubleValue()).isBetween(47.0, 48.5);
              assertThat(l.getTelecomFirstRep().getValue()).matches("^\\+33\\d{9}$");
            });
  }

  @Test
  void everyGpSchedule_hasPractitionerAndRoleActors_andOnePerPlace() {
    DemoTerritory territory = GENERATOR.generate(DemoTerritorySpec.demo(40, 7, DAY));

    List<Schedule> gpSchedules =
        of(territory, Schedule.class).stream()
            .filter(
                s ->
                    s.getActor().stream()
                        .anyMatch(a -> practitionerIds(territory).contains(a.getReference())))
            .toList();
    int places =
        territory.generalPractitioners().stream().mapToInt(g -> g.scheduleKeys().size()).sum();
    assertThat(gpSchedules).hasSize(places);
    assertThat(places).isEqualTo(40 + 4);
    assertThat(gpSchedules).allSatisfy(s -> assertThat(s.getActor()).hasSize(2));
  }

  @Test
  void slots_coverTheDays_inParisTimeWithMilliseconds_freeAndBusy_allKindsAndTypes() {
    DemoTerritory territory = GENERATOR.generate(DemoTerritorySpec.demo(40, 7, DAY));
    List<Slot> slots = territory.slots();

    assertThat(slots).hasSize(44 * 3 * 8 + 2 * 3 * 2);
    assertThat(slots)
        .allSatisfy(
            s -> {
              assertThat(s.getStartElement().getValueAsString())
                  .matches("^2026-11-2[345]T\\d{2}:\\d{2}:00\\.000\\+01:00$");
              assertThat(s.getEnd()).isAfter(s.getStart());
              assertThat(s.getComment()).isNotBlank();
            });
    assertThat(slots)
        .extracting(Slot::getStatus)
        .contains(Slot.SlotStatus.FREE, Slot.SlotStatus.BUSY);
    assertThat(slots)
        .flatExtracting(s -> s.getServiceType())
        .extracting(c -> c.getCodingFirstRep().getCode())
        .contains("AMB", "VR", "HH", FrCodeSystems.CATEGORIE_CPTS);
    assertThat(slots)
        .flatExtracting(s -> s.getMeta().getSecurity())
        .extracting(Coding::getCode)
        .contains("SNP", "CPTS", "PUBLIC", "PRO");
  }

  @Test
  void benchmarkShape_24SlotsADay_givesUniqueSlotsThatNeverOverlapNorLeaveTheirDay() {
    DemoTerritory territory =
        GENERATOR.generate(new DemoTerritorySpec(500, 2026, DAY, 3, 24, ClockConfig.PARIS));

    List<Slot> slots = territory.slots();
    assertThat(slots.stream().map(s -> s.getIdentifierFirstRep().getValue()))
        .doesNotHaveDuplicates();
    java.util.Map<String, List<Slot>> bySchedule =
        slots.stream()
            .collect(java.util.stream.Collectors.groupingBy(s -> s.getSchedule().getReference()));
    for (List<Slot> ofSchedule : bySchedule.values()) {
      List<Slot> sorted =
          ofSchedule.stream().sorted(java.util.Comparator.comparing(Slot::getStart)).toList();
      for (int i = 1; i < sorted.size(); i++) {
        assertThat(sorted.get(i).getStart()).isAfterOrEqualTo(sorted.get(i - 1).getEnd());
      }
      for (Slot slot : sorted) {
        assertThat(slot.getStartElement().getValueAsString().substring(0, 10))
            .isEqualTo(slot.getEndElement().getValueAsString().substring(0, 10));
      }
    }
  }

  @Test
  void daylightSavingChange_keepsWallClockTimes() {
    DemoTerritory territory =
        GENERATOR.generate(DemoTerritorySpec.demo(3, 7, LocalDate.of(2026, 3, 28)));

    assertThat(territory.slots())
        .extracting(s -> s.getStartElement().getValueAsString())
        .anyMatch(v -> v.startsWith("2026-03-28T08:") && v.endsWith("+01:00"))
        .anyMatch(v -> v.startsWith("2026-03-29T08:") && v.endsWith("+02:00"));
  }

  private static List<String> practitionerIds(DemoTerritory territory) {
    return of(territory, Practitioner.class).stream()
        .map(p -> new Reference(p.getIdElement().getValue()).getReference())
        .toList();
  }

  private static <T extends Resource> List<T> of(DemoTerritory territory, Class<T> type) {
    return territory.directory().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static String json(DemoTerritory territory) {
    Bundle bundle = new Bundle();
    territory.directory().forEach(r -> bundle.addEntry().setResource(r));
    territory.slots().forEach(r -> bundle.addEntry().setResource(r));
    return FHIR.newJsonParser().encodeResourceToString(bundle);
  }
}
