package fr.cpts.hub.server.directory;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.util.UrlUtil;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.storage.IdentifierLocks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.springframework.stereotype.Component;

/**
 * Serialises the conditional writes by identifier of the directory types (Practitioner,
 * PractitionerRole, Organization, Location, HealthcareService): a {@code PUT
 * Organization?identifier=system|value} or a create {@code If-None-Exist: identifier=...}, alone or
 * in a transaction (the GP software, the directory importer, the demo loader), that found no match
 * and is about to create, first locks each {@code system|value} of its condition ({@link
 * IdentifierLocks}), then resolves its condition again. If a resource now matches (another write
 * created it meanwhile, on this node or another), the write is not stored: it is refused with a 409
 * that HAPI retries at once, from the start, where it finds that resource and updates it (a create
 * answers it). After {@link #RETRIES} retries, or when the lock cannot be had, the client gets 409
 * {@code HUB-0433} (try again).
 *
 * <p>Why: HAPI's own guard, the HFJ_RES_SEARCH_URL row of a conditional create, is deleted by the
 * first update of the resource it created ({@code
 * BaseHapiFhirResourceDao.doUpdateForUpdateOrPatch}), so a conditional PUT that found nothing could
 * create a second resource after another had created it and a third had updated it.
 *
 * <p>It does not: lock a conditional write that matches (an update is HAPI's, with its version
 * check), a plain create (two Organizations may hold one IDNST, as another software may have
 * registered them; a conditional write on it then gets HAPI's 412), a condition without an {@code
 * identifier=system|value}, nor a resource that carries none of its condition's identifiers. One
 * professional, one Practitioner is {@link PractitionerIdentityInterceptor}'s, which runs after
 * this one and whose lock failures are retried the same way ({@link #retryable}).
 */
@Component
@Interceptor(order = ConditionalCreateLockInterceptor.BEFORE_PRACTITIONER_IDENTITY)
public class ConditionalCreateLockInterceptor implements HubStorageInterceptor {

  /** After the profile validation (order 0), before {@link PractitionerIdentityInterceptor}. */
  static final int BEFORE_PRACTITIONER_IDENTITY = 90;

  /** How many times HAPI runs again a write that lost a race on an identifier. */
  static final int RETRIES = 3;

  static final Set<String> DIRECTORY_TYPES =
      Set.of("Practitioner", "PractitionerRole", "Organization", "Location", "HealthcareService");

  /** Request user data: the conditions of a transaction's entries ({@link Condition}s). */
  private static final String CONDITIONS = ConditionalCreateLockInterceptor.class.getName();

  /** Request user data: the write just refused lost a race on an identifier; HAPI may retry. */
  private static final String RETRY = CONDITIONS + ".retry";

  private static final String IDENTIFIER = "identifier";

  /** A conditional URL on a directory type and the identifiers it names. */
  record Condition(String type, String url, List<Identifier> identifiers) {}

  private final FhirContext fhirContext;
  private final DaoRegistry daos;
  private final MatchUrlService matchUrls;
  private final IdentifierLocks locks;

  public ConditionalCreateLockInterceptor(
      FhirContext fhirContext, DaoRegistry daos, MatchUrlService matchUrls, IdentifierLocks locks) {
    this.fhirContext = fhirContext;
    this.daos = daos;
    this.matchUrls = matchUrls;
    this.locks = locks;
  }

