package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@HubIntegrationTest
class CapabilityStatementIT {

  /** The resource types the mission uses (issue #2). */
  static final List<String> MISSION_TYPES =
      List.of(
          "Practitioner",
          "PractitionerRole",
          "Organization",
          "Location",
          "HealthcareService",
          "Device",
          "Endpoint",
          "Schedule",
          "Slot",
          "Appointment",
          "ServiceRequest",
          "Task",
          "Patient",
          "ImagingStudy",
          "DiagnosticReport",
          "Communication",
          "Questionnaire",
          "QuestionnaireResponse",
          "Subscription",
          "AuditEvent",
          "MeasureReport",
          "Binary",
          "DocumentReference");

  @LocalServerPort int port;

  @Test
  void metadata_listsEveryMissionResourceType_withReadSearchAndWrite() {
    CapabilityStatement capabilities =
        HubClient.of(port).capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(capabilities.getFhirVersion()).isEqualTo(FHIRVersion._4_0_1);
    List<CapabilityStatementRestResourceComponent> resources =
        capabilities.getRestFirstRep().getResource();
    assertThat(resources)
        .extracting(CapabilityStatementRestResourceComponent::getType)
        .containsAll(MISSION_TYPES);
    for (CapabilityStatementRestResourceComponent resource : resources) {
      if (MISSION_TYPES.contains(resource.getType())) {
        assertThat(resource.getInteraction())
            .extracting(i -> i.getCode())
            .as(resource.getType())
            .contains(
                TypeRestfulInteraction.READ,
                TypeRestfulInteraction.VREAD,
                TypeRestfulInteraction.CREATE,
                TypeRestfulInteraction.UPDATE,
                TypeRestfulInteraction.DELETE,
                TypeRestfulInteraction.SEARCHTYPE,
                TypeRestfulInteraction.HISTORYINSTANCE);
      }
    }
    assertThat(capabilities.getRestFirstRep().getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("transaction", "batch");
  }

  @Test
  void metadata_slotSearchDeclaresTheChainsTheSasUses() {
    CapabilityStatement capabilities =
        HubClient.of(port).capabilities().ofType(CapabilityStatement.class).execute();

    CapabilityStatementRestResourceComponent slot =
        capabilities.getRestFirstRep().getResource().stream()
            .filter(r -> r.getType().equals("Slot"))
            .findFirst()
            .orElseThrow();
    assertThat(slot.getSearchParam())
        .extracting(p -> p.getName())
        .contains("start", "status", "schedule");
    assertThat(slot.getSearchInclude()).extracting(i -> i.getValue()).contains("Slot:schedule");
  }
}
