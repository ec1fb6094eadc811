package fr.cpts.hub.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubInterceptor;
import fr.cpts.hub.server.security.ClientIdentity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Leaves an AuditEvent for every request that reads, searches or writes personal health data
 * ({@code hub.audit.types}, alone or in a transaction): who (the client certificate's registry
 * entry and subject, the IDNPS and token subject of a professional signed in, or anonymous), what
 * (the interaction, the resource or the query), when, from where (the peer address), and the
 * outcome (success, or the HTTP status of the error).
 *
 * <p>The event is built to the hub's AuditEvent profile here ({@code AuditTrailIT} validates what
 * it writes) once the answer has been sent (or the error decided), and added to the durable {@link
 * AuditQueue} (one narrow INSERT): the client does not wait for it, the request's thread does, so
 * the trail is durable before the node takes its next request; nothing is held in memory. {@link
 * AuditQueueWriter} stores the queued events as AuditEvents, in batches, within about a second. A
 * trail that cannot be written is logged as an error, without the request's personal data. It does
 * not decide who may do what (access rules) and does not trace the hub's own jobs.
 */
@Component
@Interceptor
public class AuditTrailInterceptor implements HubInterceptor {

  /** DICOM's "Patient Record" event type, the ANS traceability profile's for FHIR accesses. */
  static final Coding PATIENT_RECORD =
      new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record");

  static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
  static final String HUB_OBSERVER = "cpts-hub";
  static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
  static final String CERTIFICATE_SUBJECT = "urn:ietf:rfc:2253";

  private static final Logger log = LoggerFactory.getLogger(AuditTrailInterceptor.class);

  private final AuditQueue queue;
  private final FhirContext fhir;
  private final Clock clock;
  private final Set<String> types;
  private final AtomicBoolean enabled;

  public AuditTrailInterceptor(
      AuditQueue queue, FhirContext fhir, Clock clock, AuditProperties properties) {
    this.queue = queue;
    this.fhir = fhir;
    this.clock = clock;
    this.types = Set.copyOf(properties.types());
    this.enabled = new AtomicBoolean(properties.enabled());
  }

