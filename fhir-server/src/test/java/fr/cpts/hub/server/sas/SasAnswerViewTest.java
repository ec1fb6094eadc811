package fr.cpts.hub.server.sas;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

class SasAnswerViewTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final Instant NOW = Instant.parse("2026-11-23T07:00:00Z");
  private final SasAnswerView view = new SasAnswerView(PARIS);

  @Test
  void build_cptsVariant_includesServiceAndCptsOrganization_andOnlyFreeSlotsInTheWindow() {
    SasSources sources = sources();
    SasSlotQuery query =
        new SasSlotQuery(
            List.of("810000000001"), NOW.minusSeconds(3600), NOW.plusSeconds(86_400), true);

    Bundle answer =
        view.build(query, NOW, sources, "https://hub/fhir", "https://hub/fhir/Slot?x", null);

    assertThat(answer.getMeta().getProfile().get(0).getValue()).isEqualTo(SasProfiles.CPTS_BUNDLE);
    assertThat(answer.getTotal()).isEqualTo(1);
    assertThat(answer.getEntry())
        .extracting(e -> e.getResource().fhirType() + "/" + e.getResource().getIdPart())
        .containsExactly(
            "Slot/free-later",
            "Schedule/sch",
            "Practitioner/pr",
            "PractitionerRole/role",
            "HealthcareService/snp",
            "Organization/cpts");
    Slot slot = (Slot) answer.getEntryFirstRep().getResource();
    assertThat(slot.getStartElement().getValueAsString())
        .isEqualTo("2026-11-23T14:30:00.000+01:00");
    assertThat(slot.getServiceType()).hasSize(2);
    Organization cpts = (Organization) answer.getEntry().get(5).getResource();
    assertThat(cpts.getTelecomFirstRep().getValue()).isEqualTo("+33297000000");
    assertThat(cpts.getIdentifierFirstRep().getType().getCodingFirstRep().getSystem())
        .isEqualTo(SasProfiles.FR_LOCATION_IDENTIFIER_TYPE);
    PractitionerRole role = (PractitionerRole) answer.getEntry().get(3).getResource();
    assertThat(role.getTelecom())
        .extracting(ContactPoint::getValue)
        .containsExactly("+262262123456");
    assertThat(((Location) role.getContained().get(0)).getAddress().getLine())
        .extracting(l -> l.getValue())
        .containsExactly("Bâtiment B 12 rue de la Paix");
  }

  @Test
  void build_individualVariant_dropsTheCptsReferenceAndTheCptsResources() {
    SasSlotQuery query =
        new SasSlotQuery(
            List.of("810000000001"), NOW.minusSeconds(3600), NOW.plusSeconds(86_400), false);

    Bundle answer = view.build(query, NOW, sources(), "https://hub/fhir", "self", null);

    assertThat(answer.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("Slot", "Schedule", "Practitioner", "PractitionerRole");
    Slot slot = (Slot) answer.getEntryFirstRep().getResource();
    assertThat(slot.getServiceType())
        .singleElement()
        .satisfies(t -> assertThat(t.hasExtension()).isFalse());
    assertThat(slot.getMeta().getProfile())
        .extracting(p -> p.getValue())
        .containsExactly(SasProfiles.SLOT);
  }

  private static SasSources sources() {
    Organization cpts = new Organization();
    cpts.setId("cpts");
    cpts.addIdentifier().setSystem(FrIdentifiers.IDNST).setValue("1560099990");
    cpts.setName("CPTS");
    Organization practice = new Organization();
    practice.setId("cab");
    practice.addIdentifier().setSystem(FrIdentifiers.IDNST).setValue("356010000000010");
    HealthcareService snp = new HealthcareService();
    snp.setId("snp");
    snp.setName("SNP");
    snp.setProvidedBy(new Reference("Organization/cpts"));
    // The CPTS Organization has no phone: the SAS gets its service's.
    snp.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("02 97 00 00 00");
    Location location = new Location();
    location.setId("loc1");
    location
        .getAddress()
        .addLine("Bâtiment B")
        .addLine("12 rue de la Paix")
        .setCity("Vannes")
        .setPostalCode("56000");
    Practitioner practitioner = new Practitioner();
    practitioner.setId("pr");
    practitioner.addIdentifier().setSystem(FrIdentifiers.IDNPS).setValue("810000000001");
    practitioner.addIdentifier().setSystem(FrIdentifiers.RPPS).setValue("10000000001");
    practitioner.addName().setFamily("MARTIN").addGiven("Anne");
    PractitionerRole role = new PractitionerRole();
    role.setId("role");
    role.setPractitioner(new Reference("Practitioner/pr"));
    role.setOrganization(new Reference("Organization/cab"));
    role.addLocation(new Reference("Location/loc1"));
    role.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("0262123456");
    Schedule schedule = new Schedule();
    schedule.setId("sch");
    schedule.addActor(new Reference("Practitioner/pr"));
    schedule.addActor(new Reference("PractitionerRole/role"));
    return new SasSources(
        List.of(
            slot("free-later", "2026-11-23T13:30:00Z", Slot.SlotStatus.FREE),
            slot("free-past", "2026-11-23T06:30:00Z", Slot.SlotStatus.FREE),
            slot("busy", "2026-11-23T13:50:00Z", Slot.SlotStatus.BUSY),
            slot("free-after-window", "2026-11-25T13:30:00Z", Slot.SlotStatus.FREE)),
        4,
        Map.of("sch", schedule),
        Map.of("pr", practitioner),
        Map.of("role", role),
        Map.of("loc1", location),
        Map.of("cpts", cpts, "cab", practice),
        Map.of("snp", snp));
  }

  private static Slot slot(String id, String start, Slot.SlotStatus status) {
    Slot slot = new Slot();
    slot.setId(id);
    slot.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
    slot.addServiceType(new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, "AMB", null)));
    CodeableConcept cpts =
        new CodeableConcept(
            new Coding(
                FrCodeSystems.TRE_R66_CATEGORIE_ETABLISSEMENT, FrCodeSystems.CATEGORIE_CPTS, null));
    cpts.addExtension(
        FrExtensions.SLOT_SERVICE_TYPE_REFERENCE, new Reference("HealthcareService/snp"));
    slot.addServiceType(cpts);
    slot.setSchedule(new Reference("Schedule/sch"));
    slot.setStatus(status);
    slot.setStart(Date.from(Instant.parse(start)));
    slot.setEnd(Date.from(Instant.parse(start).plusSeconds(1200)));
    slot.setComment("https://agenda.example.fr/" + id);
    return slot;
  }
}
