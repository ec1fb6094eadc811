package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.demo.DemoTerritory;
import fr.cpts.hub.server.demo.DemoTerritory.GeneralPractitioner;
import fr.cpts.hub.server.demo.DemoTerritoryGenerator;
import fr.cpts.hub.server.demo.DemoTerritoryLoader;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The SAS platform's slot search (INT_R01) on the demo territory, sent exactly as domain.md gives
 * it. The expected answer is computed from the generator, independently of the server.
 */
@HubIntegrationTest
class SasSlotSearchIT {

  @LocalServerPort int port;
  @Autowired DemoTerritoryLoader loader;

  @Test
  void sasSearch_twoPractitioners_returnsExactlyTheirFreeSlotsInTheWindow_withScheduleAndActors() {
    DemoTerritory territory = new DemoTerritoryGenerator().generate(loader.spec());
    // GP 0 practises at the MUS; GP 7 has two places of practice.
    GeneralPractitioner first = territory.generalPractitioners().get(0);
    GeneralPractitioner second = territory.generalPractitioners().get(7);
    assertThat(second.scheduleKeys()).hasSize(2);

    // A window that cuts into the data on both ends: today from noon to the day after tomorrow
    // noon.
    LocalDate today = loader.spec().firstDay();
    ZonedDateTime from = today.atTime(12, 0).atZone(ClockConfig.PARIS);
    ZonedDateTime to = today.plusDays(2).atTime(12, 0).atZone(ClockConfig.PARIS);
    String url =
        "Slot?_include=Slot:schedule&_include:iterate=Schedule:actor"
            + "&start=ge"
            + from.toOffsetDateTime()
            + "&start=le"
            + to.toOffsetDateTime()
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|"
            + first.idnps()
            + ","
            + FrIdentifiers.IDNPS
            + "|"
            + second.idnps()
            + "&status=free";

    IGenericClient client = HubClient.of(port);
    Bundle answer =
        client
            .search()
            .byUrl(url.replace("+", "%2B"))
            .returnBundle(Bundle.class)
            .count(500)
            .execute();

    Set<String> keysOfTheTwo =
        Set.copyOf(
            java.util.stream.Stream.concat(
                    first.scheduleKeys().stream(), second.scheduleKeys().stream())
                .toList());
    Set<String> expectedSlots =
        territory.slots().stream()
            .filter(s -> keysOfTheTwo.contains(scheduleKeyOf(s)))
            .filter(s -> s.getStatus() == Slot.SlotStatus.FREE)
            .filter(s -> !s.getStart().toInstant().isBefore(from.toInstant()))
            .filter(s -> !s.getStart().toInstant().isAfter(to.toInstant()))
            .map(s -> s.getIdentifierFirstRep().getValue())
            .collect(Collectors.toSet());
    assertThat(expectedSlots).as("the window must keep some slots and drop others").isNotEmpty();
    assertThat(expectedSlots.size())
        .isLessThan(
            (int)
                territory.slots().stream()
                    .filter(s -> keysOfTheTwo.contains(scheduleKeyOf(s)))
                    .count());

    List<Slot> slots = resources(answer, Slot.class);
    assertThat(answer.getTotal()).isEqualTo(expectedSlots.size());
    assertThat(slots)
        .extracting(s -> s.getIdentifierFirstRep().getValue())
        .containsExactlyInAnyOrderElementsOf(expectedSlots);
    assertThat(slots)
        .allSatisfy(
            s -> {
              assertThat(s.getStatus()).isEqualTo(Slot.SlotStatus.FREE);
              assertThat(s.getStartElement().getValueAsString())
                  .matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{2}:\\d{2}$");
              assertThat(s.getComment()).startsWith("https://");
            });
    assertThat(answer.getEntry())
        .filteredOn(e -> e.getResource() instanceof Slot)
        .allSatisfy(e -> assertThat(e.getSearch().getMode()).isEqualTo(SearchEntryMode.MATCH));

    // Included: the three schedules, both practitioners, the three roles; nothing else.
    List<Schedule> schedules = resources(answer, Schedule.class);
    assertThat(schedules)
        .extracting(s -> s.getIdentifierFirstRep().getValue())
        .containsExactlyInAnyOrderElementsOf(keysOfTheTwo);
    assertThat(schedules)
        .allSatisfy(
            s ->
                assertThat(s.getActor())
                    .extracting(Reference::getReference)
                    .anyMatch(r -> r.startsWith("Practitioner/"))
                    .anyMatch(r -> r.startsWith("PractitionerRole/")));
    assertThat(resources(answer, Practitioner.class))
        .extracting(p -> p.getIdentifierFirstRep().getValue())
        .containsExactlyInAnyOrder(first.idnps(), second.idnps());
    assertThat(resources(answer, PractitionerRole.class)).hasSize(3);
    assertThat(answer.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsOnly("Slot", "Schedule", "Practitioner", "PractitionerRole");
  }

  @Test
  void sasSearch_unknownPractitioner_answersAnEmptySearchsetWithTotalZero() {
    LocalDate today = loader.spec().firstDay();
    OffsetDateTime from = today.atStartOfDay(ClockConfig.PARIS).toOffsetDateTime();
    String url =
        "Slot?_include=Slot:schedule&_include:iterate=Schedule:actor&start=ge"
            + from
            + "&start=le"
            + from.plusDays(3)
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|899999999999"
            + "&status=free";

    Bundle answer =
        HubClient.of(port)
            .search()
            .byUrl(url.replace("+", "%2B"))
            .returnBundle(Bundle.class)
            .execute();

    assertThat(answer.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(answer.hasTotal()).isTrue();
    assertThat(answer.getTotal()).isZero();
    assertThat(answer.getEntry()).isEmpty();
  }

  private static String scheduleKeyOf(Slot slot) {
    String reference = slot.getSchedule().getReference();
    return reference.substring(
        reference.indexOf(HubIdentifiers.SCHEDULE + "|") + HubIdentifiers.SCHEDULE.length() + 1);
  }

  private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream()
        .map(BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}
