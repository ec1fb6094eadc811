package fr.cpts.hub.server.access;

import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Slot;

/**
 * Whether a resource belongs to a structure (an IDNST), for the access rules of practice software
 * and of the radiology group. A structure is its Organization, identified by {@code
 * urn:oid:1.2.250.1.71.4.2.2|<IDNST>}; everything else belongs to it through references:
 *
 * <ul>
 *   <li>a PractitionerRole whose {@code organization} is the structure; a Location it manages
 *       ({@code managingOrganization}); a Device it owns ({@code owner});
 *   <li>a Schedule whose actors are the structure's: at least one PractitionerRole, Location or
 *       Device of the structure, and no actor of another (Practitioner actors are the roles'
 *       professionals and do not count); a Slot whose Schedule is the structure's;
 *   <li>a Practitioner that has a PractitionerRole at the structure, stored or in the same
 *       transaction (so a new professional is published together with the role);
 *   <li>an order (ServiceRequest) requested by the structure (its Organization, one of its roles,
 *       or a Practitioner who has a role there) or performed by it (its Organization or one of its
 *       roles); an Appointment on one of its slots or based on one of its orders; a
 *       DiagnosticReport or ImagingStudy based on its orders; an Endpoint of one of those studies;
 *       a Communication about one of its orders, or sent or received by it.
 * </ul>
 *
 * A reference is followed as HAPI stores it: literal ({@code Slot/12}), conditional on an
 * identifier ({@code Schedule?identifier=system|value}), logical (an identifier alone, for an
 * Organization or a Practitioner), or to another entry of the request's own transaction ({@code
 * urn:uuid:...}, which the storage step may already have replaced by the new id). A reference that
 * cannot be followed belongs to no one: the rule refuses. Stored resources are read through HAPI's
 * DAOs as a system request (no access rule, no audit event), each at most once per request.
 */
public class StructureScope {

  private static final String MEMO = StructureScope.class.getName() + ".memo";
  private static final String TRANSACTION = StructureScope.class.getName() + ".transaction";

  private final DaoRegistry daos;

  public StructureScope(DaoRegistry daos) {
    this.daos = daos;
  }

  /** Which way an order belongs to a structure. */
  public enum OrderSide {
    /** The structure asked for it (practice software). */
    REQUESTER,
    /** The structure carries it out (the radiology group). */
    PERFORMER
  }

  // ---- structures -----------------------------------------------------------------------------

  /** Whether the reference designates the Organization of {@code idnst}. */
  public boolean isOrganization(Reference reference, String idnst, RequestDetails request) {
    if (reference == null || reference.isEmpty()) {
      return false;
    }
    if (reference.hasIdentifier() && !reference.hasReference()) {
      return isIdnst(reference.getIdentifier(), idnst);
    }
    Optional<Identifier> conditional = conditionalIdentifier(reference, "Organization");
    if (conditional.isPresent()) {
      return isIdnst(conditional.get(), idnst);
    }
    return resolve(reference, "Organization", request)
        .map(o -> ((Organization) o).getIdentifier().stream().anyMatch(i -> isIdnst(i, idnst)))
        .orElse(false);
  }

  public boolean isRole(Reference reference, String idnst, RequestDetails request) {
    return resolve(reference, "PractitionerRole", request)
        .map(r -> isRole((PractitionerRole) r, idnst, request))
        .orElse(false);
  }

  public boolean isRole(PractitionerRole role, String idnst, RequestDetails request) {
    return isOrganization(role.getOrganization(), idnst, request);
  }

  public boolean isLocation(Location location, String idnst, RequestDetails request) {
    return isOrganization(location.getManagingOrganization(), idnst, request);
  }

  public boolean isDevice(Device device, String idnst, RequestDetails request) {
    return isOrganization(device.getOwner(), idnst, request);
  }

  public boolean isHealthcareService(
      HealthcareService service, String idnst, RequestDetails request) {
    return isOrganization(service.getProvidedBy(), idnst, request);
  }

