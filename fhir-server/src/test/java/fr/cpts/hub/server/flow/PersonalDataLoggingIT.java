package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
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
  void createSearchAndRejectedRequest_leaveNoNameNorInsInTheLog(CapturedOutput output) {
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

    assertThat(output.getAll())
        .contains("fr.cpts.hub.access")
        .doesNotContain(INS)
        .doesNotContain(FAMILY);
  }
}
