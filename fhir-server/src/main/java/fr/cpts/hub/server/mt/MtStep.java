package fr.cpts.hub.server.mt;

import fr.cpts.hub.profiles.HubProfiles;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Task.TaskStatus;

/**
 * Where a request for a médecin traitant stands: the Task's {@code businessStatus} (CodeSystem
 * hub-mt-step), the Task.status it implies, and the steps that may follow it. The workflow:
 *
 * <pre>
 * received -> ipa-assessment (optional) -> proposed -> accepted -> attached
 *                                                  \-> declined -> proposed (another GP) ...
 * any open step -> abandoned
 * </pre>
 *
 * {@code attached} and {@code abandoned} are final.
 */
public enum MtStep {
  RECEIVED("received", TaskStatus.RECEIVED),
  IPA_ASSESSMENT("ipa-assessment", TaskStatus.INPROGRESS),
  PROPOSED("proposed", TaskStatus.INPROGRESS),
  ACCEPTED("accepted", TaskStatus.ACCEPTED),
  DECLINED("declined", TaskStatus.READY),
  ATTACHED("attached", TaskStatus.COMPLETED),
  ABANDONED("abandoned", TaskStatus.CANCELLED);

  private final String code;
  private final TaskStatus status;

  MtStep(String code, TaskStatus status) {
    this.code = code;
    this.status = status;
  }

  public String code() {
    return code;
  }

  /** The Task.status the hub sets for this step. */
  public TaskStatus status() {
    return status;
  }

  /** The steps that may follow this one. */
  public Set<MtStep> next() {
    return switch (this) {
      case RECEIVED -> EnumSet.of(IPA_ASSESSMENT, PROPOSED, ABANDONED);
      case IPA_ASSESSMENT -> EnumSet.of(PROPOSED, ABANDONED);
      case PROPOSED -> EnumSet.of(ACCEPTED, DECLINED, ABANDONED);
      case DECLINED -> EnumSet.of(IPA_ASSESSMENT, PROPOSED, ABANDONED);
      case ACCEPTED -> EnumSet.of(ATTACHED, ABANDONED);
      case ATTACHED, ABANDONED -> EnumSet.noneOf(MtStep.class);
    };
  }

  public boolean isFinal() {
    return next().isEmpty();
  }

  /** The Task.status values of the open steps, for the worklist's search. */
  public static final String OPEN_STATUSES = "received,in-progress,accepted,ready";

  public Coding coding() {
    return new Coding(HubProfiles.CS_MT_STEP, code, null);
  }

  public CodeableConcept concept() {
    return new CodeableConcept(coding());
  }

  public static Optional<MtStep> ofCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }

  /** The step a businessStatus names (a hub-mt-step coding), if any. */
  public static Optional<MtStep> of(CodeableConcept businessStatus) {
    if (businessStatus == null) {
      return Optional.empty();
    }
    return businessStatus.getCoding().stream()
        .filter(c -> HubProfiles.CS_MT_STEP.equals(c.getSystem()))
        .findFirst()
        .flatMap(c -> ofCode(c.getCode()));
  }
}
