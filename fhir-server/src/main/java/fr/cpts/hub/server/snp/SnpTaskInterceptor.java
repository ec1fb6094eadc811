package fr.cpts.hub.server.snp;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubOutcomes;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.config.HubTime;
import fr.cpts.hub.server.mt.MtRecords;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.springframework.stereotype.Component;

/**
 * The rules of a broadcast SNP request's Task ({@code hub-task-type|snp-broadcast}), on every write
 * of it (REST, transaction, PATCH):
 *
 * <ul>
 *   <li>A new one is the broadcast of a stored SNP ServiceRequest ({@code focus}, profile {@code
 *       hub-service-request-snp}, active: else 422 HUB-0441) for its patient ({@code for}, set from
 *       the request when absent), by someone ({@code requester}, who gets it back if nobody takes
 *       it: 422 HUB-0442). The hub sets the rest: {@code broadcast}, requested, no owner, its
 *       deadline ({@code restriction.period.end}: the end of the request's window or {@code
 *       objective} after it was made, whichever comes first; a window already over is 422
 *       HUB-0448); waves and answers sent by the client are dropped.
 *   <li>Afterwards the hub moves it ({@link SnpBroadcaster}, {@link SnpAnswerOperation}). A client
 *       may only cancel an open one (status {@code cancelled}, a {@code statusReason} if it wants):
 *       the hub keeps what it recorded and tells everyone alerted that it is closed. Any other
 *       change is 409 HUB-0447.
 * </ul>
 */
@Component
@Interceptor(order = SnpTaskInterceptor.ORDER)
public class SnpTaskInterceptor implements HubStorageInterceptor {

  /** After the national identifiers (-100), before the profile validation (0). */
  static final int ORDER = -50;

  /** User data of the hub's own requests that move a broadcast: not checked as a client's. */
  static final String MOVED_BY_THE_HUB = SnpTaskInterceptor.class.getName() + ".movedByTheHub";

  private final MtRecords records;
  private final SnpMessages messages;
  private final SnpProperties properties;
  private final Clock clock;

