package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.demo.DemoTerritory;
import fr.cpts.hub.server.demo.DemoTerritory.GeneralPractitioner;
import fr.cpts.hub.server.demo.DemoTerritoryGenerator;
import fr.cpts.hub.server.demo.DemoTerritoryLoader;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
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
 * The SAS platform's slot search (INT_R01, INT_R04 for CPTS) on the demo territory, sent as the SAS
 * and its test kit send it ({@code %7C}, {@code %2B}, {@code Accept: application/json+fhir}),
 * judged as the kit judges it. The expected slots are computed from the generator, independently of
 * the server.
 */
@HubIntegrationTest
class SasSlotSearchIT {

  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final String SLOT_TIME =
      "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{2}:\\d{2}$";
  private static final String PHONE = "^\\+(33|262|590|596|594)\\d{9}$";

  @LocalServerPort int port;
  @Autowired DemoTerritoryLoader loader;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void sasSearch_twoPractitioners_answersTheirFreeSlotsInTheWindow_inTheSasShape()
      throws Exception {
    DemoTerritory territory = new DemoTerritoryGenerator().generate(loader.spec());
    // GP 0 practises at the MUS; GP 7 has two places of practice.
    GeneralPractitioner first = territory.generalPractitioners().get(0);
    GeneralPractitioner second = territory.generalPractitioners().get(7);
    assertThat(second.scheduleKeys()).hasSize(2);

    // A window that cuts into the data on both ends: today noon to the day after tomorrow noon.
    LocalDate today = loader.spec().firstDay();
    ZonedDateTime from = today.atTime(12, 0).atZone(ClockConfig.PARIS);
    ZonedDateTime to = today.plusDays(2).atTime(12, 0).atZone(ClockConfig.PARIS);
    String query =
        "_include=Slot:schedule&_include:iterate=Schedule:actor"
            + "&start=ge"
            + from.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + "&start=le"
            + to.toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|"
            + first.idnps()
            + ","
            + FrIdentifiers.IDNPS
            + "|"
            + second.idnps()
            + "&status=free";
    Instant now = Instant.now();
    Bundle answer = get(query, 200, Bundle.class);

    Set<String> keysOfTheTwo =
        Stream.concat(first.scheduleKeys().stream(), second.scheduleKeys().stream())
            .collect(Collectors.toSet());
    Instant lower = from.toInstant().isBefore(now) ? now : from.toInstant();
    Set<String> expectedSlots =
        territory.slots().stream()
            .filter(s -> keysOfTheTwo.stream().anyMatch(k -> slotKey(s).startsWith(k + "-")))
            .filter(s -> s.getStatus() == Slot.SlotStatus.FREE)
            .filter(s -> !s.getStart().toInstant().isBefore(lower))
            .filter(s -> !s.getStart().toInstant().isAfter(to.toInstant()))
            .map(SasSlotSearchIT::slotKey)
            .collect(Collectors.toSet());
    assertThat(expectedSlots).as("the window must keep some slots").isNotEmpty();

    assertThat(answer.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(profiles(answer)).containsExactly(SasProfiles.BUNDLE);
    assertThat(answer.getTotal()).isEqualTo(expectedSlots.size());
    assertThat(answer.getLink()).hasSize(1);
    assertThat(answer.getLink().get(0).getRelation()).isEqualTo("self");
    assertThat(answer.getLink().get(0).getUrl()).isEqualTo(base() + "/Slot?" + query);

    List<Slot> slots = resources(answer, Slot.class);
    assertThat(slots)
        .extracting(SasSlotSearchIT::slotKey)
        .containsExactlyInAnyOrderElementsOf(expectedSlots);
    assertThat(slots)
        .allSatisfy(
            s -> {
              assertThat(profiles(s)).containsExactly(SasProfiles.SLOT);
              assertThat(s.getStatus()).isEqualTo(Slot.SlotStatus.FREE);
              assertThat(s.getStartElement().getValueAsString()).matches(SLOT_TIME);
              assertThat(s.getEndElement().getValueAsString()).matches(SLOT_TIME);
              assertThat(s.getStart()).isBefore(s.getEnd());
              assertThat(s.getComment()).startsWith("https://");
              assertThat(s.getMeta().getSecurity()).extracting(c -> c.getCode()).contains("SNP");
              assertThat(s.getServiceType())
                  .as("no CPTS reference outside the CPTS flow")
                  .allSatisfy(t -> assertThat(t.getExtension()).isEmpty())
                  .isNotEmpty();
              assertThat(s.getAppointmentType().getCodingFirstRep().getCode())
                  .isIn("ROUTINE", "WALKIN");
            });
    assertThat(answer.getEntry())
        .allSatisfy(
            e ->
                assertThat(e.getFullUrl())
                    .isEqualTo(
                        base()
                            + "/"
                            + e.getResource().fhirType()
                            + "/"
                            + e.getResource().getIdPart()))
        .allSatisfy(
            e ->
                assertThat(e.getSearch().getMode())
                    .isEqualTo(
                        e.getResource() instanceof Slot
                            ? SearchEntryMode.MATCH
                            : SearchEntryMode.INCLUDE));

    // Three schedules (GP 7 has two places), each with one Practitioner and one role as actors.
    List<Schedule> schedules = resources(answer, Schedule.class);
    assertThat(schedules).hasSize(3);
    assertThat(schedules)
        .allSatisfy(
            s -> {
              assertThat(profiles(s)).containsExactly(SasProfiles.SCHEDULE);
              assertThat(s.getActor())
                  .extracting(Reference::getReference)
                  .hasSize(2)
                  .satisfiesExactly(
                      a -> assertThat(a).startsWith("Practitioner/"),
                      a -> assertThat(a).startsWith("PractitionerRole/"));
            });
    List<Practitioner> practitioners = resources(answer, Practitioner.class);
    assertThat(practitioners)
        .extracting(p -> p.getIdentifierFirstRep().getValue())
        .containsExactlyInAnyOrder(first.idnps(), second.idnps());
    assertThat(practitioners)
        .allSatisfy(
            p -> {
              assertThat(profiles(p)).containsExactly(SasProfiles.PRACTITIONER);
              assertThat(p.getIdentifier()).hasSize(1);
              assertThat(p.getIdentifierFirstRep().getSystem()).isEqualTo(FrIdentifiers.IDNPS);
              assertThat(p.getIdentifierFirstRep().getType().getCoding())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.getSystem()).isEqualTo(SasProfiles.FR_V2_0203);
                        assertThat(c.getCode()).isEqualTo("IDNPS");
                      });
              assertThat(p.getNameFirstRep().getFamily()).isNotBlank();
            });
    List<PractitionerRole> roles = resources(answer, PractitionerRole.class);
    assertThat(roles).hasSize(3);
    assertThat(roles)
        .allSatisfy(
            r -> {
              assertThat(profiles(r)).containsExactly(SasProfiles.PRACTITIONER_ROLE);
              assertThat(r.getContained()).singleElement().isInstanceOf(Location.class);
              Location location = (Location) r.getContained().get(0);
              assertThat(profiles(location)).containsExactly(SasProfiles.LOCATION);
              assertThat(location.getIdentifier()).isNotEmpty();
              assertThat(location.getIdentifierFirstRep().getType().getCodingFirstRep().getSystem())
                  .isEqualTo(SasProfiles.FR_LOCATION_IDENTIFIER_TYPE);
              assertThat(location.getAddress().getLine()).hasSize(1);
              assertThat(location.getAddress().getCity()).isNotBlank();
              assertThat(location.getAddress().getPostalCode()).matches("\\d{5}");
              assertThat(r.getLocation())
                  .singleElement()
                  .extracting(Reference::getReference)
                  .isEqualTo("#" + location.getIdPart());
              assertThat(r.getOrganization().getIdentifier().getSystem())
                  .isEqualTo(FrIdentifiers.IDNST);
              assertThat(r.getOrganization().getIdentifier().getValue())
                  .matches("1\\d{9}|3\\d{14}|4\\d{14}");
              assertThat(
                      r.getOrganization().getIdentifier().getType().getCodingFirstRep().getSystem())
                  .isEqualTo(SasProfiles.FR_V2_0203);
              assertThat(r.getTelecom())
                  .isNotEmpty()
                  .allSatisfy(t -> assertThat(t.getValue()).matches(PHONE));
            });
    assertThat(answer.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsOnly("Slot", "Schedule", "Practitioner", "PractitionerRole");
  }

  @Test
  void sasSearch_cptsVariant_withoutOffsets_includesTheCptsServiceAndOrganization()
      throws Exception {
    DemoTerritory territory = new DemoTerritoryGenerator().generate(loader.spec());
    LocalDate today = loader.spec().firstDay();
    String ids =
        territory.generalPractitioners().stream()
            .limit(25)
            .map(gp -> FrIdentifiers.IDNPS + "|" + gp.idnps())
            .collect(Collectors.joining(","));
    // The CPTS flow sends local Paris times without an offset.
    String query =
        "_include=Slot:schedule&_include:iterate=Schedule:actor"
            + "&_include=Slot:service-type-reference&_include:iterate=HealthcareService:organization"
            + "&start=ge"
            + today.atStartOfDay().format(LOCAL)
            + "&start=le"
            + today.plusDays(2).atTime(23, 59, 59).format(LOCAL)
            + "&schedule.actor:Practitioner.identifier="
            + ids
            + "&status=free";
    Bundle answer = get(query, 200, Bundle.class);

    assertThat(profiles(answer)).containsExactly(SasProfiles.CPTS_BUNDLE);
    List<Slot> slots = resources(answer, Slot.class);
    assertThat(slots).isNotEmpty().hasSize(answer.getTotal());
    assertThat(slots)
        .allSatisfy(s -> assertThat(profiles(s)).containsExactly(SasProfiles.CPTS_SLOT));
    List<Slot> cptsSlots =
        slots.stream()
            .filter(s -> s.getServiceType().stream().anyMatch(t -> t.hasExtension()))
            .toList();
    assertThat(cptsSlots).as("some of the 25 GPs volunteer for the CPTS").isNotEmpty();
    assertThat(cptsSlots)
        .allSatisfy(
            s ->
                assertThat(s.getMeta().getSecurity())
                    .extracting(c -> c.getCode())
                    .contains("CPTS"));
    List<HealthcareService> services = resources(answer, HealthcareService.class);
    assertThat(services)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(profiles(h)).containsExactly(SasProfiles.CPTS_HEALTHCARE_SERVICE);
              assertThat(h.getProvidedBy().getReference()).startsWith("Organization/");
            });
    assertThat(resources(answer, Organization.class))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(profiles(o)).containsExactly(SasProfiles.CPTS_ORGANIZATION);
              assertThat(o.getIdentifier())
                  .singleElement()
                  .satisfies(
                      i -> {
                        assertThat(i.getValue()).matches("1\\d{9}");
                        assertThat(i.getType().getCodingFirstRep().getSystem())
                            .isEqualTo(SasProfiles.FR_LOCATION_IDENTIFIER_TYPE);
                        assertThat(i.getType().getCodingFirstRep().getCode()).isEqualTo("IDNST");
                      });
              assertThat(o.getName()).isNotBlank();
              assertThat(o.getTelecom())
                  .isNotEmpty()
                  .allSatisfy(t -> assertThat(t.getValue()).matches(PHONE));
            });
    assertThat(answer.getLink().get(0).getUrl()).isEqualTo(base() + "/Slot?" + query);
  }

  @Test
  void sasSearch_unprefixedRpps_findsTheSameSlotsAsTheIdnps() throws Exception {
    GeneralPractitioner gp =
        new DemoTerritoryGenerator().generate(loader.spec()).generalPractitioners().get(3);
    String window = window();
    Bundle byIdnps =
        get(
            window
                + "&schedule.actor:Practitioner.identifier="
                + FrIdentifiers.IDNPS
                + "|"
                + gp.idnps()
                + "&status=free",
            200,
            Bundle.class);
    Bundle byRpps =
        get(
            window
                + "&schedule.actor:Practitioner.identifier="
                + FrIdentifiers.IDNPS
                + "|"
                + gp.rpps()
                + "&status=free",
            200,
            Bundle.class);
    Bundle byRppsSystem =
        get(
            window
                + "&schedule.actor:Practitioner.identifier="
                + FrIdentifiers.RPPS
                + "|"
                + gp.rpps()
                + "&status=free",
            200,
            Bundle.class);
    assertThat(byIdnps.getTotal()).isPositive();
    assertThat(ids(byRpps)).isEqualTo(ids(byIdnps));
    assertThat(ids(byRppsSystem)).isEqualTo(ids(byIdnps));
    assertThat(resources(byRpps, Practitioner.class))
        .singleElement()
        .extracting(p -> p.getIdentifierFirstRep().getValue())
        .isEqualTo(gp.idnps());
  }

  @Test
  void sasSearch_unknownPractitioner_answersAnEmptySearchsetWithTotalZero() throws Exception {
    Bundle answer =
        get(
            window()
                + "&schedule.actor:Practitioner.identifier="
                + FrIdentifiers.IDNPS
                + "|899999999999&status=free",
            200,
            Bundle.class);
    assertThat(answer.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(answer.hasTotal()).isTrue();
    assertThat(answer.getTotal()).isZero();
    assertThat(answer.getEntry()).isEmpty();
    assertThat(profiles(answer)).containsExactly(SasProfiles.BUNDLE);
  }

  @Test
  void sasSearch_with26Professionals_isRefusedWith400SayingSo() throws Exception {
    String ids =
        IntStream.range(0, 26)
            .mapToObj(i -> FrIdentifiers.IDNPS + "|8100000" + (10000 + i))
            .collect(Collectors.joining(","));
    OperationOutcome outcome =
        get(
            window() + "&schedule.actor:Practitioner.identifier=" + ids + "&status=free",
            400,
            OperationOutcome.class);
    assertThat(outcome.getIssueFirstRep().getDiagnostics())
        .contains("HUB-0402")
        .contains("1 to 25")
        .contains("26");
  }

  @Test
  void sasSearch_with25Professionals_isAnswered() throws Exception {
    String ids =
        IntStream.range(0, 25)
            .mapToObj(i -> FrIdentifiers.IDNPS + "|8100000" + (10000 + i))
            .collect(Collectors.joining(","));
    assertThat(
            get(
                    window() + "&schedule.actor:Practitioner.identifier=" + ids + "&status=free",
                    200,
                    Bundle.class)
                .getTotal())
        .isPositive();
  }

  @Test
  void sasSearch_withoutUpperBound_isRefusedWith400() throws Exception {
    String from =
        ZonedDateTime.now(ClockConfig.PARIS)
            .toOffsetDateTime()
            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    OperationOutcome outcome =
        get(
            "_include=Slot:schedule&start=ge"
                + from
                + "&schedule.actor:Practitioner.identifier="
                + FrIdentifiers.IDNPS
                + "|810000010000&status=free",
            400,
            OperationOutcome.class);
    assertThat(outcome.getIssueFirstRep().getDiagnostics())
        .contains("HUB-0403")
        .contains("start=le");
  }

  @Test
  void sasSearch_withAnInvertedWindow_isRefusedWith400() throws Exception {
    ZonedDateTime now = ZonedDateTime.now(ClockConfig.PARIS);
    String query =
        "_include=Slot:schedule&start=ge"
            + now.plusDays(2).format(LOCAL)
            + "&start=le"
            + now.format(LOCAL)
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|810000010000&status=free";
    OperationOutcome outcome = get(query, 400, OperationOutcome.class);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("HUB-0404");
  }

  @Test
  void sasSearch_withAnUnknownIdentifierSystemOrABadDate_isRefusedWith400() throws Exception {
    assertThat(
            get(
                    window()
                        + "&schedule.actor:Practitioner.identifier=urn:oid:1.2.3|123&status=free",
                    400,
                    OperationOutcome.class)
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("HUB-0405");
    assertThat(
            get(
                    "_include=Slot:schedule&start=geyesterday&start=le2026-12-01T00:00:00&schedule.actor:Practitioner.identifier=810000010000&status=free",
                    400,
                    OperationOutcome.class)
                .getIssueFirstRep()
                .getDiagnostics())
        .contains("HUB-0403");
  }

  private String window() {
    LocalDate today = loader.spec().firstDay();
    return "_include=Slot:schedule&_include:iterate=Schedule:actor&start=ge"
        + today.atStartOfDay().format(LOCAL)
        + "&start=le"
        + today.plusDays(2).atTime(23, 59, 59).format(LOCAL);
  }

  /** GET as the SAS kit sends it: | as %7C, + as %2B, Accept: application/json+fhir. */
  private <T extends Resource> T get(String query, int status, Class<T> type) throws Exception {
    String encoded = query.replace("|", "%7C").replace("+", "%2B");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/Slot?" + encoded))
                .header("Accept", "application/json+fhir")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(query);
    return HubClient.FHIR.newJsonParser().parseResource(type, response.body());
  }

  private String base() {
    return HubClient.base(port);
  }

  private static String slotKey(Slot slot) {
    String comment = slot.getComment();
    return comment.substring(comment.indexOf("creneau=") + "creneau=".length());
  }

  private static List<String> profiles(Resource resource) {
    return resource.getMeta().getProfile().stream().map(p -> p.getValue()).toList();
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdPart())
        .toList();
  }

  private static <T extends Resource> List<T> resources(Bundle bundle, Class<T> type) {
    return bundle.getEntry().stream()
        .map(BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }
}
