package fr.cpts.hub.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.server.config.HubInterceptor;
import java.util.Arrays;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/**
 * Keeps the audit trail whole, on the way in: a search of AuditEvents must give both bounds of its
 * date range ({@code date=ge...&date=le...}: 400 {@code HUB-0531} otherwise, the trail is too large
 * to read whole), and no client may call {@code $expunge} (403 {@code HUB-0532}: only the retention
 * job removes history). Writes of AuditEvents by clients are refused by {@link
 * AuditEventWriteGuardInterceptor}.
 */
@Component
@Interceptor
public class AuditTrailGuardInterceptor implements HubInterceptor {

  static final String AUDIT_EVENT = "AuditEvent";

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void check(RequestDetails request, RestOperationTypeEnum operation) {
    if (JpaConstants.OPERATION_EXPUNGE.equals(request.getOperation())) {
      throw new ForbiddenOperationException(
          "HUB-0532: $expunge is not available to clients; the audit trail's retention job"
              + " alone removes history");
    }
    if (operation == RestOperationTypeEnum.SEARCH_TYPE
        && AUDIT_EVENT.equals(request.getResourceName())) {
      String[] dates = request.getParameters().getOrDefault(AuditEvent.SP_DATE, new String[0]);
      boolean from = Arrays.stream(dates).anyMatch(d -> d.startsWith("ge") || d.startsWith("gt"));
      boolean to = Arrays.stream(dates).anyMatch(d -> d.startsWith("le") || d.startsWith("lt"));
      if (!from || !to) {
        throw new InvalidRequestException(
            "HUB-0531: a search of AuditEvents needs both bounds of its date range, e.g."
                + " AuditEvent?date=ge2026-12-01&date=le2026-12-02");
      }
    }
  }
}
