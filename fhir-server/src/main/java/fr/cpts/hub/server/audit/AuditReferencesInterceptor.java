package fr.cpts.hub.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import org.springframework.stereotype.Component;

/**
 * An AuditEvent names what was accessed ({@code entity.what}); the hub enforces referential
 * integrity on delete, so without this the first access to a patient would keep that patient from
 * ever being deleted. The trail does not keep alive what it only observed: the references from
 * AuditEvents are not delete conflicts (the event keeps {@code entity.name}, and its reference then
 * names a deleted resource). Every other conflict is left to HAPI. ({@code
 * JpaStorageSettings#setEnforceReferentialIntegrityOnDeleteDisableForPaths} would read as the
 * setting for this, but HAPI consults it only in {@code $delete-expunge}.)
 */
@Component
@Interceptor
public class AuditReferencesInterceptor implements HubStorageInterceptor {

  @Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
  public void ignoreAuditEvents(DeleteConflictList conflicts) {
    conflicts.removeIf(
        conflict ->
            AuditTrailGuardInterceptor.AUDIT_EVENT.equals(
                conflict.getSourceId().getResourceType()));
  }
}