  public boolean isSchedule(Schedule schedule, String idnst, RequestDetails request) {
    boolean own = false;
    for (Reference actor : schedule.getActor()) {
      String type = typeOf(actor);
      if ("Practitioner".equals(type)) {
        continue;
      }
      boolean ours =
          switch (type == null ? "" : type) {
            case "PractitionerRole" -> isRole(actor, idnst, request);
            case "Location" ->
                resolve(actor, type, request)
                    .map(l -> isLocation((Location) l, idnst, request))
                    .orElse(false);
            case "Device" ->
                resolve(actor, type, request)
                    .map(d -> isDevice((Device) d, idnst, request))
                    .orElse(false);
            case "HealthcareService" ->
                resolve(actor, type, request)
                    .map(s -> isHealthcareService((HealthcareService) s, idnst, request))
                    .orElse(false);
            default -> false;
          };
      if (!ours) {
        return false;
      }
      own = true;
    }
    return own;
  }

  public boolean isSlot(Slot slot, String idnst, RequestDetails request) {
    return resolve(slot.getSchedule(), "Schedule", request)
        .map(s -> isSchedule((Schedule) s, idnst, request))
        .orElse(false);
  }

  /** A Practitioner with a role at the structure, stored or in the request's transaction. */
  public boolean isPractitioner(Practitioner practitioner, String idnst, RequestDetails request) {
    for (Resource entry : transactionResources(request)) {
      if (entry instanceof PractitionerRole role
          && refersTo(role.getPractitioner(), practitioner, request)
          && isRole(role, idnst, request)) {
        return true;
      }
    }
    if (!practitioner.getIdElement().hasIdPart()) {
      return false;
    }
    String id = "Practitioner/" + practitioner.getIdElement().getIdPart();
    return memo(
        request,
        "practitioner-at|" + idnst + "|" + id,
        () ->
            search(
                    "PractitionerRole",
                    SearchParameterMap.newSynchronous(
                        PractitionerRole.SP_PRACTITIONER, new ReferenceParam(id)))
                .stream()
                .anyMatch(r -> isRole((PractitionerRole) r, idnst, request)));
  }

  // ---- orders and what hangs on them ----------------------------------------------------------

  public boolean isOrder(
      ServiceRequest order, String idnst, OrderSide side, RequestDetails request) {
    if (side == OrderSide.PERFORMER) {
      return order.getPerformer().stream().anyMatch(p -> isStructureActor(p, idnst, request));
    }
    Reference requester = order.getRequester();
    if (isStructureActor(requester, idnst, request)) {
      return true;
    }
    return "Practitioner".equals(typeOf(requester))
        && practitionerHasRole(requester, idnst, request);
  }

  public boolean isOrder(Reference order, String idnst, OrderSide side, RequestDetails request) {
    return resolve(order, "ServiceRequest", request)
        .map(o -> isOrder((ServiceRequest) o, idnst, side, request))
        .orElse(false);
  }

  public boolean isAppointment(
      Appointment appointment, String idnst, OrderSide side, RequestDetails request) {
    return appointment.getSlot().stream()
            .anyMatch(
                s ->
                    resolve(s, "Slot", request)
                        .map(slot -> isSlot((Slot) slot, idnst, request))
                        .orElse(false))
        || appointment.getBasedOn().stream().anyMatch(o -> isOrder(o, idnst, side, request));
  }

  public boolean isReport(
      DiagnosticReport report, String idnst, OrderSide side, RequestDetails request) {
    return report.getBasedOn().stream().anyMatch(o -> isOrder(o, idnst, side, request));
  }

  public boolean isStudy(ImagingStudy study, String idnst, OrderSide side, RequestDetails request) {
    return study.getBasedOn().stream().anyMatch(o -> isOrder(o, idnst, side, request));
  }

  /** An Endpoint of one of the structure's studies, stored or in the request's transaction. */
  public boolean isEndpoint(
      Endpoint endpoint, String idnst, OrderSide side, RequestDetails request) {
    for (Resource entry : transactionResources(request)) {
      if (entry instanceof ImagingStudy study
          && study.getEndpoint().stream().anyMatch(e -> refersTo(e, endpoint, request))
          && isStudy(study, idnst, side, request)) {
        return true;
      }
    }
    if (!endpoint.getIdElement().hasIdPart()) {
      return false;
    }
    String id = "Endpoint/" + endpoint.getIdElement().getIdPart();
    return memo(
        request,
        "endpoint-of|" + idnst + "|" + side + "|" + id,
        () ->
            search(
                    "ImagingStudy",
                    SearchParameterMap.newSynchronous(
                        ImagingStudy.SP_ENDPOINT, new ReferenceParam(id)))
                .stream()
                .anyMatch(s -> isStudy((ImagingStudy) s, idnst, side, request)));
  }

