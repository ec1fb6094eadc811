package fr.cpts.hub.server.directory;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import fr.cpts.hub.server.config.HubStorageInterceptor;
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
 * existing one are untouched. The check is a search in the writing transaction, so two creates of
 * the same professional at the very same moment may both pass; the SAS and GP software publish by
 * conditional PUT, which HAPI serialises.
 */
@Component
@Interceptor(order = PractitionerIdentityInterceptor.AFTER_VALIDATION)
public class PractitionerIdentityInterceptor implements HubStorageInterceptor {

  /** After the profile validation (order 0): a non-conformant resource hears that first. */
  static final int AFTER_VALIDATION = 100;

  private static final Set<String> UNIQUE_SYSTEMS =
      Set.of(FrIdentifiers.IDNPS, SasProfiles.SAS_REGULATOR_UUID);

  private final DaoRegistry daos;

  public PractitionerIdentityInterceptor(DaoRegistry daos) {
    this.daos = daos;
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = AFTER_VALIDATION)
  public void created(IBaseResource resource) {
    check(resource);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = AFTER_VALIDATION)
  public void updated(IBaseResource previous, IBaseResource resource) {
    check(resource);
  }

  private void check(IBaseResource resource) {
    if (!(resource instanceof Practitioner practitioner)) {
      return;
    }
    String self = practitioner.getIdElement().getIdPart();
    for (Identifier identifier : practitioner.getIdentifier()) {
      if (!UNIQUE_SYSTEMS.contains(identifier.getSystem()) || !identifier.hasValue()) {
        continue;
      }
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
}
