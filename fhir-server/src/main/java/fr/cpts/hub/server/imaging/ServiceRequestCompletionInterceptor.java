package fr.cpts.hub.server.imaging;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Completes the order a final result answers: when a DiagnosticReport is stored (created or
 * updated) with a final status ({@code final}, or {@code amended}/{@code corrected}/{@code
 * appended}, which follow a final one), each ServiceRequest of its {@code basedOn} that is still
 * open ({@code draft}, {@code active}, {@code on-hold}) moves to {@code completed}. It runs before
 * the commit, in the transaction that stores the report, so the two are stored together or not at
 * all, whether the report comes from a REST transaction, a plain create or the MLLP listener.
 *
 * <p>It does not reopen an order, nor touch one that was revoked or entered in error, nor react to
 * preliminary reports.
 */
@Component
@Interceptor
public class ServiceRequestCompletionInterceptor implements HubStorageInterceptor {

  private static final Logger log =
      LoggerFactory.getLogger(ServiceRequestCompletionInterceptor.class);

  private static final Set<DiagnosticReportStatus> FINAL =
      EnumSet.of(
          DiagnosticReportStatus.FINAL,
          DiagnosticReportStatus.AMENDED,
          DiagnosticReportStatus.CORRECTED,
          DiagnosticReportStatus.APPENDED);

  private static final Set<ServiceRequestStatus> OPEN =
      EnumSet.of(
          ServiceRequestStatus.DRAFT, ServiceRequestStatus.ACTIVE, ServiceRequestStatus.ONHOLD);

  private final DaoRegistry daos;

  public ServiceRequestCompletionInterceptor(DaoRegistry daos) {
    this.daos = daos;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    complete(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    complete(resource);
  }

  private void complete(IBaseResource resource) {
    if (!(resource instanceof DiagnosticReport report) || !FINAL.contains(report.getStatus())) {
      return;
    }
    IFhirResourceDao<ServiceRequest> orders = daos.getResourceDao(ServiceRequest.class);
    for (Reference basedOn : report.getBasedOn()) {
      IIdType id = basedOn.getReferenceElement();
      if (!"ServiceRequest".equals(id.getResourceType())
          || !id.hasIdPart()
          || id.getValue().contains("?")) {
        log.warn(
            "DiagnosticReport/{}: basedOn is not a resolved ServiceRequest reference",
            report.getIdElement().getIdPart());
        continue;
      }
      SystemRequestDetails request = new SystemRequestDetails();
      ServiceRequest order = orders.read(id.toUnqualifiedVersionless(), request);
      if (OPEN.contains(order.getStatus())) {
        order.setStatus(ServiceRequestStatus.COMPLETED);
        orders.update(order, request);
      }
    }
  }
}
