package fr.cpts.hub.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Only the hub writes its audit trail: a create, update or delete of an AuditEvent that comes from
 * a client request (plain, conditional or inside a transaction) gets 403 {@code HUB-0530} and
 * stores nothing. The hub's own writes ({@link AuditTrailInterceptor}) and the retention job
 * ({@link AuditPurgeJob}) use system requests and pass.
 */
@Component
@Interceptor
public class AuditEventWriteGuardInterceptor implements HubStorageInterceptor {

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    refuseFromClients(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    refuseFromClients(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void deleted(IBaseResource resource, RequestDetails request) {
    refuseFromClients(resource, request);
  }

  private static void refuseFromClients(IBaseResource resource, RequestDetails request) {
    if (AuditTrailGuardInterceptor.AUDIT_EVENT.equals(resource.fhirType())
        && request instanceof ServletRequestDetails) {
      throw new ForbiddenOperationException(
          "HUB-0530: the audit trail is written by the hub only; AuditEvents cannot be created,"
              + " updated or deleted by a client");
    }
  }
}
