package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The search features the hub's clients rely on, on the demo data. */
@HubIntegrationTest
class SearchFeaturesIT {

  @LocalServerPort int port;

  @Test
  void revinclude_bringsTheRolesOfEachPractitioner() {
    Bundle bundle =
        HubClient.of(port)
            .search()
            .byUrl(
                "Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|810000010007"
                    + "&_revinclude=PractitionerRole:practitioner")
            .returnBundle(Bundle.class)
            .execute();

    assertThat(bundle.getTotal()).isEqualTo(1);
    assertThat(bundle.getEntry())
        .filteredOn(e -> e.getResource() instanceof PractitionerRole)
        .hasSize(2);
    assertThat(bundle.getEntry())
        .filteredOn(e -> e.getResource() instanceof Practitioner)
        .hasSize(1);
  }

  @Test
  void count_pagesThroughEveryPractitioner_withoutDuplicates_andAccurateTotal() {
    IGenericClient client = HubClient.of(port);
    Bundle page =
        client
            .search()
            .byUrl("Practitioner?_count=7&_total=accurate&_sort=_id")
            .returnBundle(Bundle.class)
            .execute();
    int total = page.getTotal();
    assertThat(total).isGreaterThanOrEqualTo(40);

    Set<String> seen = new HashSet<>();
    int pages = 0;
    while (true) {
      pages++;
      assertThat(page.getEntry().size()).isLessThanOrEqualTo(7);
      for (BundleEntryComponent entry : page.getEntry()) {
        assertThat(seen.add(entry.getResource().getIdElement().getIdPart())).isTrue();
      }
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }
    assertThat(seen).hasSize(total);
    assertThat(pages).isEqualTo((total + 6) / 7);
  }

  @Test
  void chainedSearch_findsSlotsByPractitionerIdentifier() {
    Bundle bundle =
        HubClient.of(port)
            .search()
            .byUrl(
                "Slot?schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|810000010001")
            .returnBundle(Bundle.class)
            .execute();

    assertThat(bundle.getTotal()).isPositive();
  }
}
