package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.flow.MtFixtures.Gp;
import fr.cpts.hub.server.flow.MtFixtures.Place;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * SNP broadcasts as the flows make them: volunteer professionals (a GP of {@link MtFixtures} who
 * also takes part in SNP by answering alerts), a patient, the SNP ServiceRequest and its broadcast
 * Task as the regulator sends them, the answers as the professionals' software sends them.
 */
final class SnpFixtures {

  /** The regulator who broadcasts, by IDNPS. */
  static final String REGULATOR_IDNPS = "810000099999";

  private final IGenericClient client;

  SnpFixtures(IGenericClient client) {
    this.client = client;
  }

  /** A GP at {@code place} taking part in SNP with the modes given ({@code alerts}, ...). */
  Gp volunteer(String family, Place place, String... modes) {
    Gp gp = MtFixtures.gp(client, family, place, false, null);
    PractitionerRole role =
        client.read().resource(PractitionerRole.class).withId(gp.roleId()).execute();
    Extension snp = role.addExtension().setUrl(HubProfiles.EXT_SNP_PARTICIPATION);
    snp.addExtension("participating", new BooleanType(true));
    for (String mode : modes) {
      snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, mode, null));
    }
    client.update().resource(role).execute();
    return gp;
  }

  /** A stored patient; its médecin traitant when one is given. */
  String patient(Gp medecinTraitant) {
    Patient patient = MtFixtures.patientWithIns(MtFixtures.ins(), "SNP", "Alice", "1980-05-17");
    if (medecinTraitant != null) {
      patient.addGeneralPractitioner(new Reference(medecinTraitant.role()));
    }
    return client
        .create()
        .resource(patient)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  /** The SNP request: a consultation at the practice within {@code window}, in the commune. */
  String request(String patient, Place commune, Duration window, String... modes) {
    ServiceRequest request = new ServiceRequest();
    request.getMeta().addProfile(HubProfiles.SERVICE_REQUEST_SNP);
    request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    request.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    request.setPriority(ServiceRequest.ServiceRequestPriority.URGENT);
    request.getCode().setText("Consultation de soins non programmés");
    request.addCategory(
        new CodeableConcept(new Coding(HubProfiles.CS_REQUEST_CATEGORY, "snp-orientation", null)));
    request.setSubject(new Reference(patient));
    Instant now = Instant.now();
    request.getOccurrencePeriod().setStart(Date.from(now)).setEnd(Date.from(now.plus(window)));
    for (String mode : modes.length == 0 ? new String[] {"AMB"} : modes) {
      request.addOrderDetail(
          new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, mode, null)));
    }
    request.addLocationCode(
        new CodeableConcept(
            new Coding(
                FrCodeSystems.TRE_R13_COMMUNE, commune.insee(), "Commune " + commune.insee())));
    request.addReasonCode().setText("Fièvre depuis 3 jours, otalgie");
    return client
        .create()
        .resource(request)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  /** The broadcast Task of a request, by the regulator. */
  static Task broadcast(String request) {
    Task task = new Task();
    task.getMeta().addProfile(HubProfiles.TASK);
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setCode(new CodeableConcept(new Coding(HubProfiles.CS_TASK_TYPE, "snp-broadcast", null)));
    task.setFocus(new Reference(request));
    task.setRequester(
        new Reference()
            .setIdentifier(
                new org.hl7.fhir.r4.model.Identifier()
                    .setSystem(FrIdentifiers.IDNPS)
                    .setValue(REGULATOR_IDNPS))
            .setDisplay("Régulateur SAS"));
    return task;
  }

  String broadcastOf(String request) {
    return client.create().resource(broadcast(request)).execute().getId().getIdPart();
  }

  /** A schedule of the GP's role and a free SNP slot on it, starting in {@code in}. */
  String slotOf(Gp gp, Duration in) {
    Schedule schedule = new Schedule();
    schedule
        .addIdentifier()
        .setSystem(HubIdentifiers.SCHEDULE)
        .setValue("snp-" + UUID.randomUUID());
    schedule.setActive(true);
    schedule.addActor(new Reference("Practitioner/" + gp.practitionerId()));
    schedule.addActor(new Reference(gp.role()));
    String scheduleId =
        client.create().resource(schedule).execute().getId().toUnqualifiedVersionless().getValue();
    return client
        .create()
        .resource(
            BookingFixtures.snpSlot(
                scheduleId,
                "snp-" + UUID.randomUUID(),
                Instant.now().plus(in).truncatedTo(java.time.temporal.ChronoUnit.MINUTES),
                Duration.ofMinutes(20)))
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  /** What the professional's software sends to answer. */
  static Parameters answer(Gp gp, String answer) {
    Parameters in = new Parameters();
    in.addParameter("practitionerRole", new Reference(gp.role()));
    in.addParameter("answer", new CodeType(answer));
    return in;
  }

  static Parameters acceptWithSlot(Gp gp, String slot) {
    Parameters in = answer(gp, "accepted");
    in.addParameter("slot", new Reference(slot));
    return in;
  }

  static Parameters acceptAt(Gp gp, Instant start) {
    Parameters in = answer(gp, "accepted");
    in.addParameter("start", new DateTimeType(Date.from(start)));
    return in;
  }

  static Parameters answer(IGenericClient client, String taskId, Parameters in) {
    return client
        .operation()
        .onInstance(new IdType("Task", taskId))
        .named("$snp-answer")
        .withParameters(in)
        .execute();
  }

  /** The status of an answer: 200, or the error's status. */
  static int status(IGenericClient client, String taskId, Parameters in) {
    try {
      answer(client, taskId, in);
      return 200;
    } catch (BaseServerResponseException e) {
      return e.getStatusCode();
    }
  }
}
