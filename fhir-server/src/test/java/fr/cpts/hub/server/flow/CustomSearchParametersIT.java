package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.demo.DemoTerritory;
import fr.cpts.hub.server.demo.DemoTerritoryGenerator;
import fr.cpts.hub.server.demo.DemoTerritoryLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The CapabilityStatement declares the hub's profiles and search parameters, and those search
 * parameters find exactly what the demo territory holds (expected sets computed from the generator,
 * independently of the server; examples stored by other tests are ignored).
 */
@HubIntegrationTest
class CustomSearchParametersIT {

  @LocalServerPort int port;
  @Autowired DemoTerritoryLoader loader;
  IGenericClient client;
  DemoTerritory territory;

  @BeforeEach
  void setUp() {
    client = HubClient.of(port);
    territory = new DemoTerritoryGenerator().generate(loader.spec());
  }

  @Test
  void metadata_declaresTheProfiles_andTheCustomSearchParameters() {
    CapabilityStatement capabilities =
        client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(resource(capabilities, "Slot").getSupportedProfile())
        .extracting(p -> p.getValue())
        .contains(HubProfiles.SLOT);
    assertThat(resource(capabilities, "ServiceRequest").getSupportedProfile())
        .extracting(p -> p.getValue())
        .contains(
            HubProfiles.SERVICE_REQUEST_IMAGING,
            HubProfiles.SERVICE_REQUEST_SNP,
            HubProfiles.SERVICE_REQUEST_MT);
    assertThat(searchParams(capabilities, "Slot")).contains(HubProfiles.SP_SERVICE_TYPE_REFERENCE);
    assertThat(searchParams(capabilities, "PractitionerRole"))
        .contains(
            HubProfiles.SP_ACCEPTS_NEW_PATIENTS,
            HubProfiles.SP_SNP_PARTICIPATION,
            HubProfiles.SP_SNP_MODE);
    assertThat(searchParams(capabilities, "Practitioner"))
        .contains(HubProfiles.SP_QUALIFICATION_CODE);
    assertThat(searchParams(capabilities, "Location")).contains(HubProfiles.SP_ADDRESS_INSEE_CODE);
  }

  @Test
  void serviceTypeReference_findsExactlyTheCptsSlots_andIncludesTheCptsService() {
    HealthcareService cpts =
        (HealthcareService)
            client
                .search()
                .byUrl(
                    "HealthcareService?identifier="
                        + HubIdentifiers.HEALTHCARE_SERVICE
                        + "|cpts-snp")
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
    Set<String> expected =
        territory.slots().stream()
            .filter(s -> s.getServiceType().stream().anyMatch(t -> t.hasExtension()))
            .map(s -> s.getIdentifierFirstRep().getValue())
            .collect(Collectors.toSet());
    assertThat(expected).isNotEmpty();

    List<Resource> found =
        searchAll(
            "Slot?service-type-reference=HealthcareService/"
                + cpts.getIdElement().getIdPart()
                + "&_include=Slot:service-type-reference&_count=500");

    Set<String> slots =
        found.stream()
            .filter(Slot.class::isInstance)
            .map(r -> ((Slot) r).getIdentifierFirstRep().getValue())
            .filter(key -> !key.startsWith("ex-"))
            .collect(Collectors.toSet());
    assertThat(slots).isEqualTo(expected);
    assertThat(found.stream().filter(HealthcareService.class::isInstance))
        .extracting(r -> r.getIdElement().getIdPart())
        .containsOnly(cpts.getIdElement().getIdPart());
  }

  @Test
  void acceptsNewPatients_findsExactlyThePlacesThatAccept() {
    Set<String> expected = demoRoleKeys(true);
    assertThat(expected).isNotEmpty().hasSizeLessThan(demoRoleKeys(false).size() + expected.size());

    assertThat(roleKeys("PractitionerRole?accepts-new-patients=true&_count=500"))
        .isEqualTo(expected);
    assertThat(roleKeys("PractitionerRole?accepts-new-patients=false&_count=500"))
        .isEqualTo(demoRoleKeys(false));
  }