  /**
   * The conditions of a transaction's conditional entries (PUT with a query, POST with {@code
   * ifNoneExist}), kept in the request for the creates that follow (after {@link
   * NationalIdentifierInterceptor} has normalised them).
   */
  @Hook(value = Pointcut.STORAGE_TRANSACTION_PROCESSING, order = BEFORE_PRACTITIONER_IDENTITY)
  public void transaction(IBaseBundle bundle, RequestDetails request) {
    if (!(bundle instanceof Bundle transaction) || request == null) {
      return;
    }
    List<Condition> conditions = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
      Bundle.BundleEntryRequestComponent call = entry.getRequest();
      if (call.getMethod() == HTTPVerb.PUT && call.hasUrl() && call.getUrl().contains("?")) {
        condition(call.getUrl()).ifPresent(conditions::add);
      } else if (call.getMethod() == HTTPVerb.POST
          && call.hasIfNoneExist()
          && entry.getResource() != null) {
        condition(absolute(entry.getResource().fhirType(), call.getIfNoneExist()))
            .ifPresent(conditions::add);
      }
    }
    request.getUserData().put(CONDITIONS, List.copyOf(conditions));
  }

  /** A create of a directory type: if a conditional write by identifier makes it, lock, recheck. */
  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = BEFORE_PRACTITIONER_IDENTITY)
  public void created(IBaseResource resource, RequestDetails request) {
    if (request == null || !DIRECTORY_TYPES.contains(resource.fhirType())) {
      return;
    }
    Optional<Condition> condition =
        conditions(request).stream()
            .filter(c -> c.type().equals(resource.fhirType()) && carries(resource, c))
            .findFirst();
    if (condition.isEmpty()) {
      return;
    }
    // Locks in one order (no two writers wait on each other), then the condition again.
    Set<String> keys = new TreeSet<>();
    for (Identifier identifier : condition.get().identifiers()) {
      if (keys.add(identifier.getSystem() + "|" + identifier.getValue())) {
        lock(request, condition.get(), identifier);
      }
    }
    SearchParameterMap map =
        matchUrls.translateMatchUrl(
            condition.get().url(), fhirContext.getResourceDefinition(resource.fhirType()));
    map.setLoadSynchronous(true);
    List<IBaseResource> found =
        daos.getResourceDao(resource.fhirType())
            .search(map, new SystemRequestDetails())
            .getResources(0, 1);
    if (!found.isEmpty()) {
      throw retryable(
          request,
          "HUB-0433: "
              + found.get(0).getIdElement().toUnqualifiedVersionless().getValue()
              + " was created meanwhile by another request matching "
              + condition.get().url()
              + "; send the same request again, it will update it");
    }
  }

  /** Retries, now, a write that lost a race on an identifier (refused by {@link #retryable}). */
  @Hook(Pointcut.STORAGE_VERSION_CONFLICT)
  public ResourceVersionConflictResolutionStrategy retry(RequestDetails request) {
    if (request == null || request.getUserData().remove(RETRY) == null) {
      return null;
    }
    ResourceVersionConflictResolutionStrategy strategy =
        new ResourceVersionConflictResolutionStrategy();
    strategy.setRetry(true);
    strategy.setMaxRetries(RETRIES);
    return strategy;
  }

  /**
   * A 409 for a write that lost a race on an identifier, marked so that HAPI runs the write again
   * (up to {@link #RETRIES} times) before the client hears it.
   */
  static ResourceVersionConflictException retryable(RequestDetails request, String message) {
    if (request != null) {
      request.getUserData().put(RETRY, Boolean.TRUE);
    }
    return new ResourceVersionConflictException(message);
  }

  private void lock(RequestDetails request, Condition condition, Identifier identifier) {
    try {
      locks.lock(identifier.getSystem(), identifier.getValue());
    } catch (IdentifierLocks.LockFailure e) {
      throw retryable(
          request,
          "HUB-0433: another request is writing "
              + condition.type()
              + " with the identifier "
              + identifier.getSystem()
              + "|"
              + identifier.getValue()
              + "; send the same request again");
    }
  }

  /** This request's conditions: its own conditional URL, or its transaction's entries'. */
  @SuppressWarnings("unchecked")
  private static List<Condition> conditions(RequestDetails request) {
    Object kept = request.getUserData().get(CONDITIONS);
    if (kept instanceof List<?> list) {
      return (List<Condition>) list;
    }
    RestOperationTypeEnum operation = request.getRestOperationType();
    String url = null;
    if (operation == RestOperationTypeEnum.UPDATE) {
      url = request.getConditionalUrl(RestOperationTypeEnum.UPDATE);
    } else if (operation == RestOperationTypeEnum.CREATE) {
      url = request.getHeader(Constants.HEADER_IF_NONE_EXIST);
    }
    if (url == null || request.getResourceName() == null) {
      return List.of();
    }
    return condition(absolute(request.getResourceName(), url)).stream().toList();
  }

  /** {@code Type?query} from an {@code If-None-Exist} value, with or without its type. */
  private static String absolute(String type, String url) {
    if (url.startsWith(type + "?")) {
      return url;
    }
    return type + "?" + (url.startsWith("?") ? url.substring(1) : url);
  }

  /** The condition of {@code Type?...identifier=system|value...} on a directory type. */
  static Optional<Condition> condition(String url) {
    int query = url.indexOf('?');
    String type = query < 0 ? "" : url.substring(0, query);
    if (type.startsWith("/")) {
      type = type.substring(1);
    }
    if (!DIRECTORY_TYPES.contains(type)) {
      return Optional.empty();
    }
    Map<String, String[]> parameters = UrlUtil.parseQueryString(url.substring(query + 1));
    List<Identifier> identifiers = new ArrayList<>();
    for (String value : parameters.getOrDefault(IDENTIFIER, new String[0])) {
      for (String token : value.split(",")) {
        int bar = token.indexOf('|');
        if (bar > 0 && bar < token.length() - 1) {
          identifiers.add(
              new Identifier()
                  .setSystem(token.substring(0, bar))
                  .setValue(token.substring(bar + 1)));
        }
      }
    }
    return identifiers.isEmpty()
        ? Optional.empty()
        : Optional.of(new Condition(type, type + url.substring(query), identifiers));
  }

  /** Whether the resource carries one of the condition's identifiers. */
  private static boolean carries(IBaseResource resource, Condition condition) {
    List<Identifier> own = List.of();
    if (resource instanceof Practitioner p) {
      own = p.getIdentifier();
    } else if (resource instanceof PractitionerRole r) {
      own = r.getIdentifier();
    } else if (resource instanceof Organization o) {
      own = o.getIdentifier();
    } else if (resource instanceof Location l) {
      own = l.getIdentifier();
    } else if (resource instanceof HealthcareService s) {
      own = s.getIdentifier();
    }
    List<Identifier> carried = own;
    return condition.identifiers().stream()
        .anyMatch(
            wanted ->
                carried.stream()
                    .anyMatch(
                        i ->
                            wanted.getSystem().equals(i.getSystem())
                                && wanted.getValue().equals(i.getValue())));
  }
}
