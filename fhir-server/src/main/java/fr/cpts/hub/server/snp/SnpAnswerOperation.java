package fr.cpts.hub.server.snp;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.access.StructureScope;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.config.HubOutcomes;
import fr.cpts.hub.server.config.HubTime;
import fr.cpts.hub.server.mt.MtRecords;
import fr.cpts.hub.server.security.ClientIdentity;
import fr.cpts.hub.server.security.ClientRole;
import fr.cpts.hub.server.storage.ResourceRowLocks;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code POST [base]/Task/{id}/$snp-answer}: a professional alerted for a broadcast SNP request
 * answers it, {@code accepted} or {@code declined} (FHIR's participationstatus codes).
 *
 * <p>All of it happens in one database transaction that first locks the Task's row ({@link
 * ResourceRowLocks}) and reads it again: of two acceptances at once, on one node or on several
 * sharing the database, the second waits for the first and finds the request taken (409 HUB-0444).
 * An acceptance books the Appointment (on the professional's slot, made busy in the same
 * transaction, or at the start time proposed), completes the Task with the professional as owner
 * and the Appointment as output, and tells everyone else still asked that the request is closed. A
 * refusal is recorded; when nobody is left to answer, the next wave goes at the broadcaster's next
 * pass. A refused booking (the slot taken meanwhile) changes nothing.
 *
 * <p>Who may answer for a role: when clients are identified, the software of the role's structure
 * (its certificate) or the professional of the role (signed in); anyone else 403 HUB-0449. In the
 * insecure development mode, anyone.
 */
@Component
public class SnpAnswerOperation implements HubOperationProvider {

  public static final String OPERATION = "$snp-answer";
  public static final String CANONICAL =
      HubIdentifiers.CANONICAL_BASE + "/OperationDefinition/task-snp-answer";

  private final MtRecords records;
  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final ResourceRowLocks locks;
  private final SnpMessages messages;
  private final ObjectProvider<StructureScope> scope;
  private final SnpProperties properties;
  private final Clock clock;

  public SnpAnswerOperation(
      MtRecords records,
      DaoRegistry daos,
      IHapiTransactionService transactions,
      ResourceRowLocks locks,
      SnpMessages messages,
      ObjectProvider<StructureScope> scope,
      SnpProperties properties,
      Clock clock) {
    this.records = records;
    this.daos = daos;
    this.transactions = transactions;
    this.locks = locks;
    this.messages = messages;
    this.scope = scope;
    this.properties = properties;
    this.clock = clock;
  }

  @Operation(name = OPERATION, type = Task.class, canonicalUrl = CANONICAL)
  public Parameters answer(
      @IdParam IdType id,
      @OperationParam(name = "practitionerRole", min = 1, max = 1) Reference role,
      @OperationParam(name = "answer", min = 1, max = 1) CodeType answer,
      @OperationParam(name = "slot", min = 0, max = 1) Reference slot,
      @OperationParam(name = "start", min = 0, max = 1) DateTimeType start,
      @OperationParam(name = "reason", min = 0, max = 1) StringType reason,
      RequestDetails request) {
    String roleId = roleId(role);
    boolean accepted = accepted(answer);
    if (accepted
        && (slot == null || !slot.hasReference())
        && (start == null || !start.hasValue())) {
      throw invalid(
          "HUB-0446: an acceptance says when: a slot of yours (slot) or a start time (start)",
          "Parameters.parameter");
    }
    PractitionerRole answering =
        records
            .read(PractitionerRole.class, new IdType("PractitionerRole", roleId))
            .orElseThrow(
                () ->
                    invalid(
                        "HUB-0443: PractitionerRole/" + roleId + " is not in the directory",
                        "Parameters.parameter"));
    checkCaller(answering, request);
    Instant now = clock.instant();
    return transactions
        .withSystemRequest()
        .execute(
            () -> {
              Task task = lockAndRead(id.getIdPart());
              check(task, roleId);
              return accepted
                  ? accept(task, answering, slot, start, now)
                  : decline(task, roleId, reason, now);
            });
  }

  private Parameters decline(Task task, String roleId, StringType reason, Instant now) {
    Extension recorded = SnpRequest.addAnswer(task, roleId, false, now);
    if (reason != null && reason.hasValue()) {
      recorded.addExtension("reason", new StringType(reason.getValue()));
    }
    task.setLastModifiedElement(HubTime.dateTime(now));
    Task stored = store(task);
    return new Parameters()
        .addParameter(
            new Parameters.ParametersParameterComponent().setName("task").setResource(stored));
  }

