package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.demo.DemoTerritoryLoader;
import fr.cpts.hub.server.sas.SasSlotSearchInterceptor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The SAS search's two paths, the read model (fast) and HAPI's generic search (the reference), give
 * the same Bundles: for the individual and the CPTS flow, a window cut into the data, no match, and
 * after slots are booked and cancelled.
 */
@HubIntegrationTest
class SasSearchPathsIT {

  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  @LocalServerPort int port;
  @Autowired DemoTerritoryLoader loader;
  @Autowired SasSlotSearchInterceptor sasSearch;

  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void backToTheDefault() {
    sasSearch.useFastPath(true);
  }

  @Test
  void bothPaths_individualAndCptsFlows_answerTheSameBundles() throws Exception {
    LocalDate today = loader.spec().firstDay();
    String window =
        "&start=ge"
            + today.atTime(11, 0).format(LOCAL)
            + "&start=le"
            + today.plusDays(2).atTime(15, 0).format(LOCAL);
    String twentyFive =
        java.util.stream.IntStream.range(0, 25)
            .mapToObj(i -> FrIdentifiers.IDNPS + "|" + (810000010000L + i))
            .collect(Collectors.joining(","));
    String individual =
        "_include=Slot:schedule&_include:iterate=Schedule:actor"
            + window
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|810000010000,"
            + FrIdentifiers.IDNPS
            + "|810000010007&status=free";
    String cpts =
        "_include=Slot:schedule&_include:iterate=Schedule:actor&_include=Slot:service-type-reference&_include:iterate=HealthcareService:organization"
            + window
            + "&schedule.actor:Practitioner.identifier="
            + twentyFive
            + "&status=free";
    String nobody =
        "_include=Slot:schedule&_include:iterate=Schedule:actor"
            + window
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|899999999999&status=free";

    for (String query : java.util.List.of(individual, cpts, nobody)) {
      String fast = answer(query, true);
      String generic = answer(query, false);
      assertThat(fast).as(query).isEqualTo(generic);
    }
    assertThat(
            HubClient.FHIR
                .newJsonParser()
                .parseResource(Bundle.class, answer(cpts, true))
                .getTotal())
        .isGreaterThan(100);
  }

  @Test
  void bothPaths_followBookingsAndCancellations() throws Exception {
    BookingFixtures fixtures = new BookingFixtures(HubClient.of(port));
    String first = fixtures.freeSlot();
    fixtures.freeSlot();
    String query =
        "_include=Slot:schedule&_include:iterate=Schedule:actor&start=ge2031-03-01T00:00:00&start=le2031-12-31T23:59:59"
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|"
            + BookingFixtures.GP_IDNPS
            + "&status=free";
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

  private String answer(String query, boolean fast) throws Exception {
    sasSearch.useFastPath(fast);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        HubClient.base(port)
                            + "/Slot?"
                            + query.replace("|", "%7C").replace("+", "%2B")))
                .header("Accept", "application/fhir+json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    IParser parser = HubClient.FHIR.newJsonParser().setPrettyPrint(true);
    // Parsed and encoded again: the same Bundle whatever the whitespace of either path.
    return parser.encodeResourceToString(parser.parseResource(Bundle.class, response.body()));
  }

  private static int total(String bundle) {
    return HubClient.FHIR.newJsonParser().parseResource(Bundle.class, bundle).getTotal();
  }
}
