package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.demo.DemoTerritoryLoader;
import fr.cpts.hub.server.sas.SasAnswerView;
import fr.cpts.hub.server.sas.SasSlotReadModelRebuild;
import fr.cpts.hub.server.sas.SasSlotSearchInterceptor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The SAS search's two paths, the read model (fast) and HAPI's generic search (the reference), give
 * the same Bundles, byte for byte in JSON and in XML: for the individual and the CPTS flow, a
 * window cut into the data, no match, after slots are booked and cancelled, after a free slot or a
 * place changes (whose views this node holds as bytes), and when the read model's slot views were
 * written by another version of the view.
 */
@HubIntegrationTest
class SasSearchPathsIT {

  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private static final String JSON = "application/fhir+json";
  private static final String XML = "application/fhir+xml";

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired SasSlotReadModelRebuild rebuild;
  @Autowired DemoTerritoryLoader loader;
  @Autowired SasSlotSearchInterceptor sasSearch;

  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void backToTheDefault() {
    sasSearch.useFastPath(true);
  }

  @Test
  void bothPaths_individualAndCptsFlows_answerTheSameBundles() throws Exception {
    for (String query : List.of(individualQuery(), cptsQuery(), nobodyQuery())) {
      String fast = answer(query, true, JSON);
      String generic = answer(query, false, JSON);
      // Byte for byte: the read model's slot views, encoded when stored, are what HAPI writes.
      assertThat(fast).as(query).isEqualTo(generic);
      assertThat(answer(query, true, XML)).as(query).isEqualTo(answer(query, false, XML));
    }
    assertThat(
            HubClient.FHIR
                .newJsonParser()
                .parseResource(Bundle.class, answer(cptsQuery(), true, JSON))
                .getTotal())
        .isGreaterThan(100);
  }

