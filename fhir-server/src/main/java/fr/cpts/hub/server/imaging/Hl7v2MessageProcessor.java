package fr.cpts.hub.server.imaging;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.hl7v2.Hl7v2Error;
import fr.cpts.hub.mappers.hl7v2.Hl7v2Inbound;
import fr.cpts.hub.mappers.hl7v2.Hl7v2MappingException;
import fr.cpts.hub.mappers.hl7v2.Hl7v2Reader;
import fr.cpts.hub.server.imaging.Hl7v2Ack.Code;
import fr.cpts.hub.server.imaging.Hl7v2MessageStore.State;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the hub does with one HL7 v2 message, whatever carried it: the sender is looked up among the
 * configured radiology sources (MSH-3, MSH-4), the message mapped by {@link Hl7v2Inbound} from its
 * raw bytes (so MSH-18 decides the character set), the FHIR transaction posted to the hub's own
 * system DAO (validation and every storage interceptor apply, as for a transaction over REST), and
 * the acknowledgement built. Every message is recorded in {@link Hl7v2MessageStore} with its raw
 * bytes and its outcome; a message of a sender whose control id (MSH-10) was already processed is
 * acknowledged AA again without being applied again (state {@code duplicate}).
 *
 * <p>Two copies of one message arriving at the same instant may both be applied: the mappers'
 * conditional updates by identifier make that harmless (the same resources, updated twice).
 *
 * <p>Logs one line per message at INFO: its id, type, control id, sender and outcome code, never
 * its content (personal health data).
 */
@Component
public class Hl7v2MessageProcessor {

  /** A sender not configured in {@code hub.hl7v2.mllp.sources}. */
  public static final String UNKNOWN_SENDER = "HUB-0910";

  /** The hub refused the FHIR transaction the message maps to (validation, unknown order...). */
  public static final String REFUSED_BY_HUB = "HUB-0911";

  /** The hub could not process the message now (database down...): to be sent again later. */
  public static final String CANNOT_PROCESS_NOW = "HUB-0912";

  private static final Logger log = LoggerFactory.getLogger(Hl7v2MessageProcessor.class);

  private final MllpProperties properties;
  private final Hl7v2MessageStore store;
  private final DaoRegistry daos;
  private final Clock clock;
  private final Hl7v2Ack acks = new Hl7v2Ack();
  private final Hl7v2Reader reader = new Hl7v2Reader();
  private final Map<MllpProperties.Source, Hl7v2Inbound> inbound = new ConcurrentHashMap<>();

  public Hl7v2MessageProcessor(
      MllpProperties properties, Hl7v2MessageStore store, DaoRegistry daos, Clock clock) {
    this.properties = properties;
    this.store = store;
    this.daos = daos;
    this.clock = clock;
  }

  /** Processes a message from its raw bytes, and answers its acknowledgement (ER7, ASCII). */
  public String process(byte[] raw) {
    Instant now = clock.instant();
    String id = UUID.randomUUID().toString();
    Hl7v2Header header = Hl7v2Header.read(raw);
    State state;
    Hl7v2Ack.Error error = null;
    try {
      if (store.processed(header)) {
        state = State.DUPLICATE;
      } else {
        error = apply(header, raw).orElse(null);
        state = error == null ? State.PROCESSED : State.FAILED;
      }
    } catch (RuntimeException e) {
      log.error("HL7 v2 message {}: not processed ({})", id, e.getClass().getSimpleName());
      log.debug("HL7 v2 message {}: not processed", id, e);
      state = State.FAILED;
      error = cannotProcessNow();
    }
    Code code = error == null ? Code.AA : error.code();
    try {
      store.record(
          id,
          now,
          header,
          state,
          code,
          error == null ? null : error.hubCode(),
          error == null ? null : error.text(),
          raw);
    } catch (RuntimeException e) {
      log.error("HL7 v2 message {}: cannot be recorded ({})", id, e.getClass().getSimpleName());
      if (state != State.PROCESSED && state != State.DUPLICATE) {
        // Not applied and not kept: the sender must send it again.
        error = cannotProcessNow();
        code = error.code();
      }
    }
    log.info(
        "HL7 v2 message {} {} control id {} from {}/{}: {} {}",
        id,
        header.type(),
        header.controlId(),
        header.sendingApplication(),
        header.sendingFacility(),
        code,
        error == null ? state.code() : error.hubCode());
    String ackControlId = id.replace("-", "").substring(0, 20);
    return error == null
        ? acks.accepted(header, ackControlId, now, MappingContext.PARIS)
        : acks.refused(header, error, ackControlId, now, MappingContext.PARIS);
  }

