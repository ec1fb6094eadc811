package fr.cpts.hub.server.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.ExpungeOptions;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The audit trail's retention ({@code hub.audit.retention}, at least six months): every night
 * ({@code hub.audit.purge-cron}) it deletes the AuditEvents recorded before {@code now -
 * retention}, then expunges them, so that nothing of them is left in the history tables.
 *
 * <p>Several nodes may run it at once: an event another node deleted first is skipped (logged at
 * DEBUG), and running it again changes nothing.
 */
@Component
public class AuditPurgeJob {

  private static final Logger log = LoggerFactory.getLogger(AuditPurgeJob.class);
  private static final int PAGE = 500;

  private final DaoRegistry daos;
  private final Clock clock;
  private final AuditProperties properties;

  public AuditPurgeJob(DaoRegistry daos, Clock clock, AuditProperties properties) {
    this.daos = daos;
    this.clock = clock;
    this.properties = properties;
  }

  @Scheduled(cron = "${hub.audit.purge-cron:0 45 3 * * *}", zone = "Europe/Paris")
  public void nightly() {
    int purged = purge();
    if (purged > 0) {
      log.info("Audit trail: {} events older than {} purged", purged, properties.retention());
    }
  }

  /** Deletes and expunges the events recorded before the retention; how many were deleted. */
  public int purge() {
    IFhirResourceDao<AuditEvent> dao = daos.getResourceDao(AuditEvent.class);
    Instant cutoff = clock.instant().minus(properties.retention());
    int deleted = 0;
    while (true) {
      SearchParameterMap older =
          SearchParameterMap.newSynchronous()
              .add(AuditEvent.SP_DATE, new DateParam(ParamPrefixEnum.LESSTHAN, Date.from(cutoff)));
      older.setCount(PAGE);
      IBundleProvider found = dao.search(older, new SystemRequestDetails());
      List<IBaseResource> page = found.getResources(0, PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (IBaseResource event : page) {
        try {
          dao.delete(event.getIdElement().toUnqualifiedVersionless(), new SystemRequestDetails());
          deleted++;
        } catch (BaseServerResponseException concurrent) {
          log.debug("Audit trail: {} already purged elsewhere", event.getIdElement().getIdPart());
        }
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    if (deleted > 0) {
      dao.expunge(
          new ExpungeOptions().setExpungeDeletedResources(true).setLimit(Math.max(deleted, 1000)),
          new SystemRequestDetails());
    }
    return deleted;
  }
}
