package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.ig.IgExamples;
import fr.cpts.hub.ig.IgExamples.Example;
import fr.cpts.hub.ig.IgExamples.Outcome;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.snp.SnpRequest;
import fr.cpts.hub.server.snp.SnpTaskInterceptor;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The hub enforces its profiles through the HTTP API, as a GP software vendor meets them: each
 * valid example of the guide is accepted, each invalid one is refused with 422 and an
 * OperationOutcome pointing at the rule, and nothing of it is stored.
 */
@HubIntegrationTest
class ProfileEnforcementIT {

  @LocalServerPort int port;
  @Autowired DaoRegistry daos;
  IGenericClient client;

  @BeforeEach
  void storeValidExamples() {
    client = HubClient.of(port);
    // In the guide's order, so that every reference finds its target; PUT is idempotent.
    for (Example example : IgExamples.ofOutcome(Outcome.VALID)) {
      store(example.parse(HubClient.FHIR));
    }
  }

  /**
   * Stores a valid example as its sender would: through the REST API, except what only the hub
   * writes, through HAPI's DAO, validated all the same: an AuditEvent (clients get 403,
   * AuditTrailIT) and an SNP broadcast past its first step (the hub moves it, SnpBroadcastIT).
   */
  private void store(Resource resource) {
    if (resource instanceof AuditEvent event) {
      daos.getResourceDao(AuditEvent.class).update(event, new SystemRequestDetails());
    } else if (SnpRequest.isBroadcast(resource)) {
      daos.getResourceDao(Task.class).update((Task) resource, SnpTaskInterceptor.byTheHub());
    } else {
      client.update().resource(resource).execute();
    }
  }

  static Stream<Example> validExamples() {
    return IgExamples.ofOutcome(Outcome.VALID).stream();
  }

  static Stream<Example> invalidExamples() {
    return IgExamples.ofOutcome(Outcome.INVALID).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validExamples")
  void validExample_isStored_withTheProfileItWasCheckedAgainst(Example example) {
    Resource resource = example.parse(HubClient.FHIR);
    List<String> declared =
        resource.getMeta().getProfile().stream().map(p -> p.getValue()).toList();
    String defaultProfile = DEFAULT_PROFILES.get(example.resourceType());
    if (defaultProfile != null && declared.equals(List.of(defaultProfile))) {
      // Sent without meta.profile: the hub checks it against its type's default and says so.
      resource.getMeta().getProfile().clear();
    }

    store(resource);

    Resource stored =
        (Resource) client.read().resource(example.resourceType()).withId(example.id()).execute();
    assertThat(stored.getMeta().getProfile()).extracting(p -> p.getValue()).containsAll(declared);
  }

  /** The type's only hub profile on the base resource, applied when none is declared. */
  private static final java.util.Map<String, String> DEFAULT_PROFILES =
      java.util.Map.of(
          "Practitioner", HubProfiles.PRACTITIONER,
          "PractitionerRole", HubProfiles.PRACTITIONER_ROLE,
          "Organization", HubProfiles.ORGANIZATION,
          "Location", HubProfiles.LOCATION,
          "Slot", HubProfiles.SLOT,
          "Schedule", HubProfiles.SCHEDULE,
          "Patient", HubProfiles.PATIENT);

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void invalidExample_isRefusedWith422_namingTheRule_andNothingIsStored(Example example) {
    Resource resource = example.parse(HubClient.FHIR);

    UnprocessableEntityException refused =
        catchThrowableOfType(
            UnprocessableEntityException.class, () -> client.update().resource(resource).execute());

    assertThat(refused).as("%s must be refused", example.file()).isNotNull();
    assertThat(refused.getStatusCode()).isEqualTo(422);
    OperationOutcome outcome = (OperationOutcome) refused.getOperationOutcome();
    List<OperationOutcomeIssueComponent> issues = outcome.getIssue();
    assertThat(issues.get(0).getDiagnostics()).startsWith("HUB-0304");
    assertThat(issues.subList(1, issues.size()))
        .isNotEmpty()
        .allMatch(i -> i.hasExpression(), "every issue names its element")
        .anyMatch(
            i ->
                i.getDiagnostics().contains(example.expect())
                    || i.getExpression().stream()
                        .anyMatch(e -> e.getValue().contains(example.expect())));
    assertThatThrownBy(
            () -> client.read().resource(example.resourceType()).withId(example.id()).execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void transaction_withOneNonConformantSlot_isRefusedWith422_andStoresNone() {
    Slot template = (Slot) example("Slot-ex-creneau-cpts.json");
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 10; i++) {
      Slot slot = template.copy();
      slot.setId((String) null);
      slot.getIdentifierFirstRep().setValue("tx-profile-" + i);
      if (i == 7) {
        slot.getMeta().getSecurityFirstRep().setCode("URGENT");
      }
      bundle
          .addEntry()
          .setResource(slot)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Slot");
    }

    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("Slot.meta.security");
    Bundle stored =
        client
            .search()
            .byUrl("Slot?identifier=" + HubIdentifiers.SLOT + "|tx-profile-0")
            .returnBundle(Bundle.class)
            .execute();
    assertThat(stored.getTotal()).isZero();
  }

  @Test
  void update_thatBreaksAProfile_isRefused_andThePreviousVersionStays() {
    Location before = client.read().resource(Location.class).withId("ex-lieu-kercado").execute();
    Location broken = before.copy();
    broken.getAddress().setPostalCode("56 000");

    assertThatThrownBy(() -> client.update().resource(broken).execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("hub-loc-2");

    Location after = client.read().resource(Location.class).withId("ex-lieu-kercado").execute();
    assertThat(after.getAddress().getPostalCode()).isEqualTo("56000");
    assertThat(after.getMeta().getVersionId()).isEqualTo(before.getMeta().getVersionId());
  }

  @Test
  void validateOperation_reportsTheRuleOfADeclaredProfile_withoutStoringAnything() {
    Resource invalid = example("Location-invalid-postal-code.json");
    // Type-level $validate: the resource is not on the server.
    invalid.setId((String) null);

    MethodOutcome outcome = client.validate().resource(invalid).execute();

    OperationOutcome issues = (OperationOutcome) outcome.getOperationOutcome();
    assertThat(issues.getIssue())
        .anyMatch(
            i ->
                i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                    && i.getDiagnostics().contains("hub-loc-2")
                    // The HAPI client wraps the resource in Parameters: the path starts there.
                    && i.getExpression().get(0).getValue().endsWith(".address"));
    assertThatThrownBy(
            () -> client.read().resource(Location.class).withId("invalid-postal-code").execute())
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void create_withoutMetaProfile_isCheckedAgainstTheTypesDefault_andStoredDeclaringIt() {
    Patient patient = new Patient();
    patient.addName().setFamily("TANGUY").addGiven("Lucie");

    MethodOutcome created = client.create().resource(patient).execute();

    Patient stored =
        client.read().resource(Patient.class).withId(created.getId().getIdPart()).execute();
    assertThat(stored.getMeta().getProfile())
        .extracting(p -> p.getValue())
        .containsExactly(HubProfiles.PATIENT);
  }

  private static Resource example(String file) {
    return IgExamples.all().stream()
        .filter(e -> e.file().equals(file))
        .findFirst()
        .orElseThrow()
        .parse(HubClient.FHIR);
  }
}
