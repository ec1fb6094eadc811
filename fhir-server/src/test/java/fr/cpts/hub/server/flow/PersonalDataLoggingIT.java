package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.ig.IgExamples;
import fr.cpts.hub.profiles.FrIdentifiers;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Personal health data never reaches the log above DEBUG: not from a body, a search or an error.
 */
@HubIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class PersonalDataLoggingIT {

  /** A synthetic INS on the test system; never a real one. */
  private static final String INS = "299117512345678";

  private static final String FAMILY = "QUEFFELEC-TESTLOG";

  @LocalServerPort int port;

  @Test
  void createSearchRejectedRequestAndRefusedResource_leaveNoNameNorInsInTheLog(
      CapturedOutput output) {
    IGenericClient client = HubClient.of(port);
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(FrIdentifiers.INS_NIR_TEST).setValue(INS);
    patient.addName().setFamily(FAMILY).addGiven("Soazig");
    client.create().resource(patient).execute();

    Bundle found =
        client
            .search()
            .byUrl("Patient?identifier=" + FrIdentifiers.INS_NIR_TEST + "|" + INS)
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getTotal()).isEqualTo(1);
    BaseServerResponseException rejected =
        catchThrowableOfType(
            BaseServerResponseException.class,
            () ->
                client
                    .search()
                    .byUrl("Patient?birthdate=" + FAMILY)
                    .returnBundle(Bundle.class)
                    .execute());
    assertThat(rejected).isNotNull();
    assertThat(rejected.getStatusCode()).isEqualTo(400);

    // A non-conformant patient: the validator's messages quote the resource; they go back to the
    // client in the OperationOutcome, never to the log.
    Patient notConformant =
        (Patient)
            IgExamples.all().stream()
                .filter(e -> e.file().equals("Patient-ex-patient-ins.json"))
                .findFirst()
                .orElseThrow()
                .parse(HubClient.FHIR);
    notConformant.setId((String) null);
    notConformant.getNameFirstRep().setFamily(FAMILY);
    notConformant
        .getMaritalStatus()
        .addCoding()
        .setSystem("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus")
        .setCode(FAMILY);
    UnprocessableEntityException refused =
        catchThrowableOfType(
            UnprocessableEntityException.class,
            () -> client.create().resource(notConformant).execute());
    assertThat(refused).isNotNull();
    assertThat(refused.getResponseBody()).as("the client is told").contains(FAMILY);

    assertThat(output.getAll())
        .contains("fr.cpts.hub.access")
        .doesNotContain(INS)
        .doesNotContain(FAMILY);
  }
}
