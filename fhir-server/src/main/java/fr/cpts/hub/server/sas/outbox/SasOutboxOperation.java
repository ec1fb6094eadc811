package fr.cpts.hub.server.sas.outbox;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.sas.outbox.SasOutboxMessage.State;
import java.util.Date;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET [base]/$sas-outbox[?state=pending|sent|failed][&appointment=id]}: the messages of the
 * SAS outbox, newest first (at most {@value #LIMIT}), each with its appointment and version, kind,
 * state, attempts, dates and last error. Read-only.
 */
@Component
public class SasOutboxOperation implements HubOperationProvider {

  public static final String NAME = "$sas-outbox";
  public static final String STATE = "state";
  public static final String APPOINTMENT = "appointment";
  static final int LIMIT = 1000;

  private final SasOutbox outbox;

  public SasOutboxOperation(SasOutbox outbox) {
    this.outbox = outbox;
  }

  @Operation(name = NAME, idempotent = true)
  public Parameters messages(
      @OperationParam(name = STATE, min = 0, max = 1) CodeType state,
      @OperationParam(name = APPOINTMENT, min = 0, max = 1) StringType appointment) {
    State wanted = null;
    if (state != null && state.hasValue()) {
      try {
        wanted = State.valueOf(state.getValue().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "HUB-0421: state is pending, sent or failed; got " + state.getValue());
      }
    }
    Parameters answer = new Parameters();
    for (SasOutboxMessage message :
        outbox.find(wanted, appointment == null ? null : appointment.getValue(), LIMIT)) {
      ParametersParameterComponent part = answer.addParameter().setName("message");
      part.addPart().setName("id").setValue(new StringType(message.id()));
      part.addPart()
          .setName("appointment")
          .setValue(new Reference("Appointment/" + message.appointmentId()));
      part.addPart()
          .setName("version")
          .setValue(new IntegerType(Math.toIntExact(message.appointmentVersion())));
      part.addPart()
          .setName("kind")
          .setValue(new CodeType(message.kind().name().toLowerCase(Locale.ROOT)));
      part.addPart()
          .setName("state")
          .setValue(new CodeType(message.state().name().toLowerCase(Locale.ROOT)));
      part.addPart().setName("attempts").setValue(new IntegerType(message.attempts()));
      part.addPart().setName("created").setValue(instant(message.createdAt()));
      if (message.state() == State.PENDING) {
        part.addPart().setName("nextAttempt").setValue(instant(message.nextAttemptAt()));
      }
      if (message.sentAt() != null) {
        part.addPart().setName("sent").setValue(instant(message.sentAt()));
      }
      if (message.lastError() != null) {
        part.addPart().setName("lastError").setValue(new StringType(message.lastError()));
      }
    }
    return answer;
  }

  private static InstantType instant(java.time.Instant instant) {
    return new InstantType(Date.from(instant));
  }
}
