package fr.cpts.hub.server.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOperationStatusEnum;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import fr.cpts.hub.server.config.HubInterceptor;
import fr.cpts.hub.server.config.HubOutcomes;
import fr.cpts.hub.server.security.ClientIdentity;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * What the access rules cannot say resource by resource, with HAPI's consent interceptor, whenever
 * the rules are on:
 *
 * <ul>
 *   <li><b>Reserved slots</b> ({@link SlotReservations}) are hidden from whoever may not book them:
 *       a search answers without them (as if they did not exist, so that a search is never refused
 *       for them), a read of one is refused. The SAS fast path never answers them: it serves SNP
 *       slots only.
 *   <li><b>The public directory</b>, for a caller without any credential: professionals' names,
 *       identifiers, profession and specialty, their roles (practice, flags, practice phone), the
 *       places and structures; never a professional's personal contact details ({@code
 *       Practitioner.telecom}, {@code address}, {@code birthDate}, {@code photo}), a role's home or
 *       mobile numbers, an Organization's contact persons, nor a regulator account at all. Search
 *       parameters on those elements are refused (403 HUB-0553), so that they cannot be probed.
 * </ul>
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class DirectoryConsent extends ConsentInterceptor implements HubInterceptor {

  /** Search parameters on what the public directory does not show. */
  static final Set<String> PRIVATE_PARAMETERS =
      Set.of(
          "telecom",
          "email",
          "phone",
          "address",
          "address-city",
          "address-country",
          "address-postalcode",
          "address-state",
          "address-use",
          "birthdate",
          "phonetic");

  public DirectoryConsent(SlotReservations reservations) {
    super(new Service(reservations));
  }

  /**
   * A count ({@code _summary=count}) shows no resource: the consent checks are skipped for it, as
   * HAPI's consent interceptor would otherwise refuse it (it may count hidden resources, as README
   * says).
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public void countsShowNoResource(RequestDetails request) {
    String[] summary = request.getParameters().get("_summary");
    if (summary != null && java.util.Arrays.asList(summary).contains("count")) {
      ConsentInterceptor.skipAllConsentForRequest(request);
    }
  }

  private record Service(SlotReservations reservations) implements IConsentService {

    @Override
    public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
      if (ClientIdentity.of(request).isEmpty()
          && request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE
          && "Practitioner".equals(request.getResourceName())
          && request.getParameters().keySet().stream()
              .map(p -> p.contains(":") ? p.substring(0, p.indexOf(':')) : p)
              .anyMatch(PRIVATE_PARAMETERS::contains)) {
        return new ConsentOutcome(
            ConsentOperationStatusEnum.REJECT,
            HubOutcomes.error(
                "HUB-0553: the public directory is not searched on professionals' personal"
                    + " contact details or birth date",
                "Practitioner",
                IssueType.SECURITY));
      }
      return ConsentOutcome.PROCEED;
    }

    @Override
    public boolean shouldProcessCanSeeResource(
        RequestDetails request, IConsentContextServices services) {
      return true;
    }

    @Override
    public ConsentOutcome canSeeResource(
        RequestDetails request, IBaseResource resource, IConsentContextServices services) {
      Optional<ClientIdentity> caller = ClientIdentity.of(request);
      if (resource instanceof Slot slot) {
        return caller.isPresent() && reservations.maySee(slot, caller.get(), request)
            ? ConsentOutcome.PROCEED
            : ConsentOutcome.REJECT;
      }
      if (caller.isEmpty() && AccessRules.isRegulator(resource)) {
        return ConsentOutcome.REJECT;
      }
      return ConsentOutcome.PROCEED;
    }

    @Override
    public ConsentOutcome willSeeResource(
        RequestDetails request, IBaseResource resource, IConsentContextServices services) {
      if (ClientIdentity.of(request).isPresent()) {
        return ConsentOutcome.PROCEED;
      }
      if (resource instanceof Practitioner practitioner) {
        Practitioner shown = practitioner.copy();
        shown.getTelecom().clear();
        shown.getAddress().clear();
        shown.setBirthDate(null);
        shown.getPhoto().clear();
        return new ConsentOutcome(ConsentOperationStatusEnum.PROCEED, shown);
      }
      if (resource instanceof PractitionerRole role
          && role.getTelecom().stream().anyMatch(Service::personal)) {
        PractitionerRole shown = role.copy();
        shown.getTelecom().removeIf(Service::personal);
        return new ConsentOutcome(ConsentOperationStatusEnum.PROCEED, shown);
      }
      if (resource instanceof Organization organization && organization.hasContact()) {
        Organization shown = organization.copy();
        shown.getContact().clear();
        return new ConsentOutcome(ConsentOperationStatusEnum.PROCEED, shown);
      }
      return ConsentOutcome.PROCEED;
    }

    private static boolean personal(ContactPoint contact) {
      return contact.getUse() == ContactPoint.ContactPointUse.HOME
          || contact.getUse() == ContactPoint.ContactPointUse.MOBILE;
    }
  }
}
