package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.server.demo.DemoTerritory;
import fr.cpts.hub.server.demo.DemoTerritoryGenerator;
import fr.cpts.hub.server.demo.DemoTerritoryLoader;
import fr.cpts.hub.server.demo.DemoTerritoryLoader.LoadReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The demo territory loaded at start-up, and loaded again: nothing is added twice. */
@HubIntegrationTest
class DemoTerritoryLoaderIT {

  private static final List<String> TYPES =
      List.of(
          "Organization",
          "Location",
          "HealthcareService",
          "Practitioner",
          "PractitionerRole",
          "Device",
          "Schedule");

  @LocalServerPort int port;
  @Autowired DemoTerritoryLoader loader;

  @Test
  void demoTerritory_isThere_withAtLeast40GeneralPractitioners() {
    IGenericClient client = HubClient.of(port);
    assertThat(count(client, "Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|"))
        .isGreaterThanOrEqualTo(40);
    assertThat(
            count(
                client,
                "Organization?type=https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement|604"
                    + "&identifier=urn:oid:1.2.250.1.71.4.2.2|1560099990"))
        .as("the demo's CPTS, by its category and IDNST (the guide's examples add another)")
        .isEqualTo(1);
    assertThat(count(client, "Device")).isGreaterThanOrEqualTo(2);
    assertThat(count(client, "Slot?status=free")).isPositive();
    assertThat(count(client, "Slot?status=busy")).isPositive();
  }

  @Test
  void loadingAgain_createsNothing_andLeavesEveryCountUnchanged() {
    IGenericClient client = HubClient.of(port);
    DemoTerritory territory = new DemoTerritoryGenerator().generate(loader.spec());
    Map<String, Integer> before = counts(client, territory);

    LoadReport again = loader.load(territory);

    assertThat(again.created()).isZero();
    assertThat(again.alreadyThere())
        .isEqualTo(territory.directory().size() + territory.slots().size());
    assertThat(counts(client, territory)).isEqualTo(before);
  }

  private static Map<String, Integer> counts(IGenericClient client, DemoTerritory territory) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String type : TYPES) {
      counts.put(type, count(client, type));
    }
    counts.put("Slot", count(client, "Slot"));
    return counts;
  }

  private static int count(IGenericClient client, String url) {
    return client
        .search()
        .byUrl(url)
        .summaryMode(SummaryEnum.COUNT)
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }
}
