package fr.cpts.hub.server.mt;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubOutcomes;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.config.HubTime;
import fr.cpts.hub.server.security.ClientIdentity;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * The workflow of a request for a médecin traitant, enforced on every write of its Task (REST,
 * transaction, PATCH, the hub's own): the team moves it by updating {@code businessStatus} (a
 * {@code hub-mt-step} code), the hub checks the move and records it. Decided so rather than as one
 * operation per step: any FHIR client can do it with a plain update, in a transaction too, and no
 * write can go around the checks.
 *
 * <ul>
 *   <li>A new request starts {@code received} (anything else: 422 HUB-0823); an authoredOn in the
 *       future is refused (422 HUB-0822), a missing one is now.
 *   <li>Only the moves of {@link MtStep#next()} are allowed; any other, and any move out of {@code
 *       attached} or {@code abandoned}, gets 409 HUB-0824 naming the allowed ones.
 *   <li>{@code ipa-assessment} and {@code proposed} name their IPA or GP in {@code owner}, a
 *       PractitionerRole (422 HUB-0825); the GP proposed must accept new patients (422 HUB-0826);
 *       {@code accepted}, {@code declined} and {@code attached} keep that GP as owner (422
 *       HUB-0827); {@code abandoned} says why in {@code statusReason} (422 HUB-0829).
 *   <li>{@code accepted} takes one unit of the GP's capacity ({@link MtCapacity}: 409 HUB-0828 when
 *       none is left); abandoning an accepted request gives it back.
 *   <li>Each move appends a {@code hub-workflow-step} extension: the step, when (the hub's clock),
 *       who (the owner, or the requester of a new request) and which client; earlier steps are kept
 *       as stored, whatever the client sends. Task.status follows the step; lastModified is now.
 *   <li>The priority is computed again ({@link MtPriority}) from the stored Patient and latest
 *       fiche de saisine, except when the intake of a transaction already did it.
 * </ul>
 *
 * Nothing is stored when a check fails. It runs before the profile validation, which then checks
 * what it wrote.
 */
@Component
@Interceptor(order = MtWorkflowInterceptor.ORDER)
public class MtWorkflowInterceptor implements HubStorageInterceptor {

  /** After the national identifiers (-100), before the profile validation (0). */
  static final int ORDER = -50;

  private final MtRecords records;
  private final MtCapacity capacity;
  private final Clock clock;

  public MtWorkflowInterceptor(MtRecords records, MtCapacity capacity, Clock clock) {
    this.records = records;
    this.capacity = capacity;
    this.clock = clock;
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
  public void created(IBaseResource resource, RequestDetails request) {
    if (!MtRecords.isFindMt(resource)) {
      return;
    }
    Task task = (Task) resource;
    Instant now = clock.instant();
    Optional<MtStep> declared = MtStep.of(task.getBusinessStatus());
    if (declared.isPresent() && declared.get() != MtStep.RECEIVED) {
      throw unprocessable(
          "HUB-0823: a new request for a médecin traitant starts at step received, not "
              + declared.get().code()
              + "; create it received, then update its businessStatus",
          "Task.businessStatus");
    }
    if (!task.hasAuthoredOn()) {
      task.setAuthoredOnElement(HubTime.dateTime(now));
    } else if (task.getAuthoredOn().toInstant().isAfter(now.plusSeconds(300))) {
      throw unprocessable(
          "HUB-0822: Task.authoredOn is in the future; send the date the request was made",
          "Task.authoredOn");
    }
    task.getExtension().removeIf(e -> HubProfiles.EXT_WORKFLOW_STEP.equals(e.getUrl()));
    enter(task, MtStep.RECEIVED, task.hasRequester() ? task.getRequester() : null, now, request);
    prioritise(task, now);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    boolean was = MtRecords.isFindMt(previous);
    if (!was && !MtRecords.isFindMt(resource)) {
      return;
    }
    if (was != MtRecords.isFindMt(resource)) {
      throw unprocessable(
          "HUB-0831: the code of a Task cannot change to or from find-mt; create another Task",
          "Task.code");
    }
    Task before = (Task) previous;
    Task task = (Task) resource;
    Instant now = clock.instant();
    MtStep from = MtStep.of(before.getBusinessStatus()).orElse(MtStep.RECEIVED);
    MtStep to = MtStep.of(task.getBusinessStatus()).orElse(from);
    // The steps recorded so far are the stored ones, whatever the client sent.
    task.getExtension().removeIf(e -> HubProfiles.EXT_WORKFLOW_STEP.equals(e.getUrl()));
    before.getExtension().stream()
        .filter(e -> HubProfiles.EXT_WORKFLOW_STEP.equals(e.getUrl()))
        .forEach(e -> task.addExtension(e.copy()));
    if (to != from) {
      move(before, task, from, to);
      enter(task, to, actor(task, to), now, request);
    } else {
      task.setStatus(to.status());
      task.setBusinessStatus(to.concept());
      task.setLastModifiedElement(HubTime.dateTime(now));
    }
    if (!to.isFinal()) {
      prioritise(task, now);
    }
  }

  private void move(Task before, Task task, MtStep from, MtStep to) {
    if (!from.next().contains(to)) {
      throw new ResourceVersionConflictException(
          "HUB-0824: a request at step "
              + from.code()
              + " cannot move to "
              + to.code()
              + (from.isFinal()
                  ? " (" + from.code() + " is final)"
                  : "; allowed: "
                      + from.next().stream().map(MtStep::code).collect(Collectors.joining(", ")))
              + "; nothing was stored",
          outcome(
              "HUB-0824: step " + from.code() + " cannot move to " + to.code(),
              "Task.businessStatus",
              IssueType.CONFLICT));
    }
    switch (to) {
      case IPA_ASSESSMENT -> ownerRole(task, to);
      case PROPOSED -> {
        String role = ownerRole(task, to);
        PractitionerRole gp =
            records
                .read(PractitionerRole.class, task.getOwner())
                .orElseThrow(
                    () ->
                        unprocessable(
                            "HUB-0825: PractitionerRole/" + role + " does not exist",
                            "Task.owner"));
        if (!gp.getActive() || !MtCapacity.accepting(gp)) {
          throw unprocessable(
              "HUB-0826: PractitionerRole/"
                  + role
                  + " does not accept new patients as médecin traitant; propose the request to"
                  + " one of those $mt-match lists",
              "Task.owner");
        }
      }
      case ACCEPTED, DECLINED, ATTACHED -> {
        if (!Objects.equals(reference(before.getOwner()), reference(task.getOwner()))) {
          throw unprocessable(
              "HUB-0827: step "
                  + to.code()
                  + " is the proposed GP's ("
                  + before.getOwner().getReference()
                  + "): keep them as Task.owner",
              "Task.owner");
        }
        if (to == MtStep.ACCEPTED) {
          capacity.take(task.getOwner().getReferenceElement().getIdPart());
        }
      }
      case ABANDONED -> {
        if (!task.hasStatusReason()) {
          throw unprocessable(
              "HUB-0829: an abandoned request says why in Task.statusReason (text or code)",
              "Task.statusReason");
        }
        if (from == MtStep.ACCEPTED) {
          capacity.giveBack(before.getOwner().getReferenceElement().getIdPart());
        }
      }
      default -> {}
    }
  }

  private String ownerRole(Task task, MtStep to) {
    return MtRecords.stored(task.getOwner(), "PractitionerRole")
        .map(id -> id.getIdPart())
        .orElseThrow(
            () ->
                unprocessable(
                    "HUB-0825: step "
                        + to.code()
                        + " names "
                        + (to == MtStep.IPA_ASSESSMENT ? "the IPA" : "the GP")
                        + " in Task.owner, a reference to their PractitionerRole",
                    "Task.owner"));
  }

  /** A reference as {@code Type/id}, without version; null when absent. */
  private static String reference(Reference reference) {
    String type = reference.getReferenceElement().getResourceType();
    return type == null
        ? null
        : MtRecords.stored(reference, type).map(id -> id.getValue()).orElse(null);
  }

  private static Reference actor(Task task, MtStep step) {
    if (task.hasOwner()) {
      return task.getOwner();
    }
    return task.hasRequester() ? task.getRequester() : null;
  }

  private void enter(Task task, MtStep step, Reference actor, Instant now, RequestDetails request) {
    task.setStatus(step.status());
    task.setBusinessStatus(step.concept());
    task.setLastModifiedElement(HubTime.dateTime(now));
    Extension recorded = task.addExtension().setUrl(HubProfiles.EXT_WORKFLOW_STEP);
    recorded.addExtension("step", step.coding());
    recorded.addExtension("at", HubTime.dateTime(now));
    if (actor != null && actor.hasReference()) {
      recorded.addExtension("actor", new Reference(actor.getReference()));
    }
    ClientIdentity.of(request)
        .map(ClientIdentity::clientId)
        .ifPresent(client -> recorded.addExtension("client", new StringType(client)));
  }

  /**
   * The priority from the stored records, unless the transaction's intake computed it from the
   * records it carries (they are not stored yet).
   */
  private void prioritise(Task task, Instant now) {
    if (Boolean.TRUE.equals(task.getUserData(MtRequestIntakeInterceptor.PRIORITISED))
        || (task.hasExtension(HubProfiles.EXT_PRIORITY)
            && MtRecords.stored(task.getFocus(), "ServiceRequest").isEmpty())) {
      return;
    }
    LocalDate today = now.atZone(MtSituation.PARIS).toLocalDate();
    MtPriority.of(records.situation(task, today), HubTime.day(task.getAuthoredOnElement()), today)
        .stamp(task, now);
  }

  static UnprocessableEntityException unprocessable(String message, String expression) {
    return new UnprocessableEntityException(
        message, outcome(message, expression, IssueType.PROCESSING));
  }

  static OperationOutcome outcome(String message, String expression, IssueType type) {
    return HubOutcomes.error(message, expression, type);
  }
}