  @Test
  void snpMode_andQualificationCode_andInseeCode_searchTheDirectory() {
    Set<String> teleconsultation =
        territory.directory().stream()
            .filter(PractitionerRole.class::isInstance)
            .map(PractitionerRole.class::cast)
            .filter(r -> snpModes(r).contains("teleconsultation"))
            .map(r -> r.getIdentifierFirstRep().getValue())
            .collect(Collectors.toSet());
    assertThat(
            roleKeys(
                "PractitionerRole?snp-mode="
                    + HubProfiles.CS_SNP_MODE
                    + "|teleconsultation&_count=500"))
        .isEqualTo(teleconsultation);

    List<Resource> generalPractice =
        searchAll(
            "Practitioner?qualification-code="
                + FrCodeSystems.TRE_R38_SPECIALITE
                + "|"
                + FrCodeSystems.SPECIALITE_MEDECINE_GENERALE
                + "&_count=500");
    assertThat(generalPractice)
        .hasSizeGreaterThanOrEqualTo(territory.generalPractitioners().size());

    Set<String> vannes =
        territory.directory().stream()
            .filter(Location.class::isInstance)
            .map(Location.class::cast)
            .filter(l -> inseeCode(l).equals("56260"))
            .map(l -> l.getIdentifierFirstRep().getValue())
            .collect(Collectors.toSet());
    List<Location> inVannes =
        searchAll("Location?address-insee-code=56260&_count=500").stream()
            .map(Location.class::cast)
            .toList();
    assertThat(inVannes).allMatch(l -> inseeCode(l).equals("56260"));
    // Other flows store Locations of their own in Vannes: compare the demo territory's sites.
    Set<String> demoSites = demoKeys(Location.class, l -> l.getIdentifierFirstRep().getValue());
    assertThat(
            inVannes.stream()
                .map(l -> l.getIdentifierFirstRep().getValue())
                .filter(demoSites::contains)
                .collect(Collectors.toSet()))
        .isEqualTo(vannes);
  }

  private Set<String> demoRoleKeys(boolean accepting) {
    return territory.directory().stream()
        .filter(PractitionerRole.class::isInstance)
        .map(PractitionerRole.class::cast)
        .filter(
            r -> {
              Extension flag =
                  r.getExtensionByUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS)
                      .getExtensionByUrl("accepting");
              return ((BooleanType) flag.getValue()).booleanValue() == accepting;
            })
        .map(r -> r.getIdentifierFirstRep().getValue())
        .collect(Collectors.toSet());
  }

  /** The identifier values of the demo territory's resources of one type. */
  private <T extends Resource> Set<String> demoKeys(Class<T> type, Function<T, String> key) {
    return territory.directory().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .map(key)
        .collect(Collectors.toSet());
  }

  /** The demo territory's roles the search finds (other flows store roles of their own). */
  private Set<String> roleKeys(String url) {
    Set<String> demoRoles =
        demoKeys(PractitionerRole.class, r -> r.getIdentifierFirstRep().getValue());
    return searchAll(url).stream()
        .map(r -> ((PractitionerRole) r).getIdentifierFirstRep().getValue())
        .filter(demoRoles::contains)
        .collect(Collectors.toSet());
  }

  private static List<String> snpModes(PractitionerRole role) {
    return role
        .getExtensionByUrl(HubProfiles.EXT_SNP_PARTICIPATION)
        .getExtensionsByUrl("mode")
        .stream()
        .map(e -> ((Coding) e.getValue()).getCode())
        .toList();
  }

  private static String inseeCode(Location location) {
    Extension insee = location.getAddress().getExtensionByUrl(FrExtensions.ADDRESS_INSEE_CODE);
    return insee == null ? "" : ((Coding) insee.getValue()).getCode();
  }

  private List<Resource> searchAll(String url) {
    List<Resource> resources = new ArrayList<>();
    Bundle page = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    while (true) {
      page.getEntry().forEach(e -> resources.add(e.getResource()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        return resources;
      }
      page = client.loadPage().next(page).execute();
    }
  }

  private static CapabilityStatementRestResourceComponent resource(
      CapabilityStatement capabilities, String type) {
    return capabilities.getRestFirstRep().getResource().stream()
        .filter(r -> r.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> searchParams(CapabilityStatement capabilities, String type) {
    return resource(capabilities, type).getSearchParam().stream().map(p -> p.getName()).toList();
  }
}
