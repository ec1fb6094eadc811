package fr.cpts.hub.server.snp;

import fr.cpts.hub.profiles.HubProfiles;
import java.util.Arrays;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Task.TaskStatus;

/**
 * Where a broadcast SNP request stands (the Task's {@code businessStatus}, a {@code hub-snp-step}
 * code) and the Task.status that goes with it: {@code broadcast} while waiting for an answer
 * (requested until the first wave, then in-progress); {@code accepted} (completed: an Appointment
 * was booked); {@code escalated} (failed: nobody took it in time, the requester takes over); {@code
 * cancelled} by its requester.
 */
public enum SnpStep {
  BROADCAST("broadcast", TaskStatus.INPROGRESS),
  ACCEPTED("accepted", TaskStatus.COMPLETED),
  ESCALATED("escalated", TaskStatus.FAILED),
  CANCELLED("cancelled", TaskStatus.CANCELLED);

  private final String code;
  private final TaskStatus status;

  SnpStep(String code, TaskStatus status) {
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  /** The Task.status of a request at this step (a request not yet broadcast is requested). */
  public TaskStatus status() {
    return status;
  }

  public boolean isOpen() {
    return this == BROADCAST;
  }

  public CodeableConcept concept() {
    return new CodeableConcept(new Coding(HubProfiles.CS_SNP_STEP, code, null));
  }

  public static Optional<SnpStep> of(CodeableConcept businessStatus) {
    if (businessStatus == null) {
      return Optional.empty();
    }
    return businessStatus.getCoding().stream()
        .filter(c -> HubProfiles.CS_SNP_STEP.equals(c.getSystem()))
        .map(Coding::getCode)
        .flatMap(c -> Arrays.stream(values()).filter(s -> s.code.equals(c)))
        .findFirst();
  }
}