  public SnpTaskInterceptor(
      MtRecords records, SnpMessages messages, SnpProperties properties, Clock clock) {
    this.records = records;
    this.messages = messages;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * A request for the hub's own writes of broadcast Tasks, which it has built itself: not checked
   * as a client's (the profile validation still applies).
   */
  public static SystemRequestDetails byTheHub() {
    SystemRequestDetails request = new SystemRequestDetails();
    request.getUserData().put(MOVED_BY_THE_HUB, Boolean.TRUE);
    return request;
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
  public void created(IBaseResource resource, RequestDetails request) {
    if (!SnpRequest.isBroadcast(resource) || movedByTheHub(request)) {
      return;
    }
    Task task = (Task) resource;
    Instant now = clock.instant();
    ServiceRequest snp =
        records
            .read(ServiceRequest.class, task.getFocus())
            .filter(SnpTaskInterceptor::isSnpRequest)
            .orElseThrow(
                () ->
                    unprocessable(
                        "HUB-0441: Task.focus is the stored SNP ServiceRequest (profile"
                            + " hub-service-request-snp) that is broadcast",
                        "Task.focus"));
    if (snp.getStatus() != ServiceRequest.ServiceRequestStatus.ACTIVE) {
      throw unprocessable(
          "HUB-0441: the SNP ServiceRequest is "
              + (snp.hasStatus() ? snp.getStatus().toCode() : "without status")
              + "; only an active request is broadcast",
          "Task.focus");
    }
    if (!task.hasFor()) {
      task.setFor(snp.getSubject().copy());
    } else if (!Objects.equals(
        task.getFor().getReferenceElement().toUnqualifiedVersionless().getValue(),
        snp.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue())) {
      throw unprocessable(
          "HUB-0441: Task.for is the patient of the SNP ServiceRequest (its subject)", "Task.for");
    }
    if (!task.hasRequester()) {
      throw unprocessable(
          "HUB-0442: Task.requester names who broadcasts the request (the regulator or the CPTS's"
              + " SNP operator): it comes back to them if nobody takes it in time",
          "Task.requester");
    }
    if (task.hasBusinessStatus()
        && SnpStep.of(task.getBusinessStatus()).orElse(null) != SnpStep.BROADCAST) {
      throw unprocessable(
          "HUB-0447: a new SNP broadcast starts at step broadcast; the hub moves it afterwards",
          "Task.businessStatus");
    }
    if (!task.hasAuthoredOn()) {
      task.setAuthoredOnElement(HubTime.dateTime(now));
    } else if (task.getAuthoredOn().toInstant().isAfter(now.plusSeconds(300))) {
      throw unprocessable(
          "HUB-0448: Task.authoredOn is in the future; send when the request was made",
          "Task.authoredOn");
    }
    Instant deadline = task.getAuthoredOn().toInstant().plus(properties.objective());
    Date windowEnd = snp.getOccurrencePeriod().getEnd();
    if (windowEnd != null && windowEnd.toInstant().isBefore(deadline)) {
      deadline = windowEnd.toInstant();
    }
    if (!deadline.isAfter(now)) {
      throw unprocessable(
          "HUB-0448: the request's window is already over (it ended "
              + HubTime.dateTime(deadline).getValueAsString()
              + "); nobody can be asked to take it",
          "ServiceRequest.occurrencePeriod");
    }
    task.getExtension()
        .removeIf(
            e ->
                HubProfiles.EXT_SNP_WAVE.equals(e.getUrl())
                    || HubProfiles.EXT_SNP_ANSWER.equals(e.getUrl()));
    task.setOwner(null);
    task.getOutput().clear();
    task.getRestriction().getPeriod().setStartElement(task.getAuthoredOnElement().copy());
    task.getRestriction().getPeriod().setEndElement(HubTime.dateTime(deadline));
    SnpRequest.enter(task, SnpStep.BROADCAST, now);
    task.setStatus(TaskStatus.REQUESTED);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    boolean was = SnpRequest.isBroadcast(previous);
    if (!was && !SnpRequest.isBroadcast(resource)) {
      return;
    }
    if (was != SnpRequest.isBroadcast(resource)) {
      throw unprocessable(
          "HUB-0447: the code of a Task cannot change to or from snp-broadcast; create another"
              + " Task",
          "Task.code");
    }
    if (movedByTheHub(request)) {
      return;
    }
    Task before = (Task) previous;
    Task task = (Task) resource;
    if (task.getStatus() != TaskStatus.CANCELLED || !SnpRequest.step(before).isOpen()) {
      throw new ResourceVersionConflictException(
          "HUB-0447: an SNP broadcast is moved by the hub (professionals answer with"
              + " Task/{id}/$snp-answer); its requester may only cancel it while it is open"
              + " (status cancelled); it is "
              + SnpRequest.step(before).code(),
          HubOutcomes.error(
              "HUB-0447: an SNP broadcast is moved by the hub; only an open one may be cancelled",
              "Task.status",
              IssueType.CONFLICT));
    }
    // Cancelled: what the hub recorded stays as stored, whatever the client sent.
    Instant now = clock.instant();
    task.getExtension().clear();
    before.getExtension().forEach(e -> task.addExtension((Extension) e.copy()));
    task.setCode(before.getCode().copy());
    task.setFocus(before.getFocus().copy());
    task.setFor(before.getFor().copy());
    task.setRequester(before.getRequester().copy());
    task.setAuthoredOnElement(before.getAuthoredOnElement().copy());
    task.setRestriction(before.getRestriction().copy());
    task.setOwner(null);
    SnpRequest.enter(task, SnpStep.CANCELLED, now);
    messages.closed(task, List.copyOf(SnpRequest.alerted(before)), "annulée", now);
  }

  private static boolean movedByTheHub(RequestDetails request) {
    return request instanceof SystemRequestDetails
        && Boolean.TRUE.equals(request.getUserData().get(MOVED_BY_THE_HUB));
  }

  static boolean isSnpRequest(ServiceRequest request) {
    return request.getMeta().getProfile().stream()
        .anyMatch(p -> HubProfiles.SERVICE_REQUEST_SNP.equals(p.getValue()));
  }

  static UnprocessableEntityException unprocessable(String message, String expression) {
    return new UnprocessableEntityException(
        message, HubOutcomes.error(message, expression, IssueType.PROCESSING));
  }

  static Reference role(String id) {
    return new Reference("PractitionerRole/" + id);
  }
}
