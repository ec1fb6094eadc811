package fr.cpts.hub.server.sas.outbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.util.UrlUtil;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.outbox.DeliveryFailure;
import fr.cpts.hub.server.outbox.OutboxTable;
import fr.cpts.hub.server.outbox.RetryPolicy;
import fr.cpts.hub.server.sas.outbox.SasOutboxMessage.Kind;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the outbox's due messages to the SAS platform with HAPI's generic client: the first version
 * of an appointment by POST (conditional on its identifier, so that a retry after a lost answer
 * creates nothing twice), each later one by conditional PUT on its identifier. A failure (SAS down,
 * timeout, 5xx, 408, 429) is retried with a doubling wait up to {@code max-attempts}; a refusal
 * (any other 4xx) fails the message at once. Runs on every node every {@code poll-interval}; the
 * outbox's leases keep two nodes from sending one message. Logs ids and statuses, never content.
 */
@Component
public class SasOutboxSender {

  private static final Logger log = LoggerFactory.getLogger(SasOutboxSender.class);
  private static final int BATCH = 100;
  private static final int MAX_PASSES = 20;

  private final SasOutbox outbox;
  private final SasOutboxProperties properties;
  private final DaoRegistry daos;
  private final Clock clock;
  private final FhirContext clientContext;
  private final RetryPolicy retry;
  private final String node = UUID.randomUUID().toString();

  public SasOutboxSender(
      SasOutbox outbox, SasOutboxProperties properties, DaoRegistry daos, Clock clock) {
    this.outbox = outbox;
    this.properties = properties;
    this.daos = daos;
    this.clock = clock;
    this.retry =
        new RetryPolicy(
            properties.firstRetry(), properties.maxRetryWait(), properties.maxAttempts());
    this.clientContext = OutboxTable.clientContext(properties.timeout());
  }

  @Scheduled(
      fixedDelayString = "${hub.sas.outbox.poll-interval:5s}",
      initialDelayString = "${hub.sas.outbox.poll-interval:5s}")
  public void deliverDue() {
    if (properties.enabled()) {
      deliverDue(clock.instant());
    }
  }

  /**
   * Sends every message due at {@code now}.
   *
   * @return how many were delivered
   */
  public int deliverDue(Instant now) {
    int delivered = 0;
    // A message waits for the older versions of its appointment: passes follow each other while
    // the previous one delivered something, so that a chain of changes goes out in one call.
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      int sent = deliverOnePass(now);
      delivered += sent;
      if (sent == 0) {
        break;
      }
    }
    return delivered;
  }

  private int deliverOnePass(Instant now) {
    int delivered = 0;
    for (SasOutboxMessage message : outbox.due(now, BATCH)) {
      if (!outbox.lease(message.id(), node, now, now.plus(properties.lease()))) {
        continue;
      }
      try {
        send(message);
        outbox.markSent(message.id(), node, clock.instant());
        delivered++;
        log.info(
            "SAS outbox: Appointment/{} version {} sent ({})",
            message.appointmentId(),
            message.appointmentVersion(),
            message.kind());
      } catch (RuntimeException failure) {
        DeliveryFailure why = DeliveryFailure.of(failure, "SAS unreachable");
        failed(message, why.error(), now, !why.retryable());
      }
    }
    return delivered;
  }

  private void failed(SasOutboxMessage message, String error, Instant now, boolean refused) {
    int attempts = message.attempts() + 1;
    boolean last = refused || retry.givesUpAfter(attempts);
    Instant next = now.plus(retry.waitAfter(attempts));
    outbox.markAttemptFailed(message.id(), node, error, next, last);
    log.warn(
        "SAS outbox: Appointment/{} version {} not sent, attempt {}: {}{}",
        message.appointmentId(),
        message.appointmentVersion(),
        attempts,
        error,
        last ? " (given up)" : "");
  }

  private void send(SasOutboxMessage message) {
    Appointment stored =
        daos.getResourceDao(Appointment.class)
            .read(
                new IdType(
                    "Appointment",
                    message.appointmentId(),
                    Long.toString(message.appointmentVersion())),
                new SystemRequestDetails());
    Appointment view = SasAppointmentView.of(stored, this::idnpsOf);
    Identifier identifier = SasAppointmentView.identifier(stored);
    IGenericClient client = clientContext.newRestfulGenericClient(properties.endpoint());
    if (message.kind() == Kind.CREATE) {
      client
          .create()
          .resource(view)
          .conditional()
          .where(
              Appointment.IDENTIFIER
                  .exactly()
                  .systemAndCode(identifier.getSystem(), identifier.getValue()))
          .execute();
    } else {
      client
          .update()
          .resource(view)
          .conditionalByUrl(
              "Appointment?identifier="
                  + UrlUtil.escapeUrlParam(identifier.getSystem() + "|" + identifier.getValue()))
          .execute();
    }
  }

  private Optional<String> idnpsOf(Reference practitioner) {
    Practitioner found =
        daos.getResourceDao(Practitioner.class)
            .read(
                practitioner.getReferenceElement().toUnqualifiedVersionless(),
                new SystemRequestDetails());
    return found.getIdentifier().stream()
        .filter(i -> FrIdentifiers.IDNPS.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst();
  }
}