  /** Maps and applies a message; the error that stopped it, if any. */
  private Optional<Hl7v2Ack.Error> apply(Hl7v2Header header, byte[] raw) {
    Optional<MllpProperties.Source> source =
        properties.source(header.sendingApplication(), header.sendingFacility());
    if (source.isEmpty()) {
      try {
        // Bytes that are no HL7 v2 message at all are said to be so, whoever sent them.
        reader.read(raw);
      } catch (Hl7v2MappingException e) {
        return Optional.of(mappingError(e));
      }
      return Optional.of(
          new Hl7v2Ack.Error(
              Code.AR,
              UNKNOWN_SENDER,
              "207",
              "MSH-3",
              "the sending application and facility (MSH-3, MSH-4) are not a radiology source"
                  + " of the hub (hub.hl7v2.mllp.sources)"));
    }
    Bundle transaction;
    try {
      transaction =
          inbound
              .computeIfAbsent(source.get(), s -> new Hl7v2Inbound(s.radiologySource()))
              .map(raw, MappingContext.paris(clock, () -> UUID.randomUUID().toString()));
    } catch (Hl7v2MappingException e) {
      return Optional.of(mappingError(e));
    }
    try {
      systemDao().transaction(new SystemRequestDetails(), transaction);
      return Optional.empty();
    } catch (BaseServerResponseException e) {
      if (e.getStatusCode() >= 500) {
        throw e;
      }
      return Optional.of(refused(e));
    }
  }

  static Hl7v2Ack.Error mappingError(Hl7v2MappingException e) {
    Hl7v2Error error = e.error();
    Code code =
        switch (error) {
          case WRONG_MESSAGE_TYPE, UNSUPPORTED_CHARSET -> Code.AR;
          default -> Code.AE;
        };
    String hl7Code =
        switch (error) {
          case WRONG_MESSAGE_TYPE -> "200";
          case NOT_PARSABLE, MISSING_SEGMENT -> "100";
          case MISSING_FIELD, NO_INS -> "101";
          case MALFORMED_BYTES, INVALID_VALUE -> "102";
          default -> "207";
        };
    return new Hl7v2Ack.Error(code, e.code(), hl7Code, e.location().orElse(null), withoutCode(e));
  }

  /** A 4xx of the hub: the content is in error (AE), with the hub's reason. */
  static Hl7v2Ack.Error refused(BaseServerResponseException e) {
    String hl7Code =
        switch (e.getStatusCode()) {
          case 404, 412 -> "204";
          case 409 -> "206";
          default -> "207";
        };
    String reason = firstDiagnostics(e.getOperationOutcome()).orElse(e.getMessage());
    return new Hl7v2Ack.Error(
        Code.AE,
        REFUSED_BY_HUB,
        hl7Code,
        null,
        "the hub refused the resources the message maps to (HTTP "
            + e.getStatusCode()
            + "): "
            + reason);
  }

  private static Hl7v2Ack.Error cannotProcessNow() {
    return new Hl7v2Ack.Error(
        Code.AR,
        CANNOT_PROCESS_NOW,
        "207",
        null,
        "the hub cannot process the message now; send it again later");
  }

  private static Optional<String> firstDiagnostics(IBaseOperationOutcome outcome) {
    if (outcome instanceof OperationOutcome oo) {
      return oo.getIssue().stream()
          .filter(i -> i.hasDiagnostics())
          .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
          .findFirst();
    }
    return Optional.empty();
  }

  private static String withoutCode(Hl7v2MappingException e) {
    String message = e.getMessage();
    String prefix = e.code() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  @SuppressWarnings("unchecked")
  private IFhirSystemDao<Bundle, ?> systemDao() {
    return (IFhirSystemDao<Bundle, ?>) daos.getSystemDao();
  }
}
