package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A GP software publishing a practitioner: create, read, update, history, conditional writes. */
@HubIntegrationTest
class PractitionerCrudIT {

  /** IDNPS numbers unique to this test class, away from the demo's 8100000xxxxx range. */
  private static final AtomicInteger NEXT = new AtomicInteger(0);

  @LocalServerPort int port;

  private static String newIdnps() {
    return String.format("8199%08d", NEXT.incrementAndGet());
  }

  private static Practitioner practitioner(String idnps, String family) {
    return ConformantPractitioners.of(idnps, family, "Jeanne");
  }

  @Test
  void create_read_update_history_vread_delete() {
    IGenericClient client = HubClient.of(port);
    String idnps = newIdnps();

    MethodOutcome created = client.create().resource(practitioner(idnps, "KERGOAT")).execute();
    assertThat(created.getCreated()).isTrue();
    IdType id = (IdType) created.getId();
    assertThat(id.getVersionIdPart()).isEqualTo("1");

    Practitioner read =
        client.read().resource(Practitioner.class).withId(id.toUnqualifiedVersionless()).execute();
    assertThat(read.getNameFirstRep().getFamily()).isEqualTo("KERGOAT");

    read.getNameFirstRep().setFamily("KERGOAT-MADEC");
    MethodOutcome updated = client.update().resource(read).execute();
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    Bundle history =
        client
            .history()
            .onInstance(id.toUnqualifiedVersionless())
            .returnBundle(Bundle.class)
            .execute();
    assertThat(history.getEntry()).hasSize(2);

    Practitioner first =
        client.read().resource(Practitioner.class).withIdAndVersion(id.getIdPart(), "1").execute();
    assertThat(first.getNameFirstRep().getFamily()).isEqualTo("KERGOAT");

    client.delete().resourceById(id.toUnqualifiedVersionless()).execute();
    assertThatThrownBy(
            () ->
                client
                    .read()
                    .resource(Practitioner.class)
                    .withId(id.toUnqualifiedVersionless())
                    .execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void conditionalPutByIdentifier_twice_leavesExactlyOneResource() {
    IGenericClient client = HubClient.of(port);
    String idnps = newIdnps();
    String match = "Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + idnps;

    MethodOutcome first =
        client.update().resource(practitioner(idnps, "LE DREN")).conditionalByUrl(match).execute();
    MethodOutcome second =
        client.update().resource(practitioner(idnps, "LE DREN")).conditionalByUrl(match).execute();

    assertThat(first.getCreated()).isTrue();
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    assertThat(countByIdnps(client, idnps)).isEqualTo(1);
  }

  @Test
  void conditionalCreateIfNoneExist_twice_createsOnce() {
    IGenericClient client = HubClient.of(port);
    String idnps = newIdnps();
    String condition = "identifier=" + FrIdentifiers.IDNPS + "|" + idnps;

    MethodOutcome first =
        client
            .create()
            .resource(practitioner(idnps, "RIOU"))
            .conditionalByUrl("Practitioner?" + condition)
            .execute();
    MethodOutcome second =
        client
            .create()
            .resource(practitioner(idnps, "RIOU"))
            .conditionalByUrl("Practitioner?" + condition)
            .execute();

    assertThat(first.getCreated()).isTrue();
    assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    assertThat(countByIdnps(client, idnps)).isEqualTo(1);
  }

  @Test
  void conditionalPut_withTheRppsUnprefixedInTheUrl_findsThePractitionerStoredPrefixed() {
    IGenericClient client = HubClient.of(port);
    String idnps = newIdnps();
    String match = "Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + idnps.substring(1);

    MethodOutcome first =
        client.update().resource(practitioner(idnps, "PRIGENT")).conditionalByUrl(match).execute();
    MethodOutcome second =
        client.update().resource(practitioner(idnps, "PRIGENT")).conditionalByUrl(match).execute();

    assertThat(first.getCreated()).isTrue();
    assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
    assertThat(countByIdnps(client, idnps)).isEqualTo(1);
  }

  @Test
  void transactionEntries_withTheRppsUnprefixed_updateInPlace() {
    IGenericClient client = HubClient.of(port);
    String idnps = newIdnps();
    String match = "Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + idnps.substring(1);

    for (String family : new String[] {"LE GALL", "LE GALL-TANGUY"}) {
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      transaction
          .addEntry()
          .setResource(practitioner(idnps, family))
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl(match);
      Bundle response = client.transaction().withBundle(transaction).execute();
      assertThat(response.getEntryFirstRep().getResponse().getStatus()).startsWith("20");
    }
    assertThat(countByIdnps(client, idnps)).isEqualTo(1);
  }

  @Test
  void conditionalReference_withTheRppsUnprefixed_pointsAtThePractitionerStoredPrefixed() {
    IGenericClient client = HubClient.of(port);
    String idnps = newIdnps();
    IdType stored =
        (IdType) client.create().resource(practitioner(idnps, "KERVELLA")).execute().getId();
    String match = "Practitioner?identifier=" + FrIdentifiers.IDNPS + "|" + idnps.substring(1);

    // A plain create...
    IdType plain = (IdType) client.create().resource(role(match)).execute().getId();
    // ...and a transaction entry, as a practice software publishes its directory.
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(role(match))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("PractitionerRole");
    IdType inTransaction =
        new IdType(
            client
                .transaction()
                .withBundle(transaction)
                .execute()
                .getEntryFirstRep()
                .getResponse()
                .getLocation());

    for (IdType role : new IdType[] {plain, inTransaction}) {
      assertThat(
              client
                  .read()
                  .resource(PractitionerRole.class)
                  .withId(role.toUnqualifiedVersionless())
                  .execute()
                  .getPractitioner()
                  .getReference())
          .as(role.getValue())
          .isEqualTo("Practitioner/" + stored.getIdPart());
    }
  }

  private static PractitionerRole role(String practitioner) {
    PractitionerRole role = new PractitionerRole();
    role.addIdentifier()
        .setSystem(HubIdentifiers.PRACTITIONER_ROLE)
        .setValue("role-" + UUID.randomUUID());
    role.setActive(true);
    role.setPractitioner(new Reference(practitioner));
    role.addCode(
        new CodeableConcept(new Coding(FrCodeSystems.TRE_R22_GENRE_ACTIVITE, "GENR01", null)));
    role.addCode(new CodeableConcept(new Coding(FrCodeSystems.TRE_R23_MODE_EXERCICE, "L", null)));
    return role;
  }

  private static int countByIdnps(IGenericClient client, String idnps) {
    Bundle bundle =
        client
            .search()
            .forResource(Practitioner.class)
            .where(Practitioner.IDENTIFIER.exactly().systemAndCode(FrIdentifiers.IDNPS, idnps))
            .returnBundle(Bundle.class)
            .execute();
    return bundle.getTotal();
  }
}