  /**
   * A Subscription to the messages of the structure's professionals: criteria {@code
   * Communication?recipient=PractitionerRole/{id}[,...]} (other parameters may narrow it), every
   * role named being the structure's. A notification carries the whole message, so nothing wider.
   */
  public boolean isSubscription(
      org.hl7.fhir.r4.model.Subscription subscription, String idnst, RequestDetails request) {
    String criteria = subscription.getCriteria();
    int question = criteria == null ? -1 : criteria.indexOf('?');
    if (question < 0 || !"Communication".equals(criteria.substring(0, question).trim())) {
      return false;
    }
    List<String> roles = new ArrayList<>();
    for (String parameter : criteria.substring(question + 1).split("&")) {
      int equals = parameter.indexOf('=');
      String name =
          URLDecoder.decode(equals < 0 ? parameter : parameter.substring(0, equals), UTF_8);
      if (!"recipient".equals(name)) {
        continue;
      }
      String value = equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), UTF_8);
      for (String one : value.split(",")) {
        roles.add(one.trim());
      }
    }
    return !roles.isEmpty()
        && roles.stream()
            .allMatch(
                role ->
                    role.matches("PractitionerRole/[A-Za-z0-9\\-.]{1,64}")
                        && isRole(new Reference(role), idnst, request));
  }

  /** The PractitionerRoles of a stored Practitioner ({@code 123}), each search at most once. */
  List<PractitionerRole> rolesOfPractitioner(String practitionerId, RequestDetails request) {
    return memo(
        request,
        "roles-of|" + practitionerId,
        () ->
            search(
                    "PractitionerRole",
                    SearchParameterMap.newSynchronous(
                        PractitionerRole.SP_PRACTITIONER,
                        new ReferenceParam("Practitioner/" + practitionerId)))
                .stream()
                .map(PractitionerRole.class::cast)
                .toList());
  }

  public boolean isCommunication(
      Communication message, String idnst, OrderSide side, RequestDetails request) {
    return message.getAbout().stream().anyMatch(o -> isOrder(o, idnst, side, request))
        || message.getBasedOn().stream().anyMatch(o -> isOrder(o, idnst, side, request))
        || isStructureActor(message.getSender(), idnst, request)
        || message.getRecipient().stream().anyMatch(r -> isStructureActor(r, idnst, request));
  }

  /** The structure's Organization or one of its PractitionerRoles. */
  private boolean isStructureActor(Reference actor, String idnst, RequestDetails request) {
    String type = typeOf(actor);
    if ("Organization".equals(type)) {
      return isOrganization(actor, idnst, request);
    }
    return "PractitionerRole".equals(type) && isRole(actor, idnst, request);
  }

  /** A Practitioner, by reference or by IDNPS, who has a role at the structure. */
  private boolean practitionerHasRole(
      Reference practitioner, String idnst, RequestDetails request) {
    if (practitioner.hasIdentifier() && !practitioner.hasReference()) {
      Identifier idnps = practitioner.getIdentifier();
      return memo(
          request,
          "idnps-at|" + idnst + "|" + idnps.getSystem() + "|" + idnps.getValue(),
          () ->
              search(
                      "PractitionerRole",
                      SearchParameterMap.newSynchronous(
                          PractitionerRole.SP_PRACTITIONER,
                          new ReferenceParam(
                              "identifier", idnps.getSystem() + "|" + idnps.getValue())))
                  .stream()
                  .anyMatch(r -> isRole((PractitionerRole) r, idnst, request)));
    }
    return resolve(practitioner, "Practitioner", request)
        .map(p -> isPractitioner((Practitioner) p, idnst, request))
        .orElse(false);
  }

  // ---- references -----------------------------------------------------------------------------

  /** The resource type a reference designates, or null when it does not say. */
  static String typeOf(Reference reference) {
    if (reference == null) {
      return null;
    }
    if (reference.getResource() instanceof Resource resource) {
      return resource.fhirType();
    }
    if (reference.hasReference()) {
      String value = reference.getReference();
      int query = value.indexOf('?');
      if (query > 0) {
        return value.substring(0, query);
      }
      if (!value.startsWith("urn:") && !value.startsWith("#")) {
        IdType id = new IdType(value);
        if (id.hasResourceType()) {
          return id.getResourceType();
        }
      }
    }
    if (reference.hasType()) {
      return reference.getType();
    }
    if (reference.hasIdentifier()) {
      String system = reference.getIdentifier().getSystem();
      if (FrIdentifiers.IDNPS.equals(system)) {
        return "Practitioner";
      }
      if (FrIdentifiers.IDNST.equals(system)) {
        return "Organization";
      }
    }
    return null;
  }

  /**
   * The resource a reference designates: in the request's transaction, else stored; empty when it
   * cannot be followed or is not of {@code type}.
   */
  Optional<Resource> resolve(Reference reference, String type, RequestDetails request) {
    if (reference == null || !reference.hasReference()) {
      return Optional.empty();
    }
    if (reference.getResource() instanceof Resource resource) {
      return Optional.of(resource).filter(r -> r.fhirType().equals(type));
    }
    String value = reference.getReference();
    for (Bundle.BundleEntryComponent entry : transactionEntries(request)) {
      Resource resource = entry.getResource();
      if (resource != null && resource.fhirType().equals(type) && refersTo(reference, entry)) {
        return Optional.of(resource);
      }
    }
    if (value.startsWith("urn:") || value.startsWith("#")) {
      return Optional.empty();
    }
    Optional<Identifier> conditional = conditionalIdentifier(reference, type);
    if (conditional.isPresent()) {
      Identifier identifier = conditional.get();
      return memo(
          request,
          "conditional|" + type + "|" + identifier.getSystem() + "|" + identifier.getValue(),
          () -> {
            List<IBaseResource> found =
                search(
                    type,
                    SearchParameterMap.newSynchronous(
                        "identifier",
                        new TokenParam(identifier.getSystem(), identifier.getValue())));
            return found.size() == 1 ? Optional.of((Resource) found.get(0)) : Optional.empty();
          });
    }
    if (value.contains("?")) {
      return Optional.empty();
    }
    IdType id = new IdType(value);
    if (!type.equals(id.getResourceType()) || !id.hasIdPart() || id.isAbsolute()) {
      return Optional.empty();
    }
    String key = type + "/" + id.getIdPart();
    return memo(request, "read|" + key, () -> read(type, id.getIdPart()));
  }

  /** Whether {@code reference} designates {@code target} (a resource being written). */
  boolean refersTo(Reference reference, Resource target, RequestDetails request) {
    if (reference == null || reference.isEmpty()) {
      return false;
    }
    if (reference.getResource() == target) {
      return true;
    }
    for (Bundle.BundleEntryComponent entry : transactionEntries(request)) {
      if (isEntryOf(entry, target) && refersTo(reference, entry)) {
        return true;
      }
    }
    if (reference.hasReference()) {
      Optional<Identifier> conditional = conditionalIdentifier(reference, target.fhirType());
      if (conditional.isPresent()) {
        return hasIdentifier(target, conditional.get());
      }
      IdType id = new IdType(reference.getReference());
      return target.getIdElement().hasIdPart()
          && target.fhirType().equals(id.getResourceType())
          && target.getIdElement().getIdPart().equals(id.getIdPart());
    }
    return reference.hasIdentifier() && hasIdentifier(target, reference.getIdentifier());
  }

  /** The entry holds the resource being written: the same object, or the same id once stored. */
  private static boolean isEntryOf(Bundle.BundleEntryComponent entry, Resource target) {
    Resource resource = entry.getResource();
    if (resource == null) {
      return false;
    }
    if (resource == target) {
      return true;
    }
    if (!resource.fhirType().equals(target.fhirType())) {
      return false;
    }
    if (target.getIdElement().hasIdPart()
        && resource.getIdElement().hasIdPart()
        && resource.getIdElement().getIdPart().equals(target.getIdElement().getIdPart())) {
      return true;
    }
    // At the storage step HAPI hands over its own copy of the entry, without id yet: the same
    // business identifier, or else the same content, says it is that entry.
    List<Identifier> identifiers = identifiers(resource);
    if (!identifiers.isEmpty()) {
      return identifiers.stream().anyMatch(i -> hasIdentifier(target, i));
    }
    return sameContent(resource, target);
  }

  /** The same resource but for its id, meta and narrative. */
  private static boolean sameContent(Resource a, Resource b) {
    Resource left = a.copy();
    Resource right = b.copy();
    for (Resource r : List.of(left, right)) {
      r.setId((String) null);
      r.setMeta(null);
      if (r instanceof DomainResource domain) {
        domain.setText(null);
      }
    }
    return left.equalsDeep(right);
  }

  /** A transaction entry's reference: its full URL, its resource's id, or its conditional URL. */
  private static boolean refersTo(Reference reference, Bundle.BundleEntryComponent entry) {
    if (!reference.hasReference()) {
      return false;
    }
    String value = reference.getReference();
    if (value.equals(entry.getFullUrl())) {
      return true;
    }
    Resource resource = entry.getResource();
    if (resource.getIdElement().hasIdPart()) {
      IdType id = new IdType(value);
      if (resource.fhirType().equals(id.getResourceType())
          && resource.getIdElement().getIdPart().equals(id.getIdPart())
          && !value.contains("?")) {
        return true;
      }
    }
    Optional<Identifier> conditional = conditionalIdentifier(reference, resource.fhirType());
    return conditional.isPresent() && hasIdentifier(resource, conditional.get());
  }

  /** The identifier of a conditional reference {@code Type?identifier=system|value}. */
  static Optional<Identifier> conditionalIdentifier(Reference reference, String type) {
    if (!reference.hasReference()) {
      return Optional.empty();
    }
    String value = reference.getReference();
    String prefix = type + "?identifier=";
    if (!value.startsWith(prefix) || value.indexOf('&') >= 0) {
      return Optional.empty();
    }
    String token = URLDecoder.decode(value.substring(prefix.length()), StandardCharsets.UTF_8);
    int bar = token.indexOf('|');
    if (bar < 0 || token.indexOf(',') >= 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Identifier().setSystem(token.substring(0, bar)).setValue(token.substring(bar + 1)));
  }

  private static boolean hasIdentifier(Resource resource, Identifier wanted) {
    return identifiers(resource).stream()
        .anyMatch(
            i ->
                wanted.getValue() != null
                    && wanted.getValue().equals(i.getValue())
                    && (wanted.getSystem() == null || wanted.getSystem().equals(i.getSystem())));
  }

  @SuppressWarnings("unchecked")
  private static List<Identifier> identifiers(Resource resource) {
    if (resource instanceof DomainResource) {
      var property = resource.getNamedProperty("identifier");
      if (property != null) {
        List<Identifier> identifiers = new ArrayList<>();
        property.getValues().stream()
            .filter(Identifier.class::isInstance)
            .forEach(v -> identifiers.add((Identifier) v));
        return identifiers;
      }
    }
    return List.of();
  }

  /** An IDNST identifier of the structure; the IDNST as configured, prefixed. */
  static boolean isIdnst(Identifier identifier, String idnst) {
    return identifier != null
        && idnst != null
        && FrIdentifiers.IDNST.equals(identifier.getSystem())
        && idnst.equals(identifier.getValue());
  }

  /**
   * Remembers the request's transaction or batch: HAPI stores each entry through a sub-request that
   * shares the user data but not the Bundle.
   */
  static void rememberTransaction(RequestDetails request) {
    if (request.getResource() instanceof Bundle bundle
        && (bundle.getType() == Bundle.BundleType.TRANSACTION
            || bundle.getType() == Bundle.BundleType.BATCH)) {
      request.getUserData().putIfAbsent(TRANSACTION, bundle);
    }
  }

  private static List<Bundle.BundleEntryComponent> transactionEntries(RequestDetails request) {
    if (request == null) {
      return List.of();
    }
    if (request.getUserData().get(TRANSACTION) instanceof Bundle bundle) {
      return bundle.getEntry();
    }
    if (request.getResource() instanceof Bundle bundle) {
      return bundle.getEntry();
    }
    return List.of();
  }

  private static List<Resource> transactionResources(RequestDetails request) {
    return transactionEntries(request).stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> r != null)
        .toList();
  }

  // ---- stored resources -----------------------------------------------------------------------

  private Optional<Resource> read(String type, String id) {
    try {
      return Optional.of(
          (Resource)
              daos.getResourceDao(type).read(new IdType(type, id), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  private List<IBaseResource> search(String type, SearchParameterMap parameters) {
    return daos.getResourceDao(type)
        .search(parameters, new SystemRequestDetails())
        .getAllResources();
  }

  /** A per-request memo, so that one search's hundred appointments read their schedule once. */
  @SuppressWarnings("unchecked")
  private static <T> T memo(RequestDetails request, String key, Supplier<T> f) {
    if (request == null) {
      return f.get();
    }
    Map<String, Object> memo =
        (Map<String, Object>) request.getUserData().computeIfAbsent(MEMO, k -> new HashMap<>());
    if (memo.containsKey(key)) {
      return (T) memo.get(key);
    }
    T value = f.get();
    memo.put(key, value);
    return value;
  }
}
