package fr.cpts.hub.server.imaging;

import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.llp.MinLLPReader;
import ca.uhn.hl7v2.llp.MinLLPWriter;
import ca.uhn.hl7v2.model.Message;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.hl7v2.Er7Message;
import fr.cpts.hub.mappers.hl7v2.Hl7v2MappingException;
import fr.cpts.hub.mappers.hl7v2.Hl7v2Reader;
import fr.cpts.hub.mappers.hl7v2.ImagingOrder;
import fr.cpts.hub.mappers.hl7v2.OrderMessageOptions;
import fr.cpts.hub.mappers.hl7v2.ServiceRequestToOrmMapper;
import fr.cpts.hub.server.mt.MtRecords;
import fr.cpts.hub.server.outbox.DeliveryFailure;
import fr.cpts.hub.server.outbox.OutboxTable;
import fr.cpts.hub.server.outbox.RetryPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the imaging orders of {@link OrderOutbox} to the RIS, over MLLP (HAPI HL7 v2's framing), as
 * the group's source says: ORM^O01 or OMI^O23, UTF-8 or ISO-8859-1 ({@link
 * ServiceRequestToOrmMapper}, from the order version recorded, its Patient and its requester's
 * Practitioner). The RIS's ACK decides: AA or CA sent; AE or CE (an error on its side) retried; AR
 * or CR (refused) given up at once; no answer, a closed connection or a timeout retried with a
 * doubling wait up to {@code max-attempts}. An order the mapper cannot express (no INS, no IDNPS
 * for the requester...) is given up with its {@code HUB-09xx} code. Runs on every node every {@code
 * poll-interval}, under the outbox's leases. Logs ids and codes, never content.
 */
@Component
public class OrderSender {

  private static final Logger log = LoggerFactory.getLogger(OrderSender.class);
  private static final int BATCH = 50;

  private final OrderOutbox outbox;
  private final OutboxTable table;
  private final MllpProperties sources;
  private final OrderSenderProperties properties;
  private final MtRecords records;
  private final RetryPolicy retry;
  private final Clock clock;
  private final String node = "orders-" + UUID.randomUUID();
  private final Hl7v2Reader reader = new Hl7v2Reader();

  public OrderSender(
      OrderOutbox outbox,
      MllpProperties sources,
      OrderSenderProperties properties,
      MtRecords records,
      Clock clock) {
    this.outbox = outbox;
    this.table = outbox.table();
    this.sources = sources;
    this.properties = properties;
    this.records = records;
    this.clock = clock;
    this.retry =
        new RetryPolicy(
            properties.firstRetry(), properties.maxRetryWait(), properties.maxAttempts());
  }

  @Scheduled(
      fixedDelayString = "${hub.hl7v2.orders.poll-interval:5s}",
      initialDelayString = "${hub.hl7v2.orders.poll-interval:5s}")
  public void sendDue() {
    sendDue(clock.instant());
  }

  /** Sends every order due at {@code now}; returns how many the RIS accepted. */
  public int sendDue(Instant now) {
    int sent = 0;
    for (OrderOutbox.Message message : outbox.due(now, BATCH)) {
      if (table.lease(message.id(), node, now, now.plus(properties.lease()))
          && send(message, now)) {
        sent++;
      }
    }
    return sent;
  }

  private boolean send(OrderOutbox.Message message, Instant now) {
    Optional<MllpProperties.Source> source =
        sources.source(message.sourceCode()).filter(MllpProperties.Source::receivesOrders);
    if (source.isEmpty()) {
      table.close(message.id(), node, OutboxTable.FAILED, "no RIS configured for this group");
      return false;
    }
    Er7Message er7;
    try {
      er7 = map(message, source.get());
    } catch (Hl7v2MappingException e) {
      table.close(message.id(), node, OutboxTable.FAILED, e.getMessage());
      log.warn(
          "HL7 v2 order of ServiceRequest/{} not sent: {}", message.serviceRequestId(), e.code());
      return false;
    } catch (ResourceNotFoundException | ResourceGoneException | IllegalStateException e) {
      table.close(message.id(), node, OutboxTable.FAILED, "order or its patient not found");
      return false;
    }
    Optional<DeliveryFailure> failure = exchange(er7, source.get());
    if (failure.isEmpty()) {
      table.markSent(message.id(), node, clock.instant());
      log.info(
          "HL7 v2 order of ServiceRequest/{} sent to {}",
          message.serviceRequestId(),
          message.sourceCode());
      return true;
    }
    int attempts = message.attempts() + 1;
    boolean last = !failure.get().retryable() || retry.givesUpAfter(attempts);
    table.markAttemptFailed(
        message.id(), node, failure.get().error(), now.plus(retry.waitAfter(attempts)), last);
    log.warn(
        "HL7 v2 order of ServiceRequest/{} not delivered, attempt {}: {}{}",
        message.serviceRequestId(),
        attempts,
        failure.get().error(),
        last ? " (given up)" : "");
    return false;
  }