  @Test
  void readModel_gzipAsked_sendsTheSameAnswerCompressed() throws Exception {
    String plain = answer(cptsQuery(), true, JSON);
    sasSearch.useFastPath(true);
    HttpResponse<byte[]> compressed =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        HubClient.base(port)
                            + "/Slot?"
                            + cptsQuery().replace("|", "%7C").replace("+", "%2B")))
                .header("Accept", JSON)
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(compressed.statusCode()).isEqualTo(200);
    assertThat(compressed.headers().firstValue("Content-Encoding")).hasValue("gzip");
    try (var in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(compressed.body()))) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(plain);
    }
    assertThat(compressed.body().length).isLessThan(plain.length() / 4);
  }

  @Test
  void readModel_followsChangesOfWhatSlotsReferTo() throws Exception {
    answer(individualQuery(), true, JSON); // the professional's current version is now cached
    IGenericClient client = HubClient.of(port);
    Practitioner practitioner =
        client
            .search()
            .forResource(Practitioner.class)
            .where(
                Practitioner.IDENTIFIER
                    .exactly()
                    .systemAndCode(FrIdentifiers.IDNPS, "810000010000"))
            .returnBundle(Bundle.class)
            .execute()
            .getEntry()
            .stream()
            .map(e -> (Practitioner) e.getResource())
            .findFirst()
            .orElseThrow();
    String family = practitioner.getNameFirstRep().getFamily();
    practitioner.getNameFirstRep().setFamily("RENOMME");
    practitioner.setId(practitioner.getIdElement().toUnqualifiedVersionless());
    client.update().resource(practitioner).execute();
    try {
      String fast = answer(individualQuery(), true, JSON);
      assertThat(fast).contains("\"RENOMME\"").isEqualTo(answer(individualQuery(), false, JSON));
    } finally {
      practitioner.getNameFirstRep().setFamily(family);
      practitioner.setId(practitioner.getIdElement().toUnqualifiedVersionless());
      client.update().resource(practitioner).execute();
    }
    assertThat(answer(individualQuery(), true, JSON)).doesNotContain("RENOMME");
  }

  @Test
  void readModel_viewsOfAnotherVersion_areComputedThenEncodedAgainAtStartUp() throws Exception {
    String generic = answer(cptsQuery(), false, JSON);
    // As if an older hub had written the views: the search computes them from the slots.
    jdbc.update("UPDATE HUB_SAS_SLOT SET VIEW_VERSION = VIEW_VERSION - 1, SAS_VIEW = 'stale'");
    assertThat(answer(cptsQuery(), true, JSON)).isEqualTo(generic);
    assertThat(answer(individualQuery(), true, JSON))
        .isEqualTo(answer(individualQuery(), false, JSON))
        .doesNotContain("stale");

    rebuild.run(null);
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM HUB_SAS_SLOT WHERE VIEW_VERSION <> ? OR SAS_VIEW = 'stale'",
                Long.class,
                SasAnswerView.VERSION))
        .isZero();
    assertThat(answer(cptsQuery(), true, JSON)).isEqualTo(generic);
  }

  private String window() {
    LocalDate today = loader.spec().firstDay();
    return "&start=ge"
        + today.atTime(11, 0).format(LOCAL)
        + "&start=le"
        + today.plusDays(2).atTime(15, 0).format(LOCAL);
  }

  private String individualQuery() {
    return "_include=Slot:schedule&_include:iterate=Schedule:actor"
        + window()
        + "&schedule.actor:Practitioner.identifier="
        + FrIdentifiers.IDNPS
        + "|810000010000,"
        + FrIdentifiers.IDNPS
        + "|810000010007&status=free";
  }

  private String cptsQuery() {
    String twentyFive =
        java.util.stream.IntStream.range(0, 25)
            .mapToObj(i -> FrIdentifiers.IDNPS + "|" + (810000010000L + i))
            .collect(Collectors.joining(","));
    return "_include=Slot:schedule&_include:iterate=Schedule:actor&_include=Slot:service-type-reference&_include:iterate=HealthcareService:organization"
        + window()
        + "&schedule.actor:Practitioner.identifier="
        + twentyFive
        + "&status=free";
  }

  /** The free slots of the booking fixtures' GP, whose slots are in 2031. */
  private static String bookingGpQuery() {
    return "_include=Slot:schedule&_include:iterate=Schedule:actor&start=ge2031-03-01T00:00:00&start=le2031-12-31T23:59:59"
        + "&schedule.actor:Practitioner.identifier="
        + FrIdentifiers.IDNPS
        + "|"
        + BookingFixtures.GP_IDNPS
        + "&status=free";
  }

  private String nobodyQuery() {
    return "_include=Slot:schedule&_include:iterate=Schedule:actor"
        + window()
        + "&schedule.actor:Practitioner.identifier="
        + FrIdentifiers.IDNPS
        + "|899999999999&status=free";
  }

  @Test
  void bothPaths_followBookingsAndCancellations() throws Exception {
    BookingFixtures fixtures = new BookingFixtures(HubClient.of(port));
    String first = fixtures.freeSlot();
    fixtures.freeSlot();
    String query = bookingGpQuery();
    int before = total(answer(query, true));
    assertThat(answer(query, false)).isEqualTo(answer(query, true));

    IdType booked =
        (IdType)
            fixtures
                .client
                .create()
                .resource(fixtures.sasAppointment(first, AppointmentStatus.BOOKED))
                .execute()
                .getId();
    assertThat(total(answer(query, true))).isEqualTo(before - 1);
    assertThat(answer(query, false)).isEqualTo(answer(query, true));

    Appointment appointment =
        fixtures
            .client
            .read()
            .resource(Appointment.class)
            .withId(booked.toUnqualifiedVersionless())
            .execute();
    appointment.setStatus(AppointmentStatus.CANCELLED);
    fixtures.client.update().resource(appointment).execute();
    assertThat(total(answer(query, true))).isEqualTo(before);
    assertThat(answer(query, false)).isEqualTo(answer(query, true));
  }

  @Test
  void readModel_slotOrPlaceChangedWhileFree_servesTheNewViews() throws Exception {
    BookingFixtures fixtures = new BookingFixtures(HubClient.of(port));
    String changed = fixtures.freeSlot();
    String query = bookingGpQuery();
    answer(query, true); // this node now holds the slot's view and its role's as bytes

    Slot slot = fixtures.client.read().resource(Slot.class).withId(changed).execute();
    slot.setComment("https://agenda.example.fr/rdv/nouveau-lien");
    slot.setId(slot.getIdElement().toUnqualifiedVersionless());
    fixtures.client.update().resource(slot).execute();
    assertThat(answer(query, true)).contains("nouveau-lien").isEqualTo(answer(query, false));

    String before = answer(individualQuery(), true, JSON);

    Location place =
        fixtures
            .client
            .read()
            .resource(Location.class)
            .withId(
                fixtures
                    .client
                    .read()
                    .resource(PractitionerRole.class)
                    .withId(
                        HubClient.FHIR
                            .newJsonParser()
                            .parseResource(Bundle.class, before)
                            .getEntry()
                            .stream()
                            .map(Bundle.BundleEntryComponent::getResource)
                            .filter(PractitionerRole.class::isInstance)
                            .findFirst()
                            .orElseThrow()
                            .getIdElement()
                            .getIdPart())
                    .execute()
                    .getLocationFirstRep()
                    .getReferenceElement())
            .execute();
    String city = place.getAddress().getCity();
    place.getAddress().setCity("Ville-Renommée");
    place.setId(place.getIdElement().toUnqualifiedVersionless());
    fixtures.client.update().resource(place).execute();
    try {
      assertThat(answer(individualQuery(), true, JSON))
          .contains("Ville-Renommée")
          .isEqualTo(answer(individualQuery(), false, JSON));
    } finally {
      place.getAddress().setCity(city);
      fixtures.client.update().resource(place).execute();
    }
  }

  /** The raw answer of one path, in JSON or XML. */
  private String answer(String query, boolean fast, String accept) throws Exception {
    sasSearch.useFastPath(fast);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        HubClient.base(port)
                            + "/Slot?"
                            + query.replace("|", "%7C").replace("+", "%2B")))
                .header("Accept", accept)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith(accept);
    return response.body();
  }

  private String answer(String query, boolean fast) throws Exception {
    return answer(query, fast, JSON);
  }

  private static int total(String bundle) {
    return HubClient.FHIR.newJsonParser().parseResource(Bundle.class, bundle).getTotal();
  }
}
