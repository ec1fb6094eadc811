package fr.cpts.hub.mappers.rpps;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class NationalDirectoryMapperTest {

  private static final NationalDirectoryMapper MAPPER = new NationalDirectoryMapper();
  private static final RppsTerritory VANNES = RppsTerritory.communes("56260");

  private static Practitioner practitioner(String idnps) {
    Practitioner p = new Practitioner();
    p.setId("p1");
    p.addIdentifier().setSystem(FrIdentifiers.IDNPS).setValue(idnps);
    p.setActive(true);
    p.addName().setFamily("MARTIN").addGiven("Anne").addPrefix("DR");
    p.addQualification()
        .setCode(
            new CodeableConcept(new Coding(FrCodeSystems.TRE_G15_PROFESSION, "10", "Médecin")));
    p.addQualification()
        .setCode(new CodeableConcept(new Coding(FrCodeSystems.TRE_R38_SPECIALITE, "SM54", null)));
    p.addQualification()
        .setCode(new CodeableConcept(new Coding(FrCodeSystems.TRE_R38_SPECIALITE, "SM26", null)));
    return p;
  }

  private static Organization organization(String id, String finess, String insee) {
    Organization o = new Organization();
    o.setId(id);
    o.addIdentifier().setSystem(FrIdentifiers.FINESS).setValue(finess);
    o.addIdentifier().setSystem(FrIdentifiers.IDNST).setValue("1" + finess);
    o.setName("CABINET " + id);
    Address a = o.addAddress().setPostalCode(insee.substring(0, 2) + "000").setCity("Ville");
    a.addLine("Bâtiment B");
    a.addLine("3 rue du Port");
    a.addExtension(
        FrExtensions.ADDRESS_INSEE_CODE, new Coding(FrCodeSystems.TRE_R13_COMMUNE, insee, null));
    return o;
  }

  private static PractitionerRole role(String organization, boolean active) {
    PractitionerRole r = new PractitionerRole();
    r.setActive(active);
    r.setPractitioner(new Reference("Practitioner/p1"));
    r.setOrganization(new Reference("Organization/" + organization));
    r.addCode(new CodeableConcept(new Coding(FrCodeSystems.TRE_R23_MODE_EXERCICE, "L", null)));
    return r;
  }

  private static final Map<String, Organization> ORGANIZATIONS =
      Map.of(
          "Organization/in",
          organization("in", "560000011", "56260"),
          "Organization/out",
          organization("out", "290000011", "29019"),
          "Organization/in2",
          organization("in2", "560000012", "56260"));

  @Test
  void activeRolesInsideTheTerritory_areMappedAsTheExtractWould_withTheirIds() {
    NationalDirectoryMapper.Outcome outcome =
        MAPPER.map(
            practitioner("810000000001"),
            List.of(role("in", true), role("out", true), role("in2", false)),
            ORGANIZATIONS,
            VANNES);

    assertThat(outcome).isInstanceOf(NationalDirectoryMapper.Mapped.class);
    RppsProfessional professional = ((NationalDirectoryMapper.Mapped) outcome).professional();
    assertThat(professional.practitioner().getIdPart()).isEqualTo("idnps-810000000001");
    assertThat(professional.practitioner().getNameFirstRep().getPrefixAsSingleString())
        .isEqualTo("Dr");
    assertThat(professional.practitioner().getQualification())
        .extracting(q -> q.getCode().getCodingFirstRep().getCode())
        .containsExactly("10", "SM54", "SM26");
    assertThat(professional.roles())
        .extracting(r -> r.getIdPart())
        .containsExactly("role-810000000001-1560000011");
    assertThat(professional.organizations())
        .extracting(o -> o.getIdPart())
        .containsExactly("idnst-1560000011");
    assertThat(professional.locations())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getIdPart()).isEqualTo("site-1560000011");
              assertThat(l.getAddress().getLine())
                  .extracting(t -> t.getValue())
                  .containsExactly("Bâtiment B", "3 rue du Port");
            });
    assertThat(RppsProfessional.conditionalUrl(professional.practitioner()))
        .isEqualTo("Practitioner?identifier=" + FrIdentifiers.IDNPS + "|810000000001");
  }

  @Test
  void noActiveRoleInside_orAnInactiveProfessional_isOutside() {
    assertThat(
            MAPPER.map(
                practitioner("810000000001"),
                List.of(role("out", true), role("in", false)),
                ORGANIZATIONS,
                VANNES))
        .isEqualTo(new NationalDirectoryMapper.Outside("810000000001"));
    Practitioner retired = practitioner("810000000001").setActive(false);
    assertThat(MAPPER.map(retired, List.of(role("in", true)), ORGANIZATIONS, VANNES))
        .isEqualTo(new NationalDirectoryMapper.Outside("810000000001"));
  }

  @Test
  void withoutAnRppsIdnps_orAProfession_isRefused() {
    assertThat(MAPPER.map(practitioner("0123"), List.of(role("in", true)), ORGANIZATIONS, VANNES))
        .isInstanceOf(NationalDirectoryMapper.Refused.class)
        .extracting(o -> ((NationalDirectoryMapper.Refused) o).reason())
        .asString()
        .startsWith("HUB-0752");
    Practitioner noProfession = practitioner("810000000001");
    noProfession.getQualification().remove(0);
    assertThat(MAPPER.map(noProfession, List.of(role("in", true)), ORGANIZATIONS, VANNES))
        .isInstanceOf(NationalDirectoryMapper.Refused.class);
  }
}