  /**
   * Whether this node records the trail from now on. Set from {@code hub.audit.enabled} at start;
   * the benchmark that measures the trail's cost switches it.
   */
  public void record(boolean on) {
    enabled.set(on);
  }

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
  public void completed(ServletRequestDetails request) {
    trace(request, request.getServletResponse().getStatus(), request.getServletResponse());
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean failed(RequestDetails request, BaseServerResponseException error) {
    trace(request, error.getStatusCode(), null);
    return true;
  }

  private void trace(
      RequestDetails request, int status, jakarta.servlet.http.HttpServletResponse response) {
    if (!enabled.get() || request.getRestOperationType() == null) {
      return;
    }
    Set<String> touched = touchedTypes(request);
    if (touched.isEmpty()) {
      return;
    }
    try {
      String location = response == null ? null : response.getHeader("Location");
      if (location == null && response != null) {
        location = response.getHeader("Content-Location");
      }
      // Built here, to the profile (AuditTrailIT validates what it writes), and queued: one
      // narrow INSERT; AuditQueueWriter stores the events through HAPI in batches.
      AuditEvent event = event(request, status, touched, location);
      queue.enqueue(
          fhir.newJsonParser().encodeResourceToString(event).getBytes(StandardCharsets.UTF_8),
          clock.instant());
    } catch (RuntimeException e) {
      log.error(
          "HUB-0533: the audit trail of a {} on {} could not be queued: {}",
          request.getRestOperationType().getCode(),
          touched,
          e.getClass().getSimpleName());
    }
  }

  /** The audited types the request reads or writes: its own, or its transaction's entries'. */
  private Set<String> touchedTypes(RequestDetails request) {
    Set<String> touched = new LinkedHashSet<>();
    if (request.getResourceName() != null && types.contains(request.getResourceName())) {
      touched.add(request.getResourceName());
    }
    if (request.getResource() instanceof Bundle bundle
        && (request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION
            || request.getRestOperationType() == RestOperationTypeEnum.BATCH)) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        String type =
            entry.hasResource()
                ? entry.getResource().fhirType()
                : entry.getRequest().hasUrl() ? entry.getRequest().getUrl().split("[/?]")[0] : null;
        if (type != null && types.contains(type)) {
          touched.add(type);
        }
      }
    }
    return touched;
  }

  private AuditEvent event(
      RequestDetails request, int status, Set<String> touched, String location) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    AuditEvent event = new AuditEvent();
    event.getMeta().addProfile(HubProfiles.AUDIT_EVENT);
    event.setType(PATIENT_RECORD.copy());
    event.addSubtype(new Coding(RESTFUL_INTERACTION, interaction(operation), null));
    event.setAction(action(operation));
    event.setRecorded(Date.from(clock.instant()));
    event.setOutcome(
        status < 400
            ? AuditEventOutcome._0
            : status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8);
    if (status >= 400) {
      event.setOutcomeDesc("HTTP " + status);
    }

    AuditEvent.AuditEventAgentComponent agent = event.addAgent().setRequestor(true);
    ClientIdentity.of(request)
        .ifPresentOrElse(
            client -> who(agent, client),
            () -> agent.setWho(new Reference().setDisplay("anonymous")));
    if (request instanceof ServletRequestDetails servlet) {
      agent
          .getNetwork()
          .setAddress(servlet.getServletRequest().getRemoteAddr())
          .setType(AuditEventAgentNetworkType._2);
    }
    event
        .getSource()
        .setSite(request.getFhirServerBase())
        .setObserver(new Reference().setDisplay(HUB_OBSERVER));

    AuditEvent.AuditEventEntityComponent entity = event.addEntity();
    touched.stream()
        .findFirst()
        .ifPresent(type -> entity.setType(new Coding(RESOURCE_TYPES, type, null)));
    String what = what(request, location);
    if (what != null) {
      // Searchable as entity-name; a reference only to what exists (HAPI checks references).
      entity.setName(what);
      if (status < 400 && operation != RestOperationTypeEnum.DELETE) {
        entity.setWhat(new Reference(what));
      }
    }
    String query = query(request);
    if (query != null) {
      entity.setQuery(query.getBytes(StandardCharsets.UTF_8));
    }
    entity.setDescription(request.getRequestPath());
    return event;
  }

  /**
   * The requesting agent: a certificate's client by its subject (altId: the serial number), a
   * professional signed in with a token by the IDNPS (altId: the token's subject). The Practitioner
   * is not referenced: the trail must not keep it from being deleted.
   */
  private static void who(AuditEvent.AuditEventAgentComponent agent, ClientIdentity client) {
    Identifier identifier =
        client.fromToken()
            ? new Identifier().setSystem(FrIdentifiers.IDNPS).setValue(client.idnps())
            : new Identifier().setSystem(CERTIFICATE_SUBJECT).setValue(client.subject());
    agent.setWho(new Reference().setDisplay(client.clientId()).setIdentifier(identifier));
    agent.setAltId(client.fromToken() ? client.tokenSubject() : client.serialNumber());
    agent.setName(client.role().name());
  }

  /** The resource the request named or created, relative: {@code Patient/12}, or null. */
  private static String what(RequestDetails request, String location) {
    if (request.getId() != null
        && request.getId().hasIdPart()
        && request.getResourceName() != null) {
      return request.getResourceName() + "/" + request.getId().getIdPart();
    }
    if (location != null
        && request.getFhirServerBase() != null
        && location.startsWith(request.getFhirServerBase() + "/")) {
      String relative = location.substring(request.getFhirServerBase().length() + 1);
      int history = relative.indexOf("/_history");
      return history < 0 ? relative : relative.substring(0, history);
    }
    return null;
  }

  private static String query(RequestDetails request) {
    if (request instanceof ServletRequestDetails servlet) {
      return servlet.getServletRequest().getQueryString();
    }
    return null;
  }

  /** The FHIR restful interaction of the operation. */
  static String interaction(RestOperationTypeEnum operation) {
    return switch (operation) {
      case READ -> "read";
      case VREAD -> "vread";
      case UPDATE -> "update";
      case PATCH -> "patch";
      case DELETE -> "delete";
      case CREATE -> "create";
      case SEARCH_TYPE -> "search-type";
      case SEARCH_SYSTEM -> "search-system";
      case HISTORY_INSTANCE -> "history-instance";
      case HISTORY_TYPE -> "history-type";
      case HISTORY_SYSTEM -> "history-system";
      case TRANSACTION -> "transaction";
      case BATCH -> "batch";
      default -> "operation";
    };
  }

  static AuditEventAction action(RestOperationTypeEnum operation) {
    return switch (operation) {
      case CREATE -> AuditEventAction.C;
      case UPDATE, PATCH -> AuditEventAction.U;
      case DELETE -> AuditEventAction.D;
      case READ,
          VREAD,
          SEARCH_TYPE,
          SEARCH_SYSTEM,
          HISTORY_INSTANCE,
          HISTORY_TYPE,
          HISTORY_SYSTEM ->
          AuditEventAction.R;
      default -> AuditEventAction.E;
    };
  }
}
