package fr.cpts.hub.server.imaging;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.cpts.hub.mappers.hl7v2.Hl7v2MappingException;
import fr.cpts.hub.mappers.hl7v2.Hl7v2Reader;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.imaging.Hl7v2MessageStore.State;
import fr.cpts.hub.server.imaging.Hl7v2MessageStore.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET [base]/$hl7v2-messages[?state=processed|failed|duplicate][&id=...]}: the HL7 v2
 * messages the MLLP listener received, newest first (at most {@value #LIMIT}), each with its header
 * (sender, type, control id), state, acknowledgement code and error. With {@code id}, that one
 * message, with its text ({@code raw}, decoded in its character set). Read-only. The messages are
 * personal health data (who may call this is the security issue's business).
 */
@Component
public class Hl7v2MessagesOperation implements HubOperationProvider {

  public static final String NAME = "$hl7v2-messages";
  public static final String STATE = "state";
  public static final String ID = "id";
  static final int LIMIT = 1000;

  private final Hl7v2MessageStore store;
  private final Hl7v2Reader reader = new Hl7v2Reader();

  public Hl7v2MessagesOperation(Hl7v2MessageStore store) {
    this.store = store;
  }

  @Operation(name = NAME, idempotent = true)
  public Parameters messages(
      @OperationParam(name = STATE, min = 0, max = 1) CodeType state,
      @OperationParam(name = ID, min = 0, max = 1) StringType id) {
    Parameters answer = new Parameters();
    if (id != null && id.hasValue()) {
      StoredMessage message =
          store
              .get(id.getValue())
              .orElseThrow(
                  () ->
                      new ResourceNotFoundException(
                          "HUB-0913: no HL7 v2 message with id " + id.getValue()));
      ParametersParameterComponent part = add(answer, message);
      store.raw(message.id()).ifPresent(raw -> part.addPart().setName("raw").setValue(text(raw)));
      return answer;
    }
    List<StoredMessage> messages = store.find(state(state), LIMIT);
    messages.forEach(m -> add(answer, m));
    return answer;
  }

  private static State state(CodeType state) {
    if (state == null || !state.hasValue()) {
      return null;
    }
    try {
      return State.valueOf(state.getValue().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "HUB-0914: state is processed, failed or duplicate; got " + state.getValue());
    }
  }

  private static ParametersParameterComponent add(Parameters answer, StoredMessage message) {
    ParametersParameterComponent part = answer.addParameter().setName("message");
    part.addPart().setName("id").setValue(new StringType(message.id()));
    part.addPart().setName("received").setValue(new InstantType(Date.from(message.receivedAt())));
    part.addPart()
        .setName("sendingApplication")
        .setValue(new StringType(message.sendingApplication()));
    if (!message.sendingFacility().isEmpty()) {
      part.addPart().setName("sendingFacility").setValue(new StringType(message.sendingFacility()));
    }
    if (!message.type().isEmpty()) {
      part.addPart().setName("type").setValue(new StringType(message.type()));
    }
    if (!message.controlId().isEmpty()) {
      part.addPart().setName("controlId").setValue(new StringType(message.controlId()));
    }
    part.addPart().setName("state").setValue(new CodeType(message.state().code()));
    part.addPart().setName("ack").setValue(new CodeType(message.ackCode()));
    if (message.errorCode() != null) {
      part.addPart().setName("errorCode").setValue(new CodeType(message.errorCode()));
    }
    if (message.errorText() != null) {
      part.addPart().setName("errorText").setValue(new StringType(message.errorText()));
    }
    return part;
  }

  /** The message's text in its own character set; byte for byte (ISO-8859-1) when unreadable. */
  private StringType text(byte[] raw) {
    String text;
    try {
      text = reader.decode(raw);
    } catch (Hl7v2MappingException e) {
      text = new String(raw, StandardCharsets.ISO_8859_1);
    }
    return new StringType(text);
  }
}