  private Parameters accept(
      Task task, PractitionerRole role, Reference slotReference, DateTimeType start, Instant now) {
    String roleId = role.getIdElement().getIdPart();
    ServiceRequest request =
        records
            .read(ServiceRequest.class, task.getFocus())
            .orElseThrow(
                () -> conflict("HUB-0444: the request's ServiceRequest is no longer stored"));
    Appointment appointment = new Appointment();
    appointment.getMeta().addProfile(HubProfiles.APPOINTMENT);
    appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
    appointment.addBasedOn(new Reference("ServiceRequest/" + request.getIdElement().getIdPart()));
    request.getReasonCode().forEach(r -> appointment.addReasonCode(r.copy()));
    appointment.setDescription(
        "Soins non programmés (Task/" + task.getIdElement().getIdPart() + ")");
    appointment.setCreated(Date.from(now));
    Extension recorded = SnpRequest.addAnswer(task, roleId, true, now);
    if (slotReference != null && slotReference.hasReference()) {
      Slot slot = slotOf(slotReference, role);
      appointment.addSlot(new Reference("Slot/" + slot.getIdElement().getIdPart()));
      appointment.setStart(slot.getStart());
      appointment.setEnd(slot.getEnd());
      recorded.addExtension("slot", new Reference("Slot/" + slot.getIdElement().getIdPart()));
    } else {
      Instant at = start.getValue().toInstant();
      appointment.setStart(Date.from(at));
      appointment.setEnd(Date.from(at.plus(properties.appointmentLength())));
      recorded.addExtension("start", HubTime.dateTime(at));
    }
    appointment
        .addParticipant()
        .setActor(request.getSubject().copy())
        .setStatus(ParticipationStatus.ACCEPTED);
    appointment
        .addParticipant()
        .setActor(new Reference("PractitionerRole/" + roleId))
        .setStatus(ParticipationStatus.ACCEPTED);
    if (role.hasPractitioner()) {
      Reference practitioner =
          new Reference("Practitioner/" + role.getPractitioner().getReferenceElement().getIdPart());
      records.read(Practitioner.class, role.getPractitioner()).stream()
          .flatMap(p -> p.getIdentifier().stream())
          .filter(i -> FrIdentifiers.IDNPS.equals(i.getSystem()))
          .findFirst()
          .ifPresent(i -> practitioner.setIdentifier(i.copy()));
      appointment.addParticipant().setActor(practitioner).setStatus(ParticipationStatus.ACCEPTED);
    }
    // The slot is booked here (SlotBookingInterceptor): taken meanwhile, nothing is stored.
    Appointment booked =
        (Appointment)
            daos.getResourceDao(Appointment.class)
                .create(appointment, new SystemRequestDetails())
                .getResource();
    Set<String> others = SnpRequest.alerted(task);
    others.remove(roleId);
    SnpRequest.enter(task, SnpStep.ACCEPTED, now);
    task.setOwner(new Reference("PractitionerRole/" + roleId));
    task.getOutput().clear();
    task.addOutput()
        .setType(new org.hl7.fhir.r4.model.CodeableConcept().setText("Appointment"))
        .setValue(new Reference("Appointment/" + booked.getIdElement().getIdPart()));
    Task stored = store(task);
    messages.closed(task, List.copyOf(others), "prise par un autre médecin", now);
    Parameters out = new Parameters();
    out.addParameter().setName("task").setResource(stored);
    out.addParameter().setName("appointment").setResource(booked);
    return out;
  }

  /** A free slot of the answering professional's own schedules (the booking checks it is free). */
  private Slot slotOf(Reference reference, PractitionerRole role) {
    Slot slot =
        records
            .read(Slot.class, reference)
            .orElseThrow(
                () ->
                    invalid(
                        "HUB-0446: " + reference.getReference() + " is not a stored Slot",
                        "Parameters.parameter"));
    String roleRef = "PractitionerRole/" + role.getIdElement().getIdPart();
    String practitionerRef =
        role.hasPractitioner()
            ? "Practitioner/" + role.getPractitioner().getReferenceElement().getIdPart()
            : null;
    boolean own =
        records.read(Schedule.class, slot.getSchedule()).stream()
            .flatMap(s -> s.getActor().stream())
            .map(a -> a.getReferenceElement().toUnqualifiedVersionless().getValue())
            .anyMatch(a -> roleRef.equals(a) || a.equals(practitionerRef));
    if (!own) {
      throw invalid(
          "HUB-0446: Slot/"
              + slot.getIdElement().getIdPart()
              + " is not on a schedule of "
              + roleRef
              + " or its practitioner",
          "Parameters.parameter");
    }
    return slot;
  }

