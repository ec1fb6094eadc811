package fr.cpts.hub.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.server.profile.ProfileValidationInterceptor;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stores the queued AuditEvents ({@link AuditQueue}) through HAPI, every {@code
 * hub.audit.flush-interval} on every node: a batch of up to {@code hub.audit.batch-size} events is
 * stored in one database transaction, the one that takes their rows (a HAPI create per event, not a
 * FHIR transaction Bundle: processing a Bundle of hundreds of entries cost more than the creates).
 * A batch that fails (an event naming a resource deleted since, say) is written again event by
 * event; an event that still fails is written without its reference to the resource ({@code
 * entity.name} keeps it), else left queued with its error and retried until {@code
 * hub.audit.max-attempts}. Events carry the time of the request, not of their writing.
 */
@Component
public class AuditQueueWriter {

  private static final Logger log = LoggerFactory.getLogger(AuditQueueWriter.class);

  private final AuditQueue queue;
  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final FhirContext fhir;
  private final AuditProperties properties;

  public AuditQueueWriter(
      AuditQueue queue,
      DaoRegistry daos,
      IHapiTransactionService transactions,
      FhirContext fhir,
      AuditProperties properties) {
    this.queue = queue;
    this.daos = daos;
    this.transactions = transactions;
    this.fhir = fhir;
    this.properties = properties;
  }

  @Scheduled(
      fixedDelayString = "${hub.audit.flush-interval:1s}",
      initialDelayString = "${hub.audit.flush-interval:1s}")
  public void scheduled() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.error("HUB-0534: the audit queue could not be written: {}", e.getClass().getSimpleName());
      log.debug("Audit queue failure", e);
    }
  }

  /** Writes the queued events until none is left; how many this node stored. */
  public int flush() {
    int stored = 0;
    while (true) {
      List<AuditQueue.Entry> batch = queue.oldest(properties.batchSize(), properties.maxAttempts());
      if (batch.isEmpty()) {
        return stored;
      }
      stored += writeBatch(batch);
      if (batch.size() < properties.batchSize()) {
        return stored;
      }
    }
  }

  @PreDestroy
  void lastFlush() {
    scheduled();
  }

  private int writeBatch(List<AuditQueue.Entry> batch) {
    try {
      return transactions
          .withSystemRequest()
          .execute(
              () -> {
                IFhirResourceDao<AuditEvent> dao = daos.getResourceDao(AuditEvent.class);
                SystemRequestDetails hub = hubRequest();
                int stored = 0;
                for (AuditQueue.Entry entry : batch) {
                  if (queue.take(entry.id())) {
                    dao.create(event(entry), hub);
                    stored++;
                  }
                }
                return stored;
              });
    } catch (RuntimeException batchFailed) {
      log.debug("Audit batch of {} failed, written one by one", batch.size(), batchFailed);
      int stored = 0;
      for (AuditQueue.Entry entry : batch) {
        stored += writeOne(entry);
      }
      return stored;
    }
  }

  private int writeOne(AuditQueue.Entry entry) {
    String error;
    try {
      return store(entry, false);
    } catch (RuntimeException first) {
      try {
        return store(entry, true);
      } catch (RuntimeException second) {
        error = second.getClass().getSimpleName() + ": " + second.getMessage();
      }
    }
    queue.failed(entry.id(), error);
    log.error(
        "HUB-0533: an audit event could not be stored (attempt {} of {}); it stays queued",
        entry.attempts() + 1,
        properties.maxAttempts());
    return 0;
  }

  private int store(AuditQueue.Entry entry, boolean withoutReferences) {
    return transactions
        .withSystemRequest()
        .execute(
            () -> {
              if (!queue.take(entry.id())) {
                return 0;
              }
              AuditEvent event = event(entry);
              if (withoutReferences) {
                event.getEntity().forEach(entity -> entity.setWhat(null));
              }
              daos.getResourceDao(AuditEvent.class).create(event, hubRequest());
              return 1;
            });
  }

  private AuditEvent event(AuditQueue.Entry entry) {
    return fhir.newJsonParser()
        .parseResource(AuditEvent.class, new String(entry.event(), StandardCharsets.UTF_8));
  }

  /** Built to the profile by the hub: not validated again (AuditTrailIT validates them). */
  private static SystemRequestDetails hubRequest() {
    SystemRequestDetails hub = new SystemRequestDetails();
    hub.getUserData().put(ProfileValidationInterceptor.BUILT_BY_THE_HUB, Boolean.TRUE);
    return hub;
  }

  /** How many events wait to be stored (those out of attempts included). */
  public long waiting() {
    return queue.size();
  }
}
