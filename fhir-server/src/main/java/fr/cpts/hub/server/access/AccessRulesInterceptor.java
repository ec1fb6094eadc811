package fr.cpts.hub.server.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import fr.cpts.hub.server.config.HubInterceptor;
import fr.cpts.hub.server.sas.SasSlotQuery;
import fr.cpts.hub.server.security.AnonymousRequest;
import fr.cpts.hub.server.security.ClientIdentity;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Applies the {@link AccessRules} to every FHIR request of the secure hub, as HAPI's {@link
 * AuthorizationInterceptor}: the rules are built per request from the caller's {@link
 * ClientIdentity} (or from the anonymous flag of a request without credential); whatever they do
 * not allow is refused with 403 and an OperationOutcome quoting {@code HUB-0550} (an identified
 * client) or {@code HUB-0551} (no credential), saying what was refused (the interaction and the
 * resource type, never the data). A request that reaches it neither identified nor anonymous is
 * refused, {@code HUB-0552}.
 *
 * <p>The SAS platform's slot search is answered from the read model at {@code
 * SERVER_INCOMING_REQUEST_POST_PROCESSED}, before HAPI's authorization hook ({@code
 * SERVER_INCOMING_REQUEST_PRE_HANDLED}) would run and without any resource passing HAPI's output
 * checks. So on that pointcut, after the client's identification and before the fast path, {@link
 * #beforeSasFastPath} asks the same rules whether the caller may search Slots and read every type
 * of that answer as a whole (no rule restricted to a structure counts: it could not check the
 * answer's resources); otherwise 403, as the generic search would answer. No I/O: the rules are
 * kept for the request and reused by the later hooks.
 *
 * <p>Registered only when client certificates are on; in the development mode nothing is checked.
 */
@Interceptor
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class AccessRulesInterceptor extends AuthorizationInterceptor implements HubInterceptor {

  /** After the client's identification (order -1,000,000), before the SAS fast path (0). */
  static final int BEFORE_SAS_FAST_PATH = -500_000;

  /** What the SAS answer holds, each type readable as a whole by whoever gets the fast path. */
  static final List<String> SAS_ANSWER_TYPES =
      List.of(
          "Slot",
          "Schedule",
          "Practitioner",
          "PractitionerRole",
          "Location",
          "Organization",
          "HealthcareService");

  private static final Logger log = LoggerFactory.getLogger(AccessRulesInterceptor.class);
  private static final String REFUSED = AccessRulesInterceptor.class.getName() + ".refused";

  private final AccessRules rules;

  public AccessRulesInterceptor(StructureScope scope, SlotReservations reservations) {
    super(PolicyEnum.DENY);
    this.rules = new AccessRules(scope, reservations);
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    Optional<ClientIdentity> client = ClientIdentity.of(request);
    if (client.isPresent()) {
      return rules.forClient(client.get());
    }
    if (AnonymousRequest.is(request)) {
      return rules.anonymous();
    }
    return new RuleBuilder().denyAll("no identity").build();
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = BEFORE_SAS_FAST_PATH)
  public void beforeSasFastPath(RequestDetails request) {
    if (!SasSlotQuery.isSasSearch(request)) {
      return;
    }
    request.getUserData().put(AccessRules.WHOLE_ANSWER_ONLY, Boolean.TRUE);
    try {
      Verdict search =
          applyRulesAndReturnDecision(
              RestOperationTypeEnum.SEARCH_TYPE,
              request,
              null,
              null,
              null,
              Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED);
      if (search.getDecision() != PolicyEnum.ALLOW) {
        handleDeny(request, search);
      }
      for (String type : SAS_ANSWER_TYPES) {
        Verdict read =
            applyRulesAndReturnDecision(
                RestOperationTypeEnum.READ,
                request,
                null,
                AccessRules.anyOf(type),
                null,
                Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED);
        if (read.getDecision() != PolicyEnum.ALLOW) {
          handleDeny(request, read);
        }
      }
    } finally {
      request.getUserData().remove(AccessRules.WHOLE_ANSWER_ONLY);
    }
  }

  /**
   * A conditional create ({@code ifNoneExist}) inside a transaction or batch, of a type the
   * caller's rules refuse to create conditionally ({@link AccessRules#conditionalCreatesRefused}):
   * refused as a plain POST with {@code If-None-Exist} is, whether it matches or not. HAPI's
   * conditional rules read the condition from the request's headers, so they do not see the
   * entries'. The hub's own conditions (the MT intake's) are added later, at storage.
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void conditionalCreatesInTransactions(
      RequestDetails request, RestOperationTypeEnum operation) {
    if (operation != RestOperationTypeEnum.TRANSACTION
        || !(request.getResource() instanceof Bundle bundle)) {
      return;
    }
    Set<String> refused =
        ClientIdentity.of(request).map(AccessRules::conditionalCreatesRefused).orElse(Set.of());
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.getRequest().getMethod() == Bundle.HTTPVerb.POST
          && entry.getRequest().hasIfNoneExist()
          && entry.getResource() != null
          && refused.contains(entry.getResource().fhirType())) {
        request
            .getUserData()
            .put(
                REFUSED,
                new Refused(RestOperationTypeEnum.CREATE, entry.getResource().fhirType(), true));
        handleDeny(request, null);
      }
    }
  }

  /** Remembers what a refusal was about (the interaction and the type), for its message. */
  @Override
  public Verdict applyRulesAndReturnDecision(
      RestOperationTypeEnum operation,
      RequestDetails request,
      IBaseResource inputResource,
      IIdType inputResourceId,
      IBaseResource outputResource,
      Pointcut pointcut) {
    StructureScope.rememberTransaction(request);
    Verdict verdict =
        super.applyRulesAndReturnDecision(
            operation, request, inputResource, inputResourceId, outputResource, pointcut);
    if (verdict.getDecision() == PolicyEnum.DENY) {
      request
          .getUserData()
          .putIfAbsent(
              REFUSED,
              new Refused(
                  operation,
                  typeOf(request, inputResource, inputResourceId, outputResource),
                  operation == RestOperationTypeEnum.CREATE
                      && request.getConditionalUrl(RestOperationTypeEnum.CREATE) != null));
    }
    return verdict;
  }

  @Override
  protected void handleDeny(RequestDetails request, Verdict verdict) {
    Refused refused =
        request.getUserData().get(REFUSED) instanceof Refused r
            ? r
            : new Refused(request.getRestOperationType(), request.getResourceName(), false);
    Optional<ClientIdentity> client = ClientIdentity.of(request);
    String message;
    if (client.isPresent()) {
      message =
          "HUB-0550: the access rules do not let client "
              + client.get().clientId()
              + " ("
              + client.get().role()
              + ") "
              + refused.describe()
              + scopeHint(client.get());
    } else if (AnonymousRequest.is(request)) {
      message =
          "HUB-0551: without a client certificate only the public directory (read and search of "
              + String.join(", ", AccessRules.DIRECTORY)
              + ") and /metadata are open; refused: "
              + refused.describe();
    } else {
      message = "HUB-0552: the request carries no client identity; refused: " + refused.describe();
    }
    log.info("Refused request {}: {}", request.getRequestId(), message);
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.SECURITY)
        .setDiagnostics(message);
    throw new ForbiddenOperationException(message, outcome);
  }

  private static String scopeHint(ClientIdentity client) {
    return switch (client.role()) {
      case GP_SOFTWARE, RADIOLOGY ->
          "; its rules cover the resources of its own structure only (IDNST "
              + client.idnst()
              + "): a search must return none of another structure's";
      default -> "";
    };
  }

  private static String typeOf(
      RequestDetails request, IBaseResource input, IIdType inputId, IBaseResource output) {
    if (output != null) {
      return output.fhirType();
    }
    if (input != null) {
      return input.fhirType();
    }
    if (inputId != null && inputId.hasResourceType()) {
      return inputId.getResourceType();
    }
    return request.getResourceName();
  }

  /** What was refused: an interaction on a resource type (a create: conditional or not). */
  private record Refused(RestOperationTypeEnum operation, String type, boolean conditional) {
    String describe() {
      String what =
          switch (operation == null ? RestOperationTypeEnum.METADATA : operation) {
            case READ, VREAD -> "read";
            case SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE -> "search";
            case CREATE -> conditional ? "create with If-None-Exist" : "create";
            case UPDATE -> "update";
            case PATCH -> "patch";
            case DELETE -> "delete";
            case TRANSACTION -> "send a transaction or batch with";
            case HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM -> "read the history of";
            case EXTENDED_OPERATION_SERVER, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE ->
                "call this operation on";
            default -> operation.getCode();
          };
      return what + " " + (type == null || type.isEmpty() ? "the server" : type);
    }
  }
}