  private Task lockAndRead(String taskId) {
    boolean exists;
    try {
      exists = locks.lock("Task", taskId);
    } catch (ResourceRowLocks.LockTimeout busy) {
      // Another answer held the request longer than the database waits: it decides, try again.
      throw conflict("HUB-0444: the request is being answered by someone else; try again");
    }
    Optional<Task> task =
        exists ? records.read(Task.class, new IdType("Task", taskId)) : Optional.empty();
    return task.filter(SnpRequest::isBroadcast)
        .orElseThrow(
            () ->
                new ResourceNotFoundException(
                    "HUB-0440: Task/" + taskId + " is no SNP broadcast request"));
  }

  private static void check(Task task, String roleId) {
    SnpStep step = SnpRequest.step(task);
    if (!step.isOpen()) {
      String why =
          switch (step) {
            case ACCEPTED ->
                SnpRequest.acceptance(task).map(a -> a.role()).orElse("").equals(roleId)
                    ? "you have already accepted it"
                    : "another professional has accepted it";
            case ESCALATED -> "it was escalated to the regulator";
            case CANCELLED -> "its requester cancelled it";
            default -> "it is closed";
          };
      throw conflict("HUB-0444: the request is closed: " + why);
    }
    if (!SnpRequest.alerted(task).contains(roleId)) {
      throw new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException(
          "HUB-0443: PractitionerRole/" + roleId + " was not alerted for this request",
          HubOutcomes.error(
              "HUB-0443: PractitionerRole/" + roleId + " was not alerted for this request",
              "Parameters.parameter",
              IssueType.BUSINESSRULE));
    }
    if (SnpRequest.answers(task).stream().anyMatch(a -> a.role().equals(roleId))) {
      throw new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException(
          "HUB-0445: PractitionerRole/" + roleId + " has already answered this request",
          HubOutcomes.error(
              "HUB-0445: PractitionerRole/" + roleId + " has already answered this request",
              "Parameters.parameter",
              IssueType.DUPLICATE));
    }
  }

  /**
   * When clients are identified: the practice software of the role's structure, or the signed-in
   * professional of the role.
   */
  private void checkCaller(PractitionerRole role, RequestDetails request) {
    Optional<ClientIdentity> caller = ClientIdentity.of(request);
    if (caller.isEmpty()) {
      return;
    }
    ClientIdentity client = caller.get();
    boolean may =
        (client.is(ClientRole.GP_SOFTWARE)
                && client.idnst() != null
                && scope.getIfAvailable() != null
                && scope.getIfAvailable().isRole(role, client.idnst(), request))
            || (client.fromToken()
                && client.practitionerId() != null
                && role.hasPractitioner()
                && client
                    .practitionerId()
                    .equals(role.getPractitioner().getReferenceElement().getIdPart()));
    if (!may) {
      String message =
          "HUB-0449: you do not act for PractitionerRole/"
              + role.getIdElement().getIdPart()
              + "; answer for your own roles";
      throw new ForbiddenOperationException(
          message, HubOutcomes.error(message, "Parameters.parameter", IssueType.FORBIDDEN));
    }
  }

  private Task store(Task task) {
    return (Task)
        daos.getResourceDao(Task.class).update(task, SnpTaskInterceptor.byTheHub()).getResource();
  }

  private static String roleId(Reference role) {
    IdType id = role == null ? null : new IdType(role.getReference());
    if (id == null
        || !"PractitionerRole".equals(id.getResourceType())
        || !id.hasIdPart()
        || id.isAbsolute()) {
      throw invalid(
          "HUB-0446: practitionerRole is a reference PractitionerRole/{id} to the role alerted",
          "Parameters.parameter");
    }
    return id.getIdPart();
  }

  private static boolean accepted(CodeType answer) {
    String code = answer == null ? null : answer.getValue();
    if ("accepted".equals(code)) {
      return true;
    }
    if ("declined".equals(code)) {
      return false;
    }
    throw invalid("HUB-0446: answer is accepted or declined", "Parameters.parameter");
  }

  private static InvalidRequestException invalid(String message, String expression) {
    return new InvalidRequestException(
        message, HubOutcomes.error(message, expression, IssueType.INVALID));
  }

  private static ResourceVersionConflictException conflict(String message) {
    return new ResourceVersionConflictException(
        message, HubOutcomes.error(message, "Task.businessStatus", IssueType.CONFLICT));
  }
}
