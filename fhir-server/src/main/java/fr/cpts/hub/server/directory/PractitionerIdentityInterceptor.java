package fr.cpts.hub.server.directory;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.storage.IdentifierLocks;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.springframework.stereotype.Component;

/**
 * One professional, one Practitioner: a Practitioner whose IDNPS, or SAS regulator UUID, another
 * Practitioner already holds is refused with 409 and an OperationOutcome saying which and how to
 * update it instead ({@code PUT Practitioner?identifier=...}, as the SAS does for its regulator
 * accounts and GP software for its professionals). Conditional creates and updates that match the
 * existing one are untouched.
 *
 * <p>The check is a search in the writing transaction, made after locking each of these identifiers
 * ({@link IdentifierLocks}): two writes of one identifier, even at the very same moment and on two
 * nodes, run one after the other and the second sees the first's Practitioner (or is told 409 to
 * try again). HAPI's own guard is not enough: the HFJ_RES_SEARCH_URL row that stops a second
 * conditional create of one URL is deleted by the first update of the resource created, no-op or
 * not ({@code BaseHapiFhirResourceDao.doUpdateForUpdateOrPatch}), so a conditional PUT that found
 * nothing, then stored after another PUT had created and a third updated, made a second
 * Practitioner. A write that cannot have the lock (another holds it, or created it at the same
 * moment) is refused with 409 {@code HUB-0432}, which HAPI first retries ({@link
 * ConditionalCreateLockInterceptor#retryable}).
 */
@Component
@Interceptor(order = PractitionerIdentityInterceptor.AFTER_VALIDATION)
public class PractitionerIdentityInterceptor implements HubStorageInterceptor {

  /** After the profile validation (order 0): a non-conformant resource hears that first. */
  static final int AFTER_VALIDATION = 100;

  private static final Set<String> UNIQUE_SYSTEMS =
      Set.of(FrIdentifiers.IDNPS, SasProfiles.SAS_REGULATOR_UUID);

  private final DaoRegistry daos;
  private final IdentifierLocks locks;

  public PractitionerIdentityInterceptor(DaoRegistry daos, IdentifierLocks locks) {
    this.daos = daos;
    this.locks = locks;
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = AFTER_VALIDATION)
  public void created(IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = AFTER_VALIDATION)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  private void check(IBaseResource resource, RequestDetails request) {
    if (!(resource instanceof Practitioner practitioner)) {
      return;
    }
    List<Identifier> unique =
        practitioner.getIdentifier().stream()
            .filter(i -> UNIQUE_SYSTEMS.contains(i.getSystem()) && i.hasValue())
            .sorted(Comparator.comparing(Identifier::getSystem).thenComparing(Identifier::getValue))
            .toList();
    // Locks first, in one order (no two writers wait on each other), then the searches.
    for (Identifier identifier : unique) {
      lock(identifier, request);
    }
    String self = practitioner.getIdElement().getIdPart();
    for (Identifier identifier : unique) {
      SearchParameterMap map =
          SearchParameterMap.newSynchronous(
              Practitioner.SP_IDENTIFIER,
              new TokenParam(identifier.getSystem(), identifier.getValue()));
      IBundleProvider found =
          daos.getResourceDao(Practitioner.class).search(map, new SystemRequestDetails());
      for (IBaseResource other : found.getResources(0, 2)) {
        String otherId = other.getIdElement().getIdPart();
        if (!otherId.equals(self)) {
          throw new ResourceVersionConflictException(
              "HUB-0431: Practitioner/"
                  + otherId
                  + " already has the identifier "
                  + identifier.getSystem()
                  + "|"
                  + identifier.getValue()
                  + "; update it with PUT Practitioner?identifier="
                  + identifier.getSystem()
                  + "|"
                  + identifier.getValue());
        }
      }
    }
  }

  private void lock(Identifier identifier, RequestDetails request) {
    try {
      locks.lock(identifier.getSystem(), identifier.getValue());
    } catch (IdentifierLocks.LockFailure e) {
      throw ConditionalCreateLockInterceptor.retryable(
          request,
          "HUB-0432: another request is writing a Practitioner with the identifier "
              + identifier.getSystem()
              + "|"
              + identifier.getValue()
              + "; try again");
    }
  }
}