  private Er7Message map(OrderOutbox.Message message, MllpProperties.Source source)
      throws Hl7v2MappingException {
    ServiceRequest order =
        records
            .read(
                ServiceRequest.class,
                new IdType(
                    "ServiceRequest", message.serviceRequestId(), Long.toString(message.version())))
            .orElseThrow(() -> new IllegalStateException("order gone"));
    Patient patient =
        records
            .read(Patient.class, order.getSubject())
            .orElseThrow(() -> new IllegalStateException("patient gone"));
    Practitioner requester = requester(order.getRequester());
    OrderMessageOptions options =
        OrderMessageOptions.of(
            source.orderMessage(),
            source.orderCharset(),
            properties.cpts(),
            source.radiologySource());
    return new ServiceRequestToOrmMapper(source.radiologySource())
        .map(
            new ImagingOrder(order, patient, requester),
            options,
            MappingContext.paris(
                clock, () -> UUID.randomUUID().toString().replace("-", "").substring(0, 20)));
  }

  /** The requesting Practitioner: itself, or a PractitionerRole's; an empty one when unknown. */
  private Practitioner requester(Reference reference) {
    if ("PractitionerRole".equals(reference.getReferenceElement().getResourceType())) {
      return records
          .read(PractitionerRole.class, reference)
          .flatMap(r -> records.read(Practitioner.class, r.getPractitioner()))
          .orElse(new Practitioner());
    }
    return records.read(Practitioner.class, reference).orElse(new Practitioner());
  }

  /** Sends one message and reads the RIS's ACK. */
  private Optional<DeliveryFailure> exchange(Er7Message er7, MllpProperties.Source source) {
    int timeout = (int) properties.timeout().toMillis();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(source.orderHost(), source.orderPort()), timeout);
      socket.setSoTimeout(timeout);
      // The bytes as the mapper encoded them: ISO-8859-1 carries each byte unchanged.
      MinLLPWriter writer = new MinLLPWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
      writer.writeMessage(new String(er7.bytes(), StandardCharsets.ISO_8859_1));
      MinLLPReader reader = new MinLLPReader(socket.getInputStream(), StandardCharsets.ISO_8859_1);
      String answer = reader.getMessage();
      if (answer == null) {
        return Optional.of(
            new DeliveryFailure("the RIS closed the connection without an ACK", true));
      }
      return acknowledgement(answer);
    } catch (IOException | LLPException e) {
      return Optional.of(
          new DeliveryFailure("RIS unreachable: " + e.getClass().getSimpleName(), true));
    }
  }

  private Optional<DeliveryFailure> acknowledgement(String answer) {
    String code;
    try {
      Message parsed = reader.read(answer.getBytes(StandardCharsets.ISO_8859_1));
      code =
          parsed.get("MSA") instanceof ca.uhn.hl7v2.model.v25.segment.MSA msa
              ? msa.getAcknowledgmentCode().getValue()
              : null;
    } catch (HL7Exception | Hl7v2MappingException e) {
      return Optional.of(new DeliveryFailure("the RIS's answer is not an HL7 v2 ACK", true));
    }
    if ("AA".equals(code) || "CA".equals(code)) {
      return Optional.empty();
    }
    if ("AR".equals(code) || "CR".equals(code)) {
      return Optional.of(new DeliveryFailure("refused by the RIS (" + code + ")", false));
    }
    return Optional.of(new DeliveryFailure("error on the RIS (" + code + ")", true));
  }

  /** The messages recorded for an order (for tests and the operators). */
  public List<OrderOutbox.Message> messagesOf(String serviceRequestId) {
    return outbox.ofOrder(serviceRequestId);
  }
}
