package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * An HL7 v2 message the hub cannot map, or a FHIR resource it cannot turn into one. Its message
 * starts with the stable code ({@code HUB-09xx: ...}) and says what was wrong and where: the
 * segment and field ({@code OBR-25}, {@code PID-3}) when one is to blame. Messages never quote
 * personal data (names, identifiers of patients): they may reach logs and acknowledgements.
 */
public final class Hl7v2MappingException extends Exception {

  private static final long serialVersionUID = 1L;

  private final Hl7v2Error error;
  private final String location;

  Hl7v2MappingException(Hl7v2Error error, String location, String message) {
    this(error, location, message, null);
  }

  Hl7v2MappingException(Hl7v2Error error, String location, String message, Throwable cause) {
    super(error.code() + ": " + message + (location == null ? "" : " (" + location + ")"), cause);
    this.error = Objects.requireNonNull(error, "error");
    this.location = location;
  }

  /** HAPI could not read the structure the message claims: where it stopped, when it says. */
  static Hl7v2MappingException unreadable(HL7Exception e) {
    return new Hl7v2MappingException(
        Hl7v2Error.NOT_PARSABLE,
        e.getLocation() == null ? null : e.getLocation().toString(),
        "the message cannot be read",
        e);
  }

  public Hl7v2Error error() {
    return error;
  }

  /** The stable code, {@code HUB-09xx}. */
  public String code() {
    return error.code();
  }

  /** The segment and field to blame, e.g. {@code OBR-25}, when there is one. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /**
   * The same as a FHIR OperationOutcome: one error issue whose details carry the code and whose
   * location is the segment and field, as the hub answers errors elsewhere.
   */
  public OperationOutcome toOperationOutcome() {
    OperationOutcome outcome = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue =
        outcome
            .addIssue()
            .setSeverity(IssueSeverity.ERROR)
            .setCode(
                error == Hl7v2Error.CANNOT_ENCODE || error == Hl7v2Error.WRONG_MESSAGE_TYPE
                    ? IssueType.NOTSUPPORTED
                    : IssueType.INVALID)
            .setDiagnostics(getMessage());
    issue.getDetails().addCoding().setCode(error.code());
    if (location != null) {
      issue.addLocation(location);
    }
    return outcome;
  }
}
