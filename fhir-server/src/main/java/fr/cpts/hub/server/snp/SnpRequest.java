package fr.cpts.hub.server.snp;

import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubTime;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;

/**
 * What the hub records on a broadcast SNP request's Task, read and written here only: its waves of
 * alerts ({@code hub-snp-wave}) and the answers to them ({@code hub-snp-answer}), its deadline
 * ({@code restriction.period.end}). Pure: reads and changes the Task in memory.
 */
public final class SnpRequest {

  /** The Task code of a broadcast SNP request. */
  public static final String SNP_BROADCAST = "snp-broadcast";

  /** The last wave: the volunteers further away. */
  static final int LAST_WAVE = 3;

  private SnpRequest() {}

  /** One wave of alerts: its number, when, how far it looked (waves 2 and 3), whom it alerted. */
  public record Wave(int number, Instant at, Double radiusKm, List<String> alerted) {}

  /** One professional's answer; {@code role} is the PractitionerRole's id. */
  public record Answer(String role, boolean accepted, Instant at) {}

  public static boolean isBroadcast(IBaseResource resource) {
    return resource instanceof Task task
        && task.getCode().getCoding().stream()
            .anyMatch(
                c ->
                    HubProfiles.CS_TASK_TYPE.equals(c.getSystem())
                        && SNP_BROADCAST.equals(c.getCode()));
  }

  public static SnpStep step(Task task) {
    return SnpStep.of(task.getBusinessStatus()).orElse(SnpStep.BROADCAST);
  }

  /** When the request must have been taken; null if the hub has not set it (never stored so). */
  public static Instant deadline(Task task) {
    return task.getRestriction().getPeriod().getEnd() == null
        ? null
        : task.getRestriction().getPeriod().getEnd().toInstant();
  }

  public static List<Wave> waves(Task task) {
    List<Wave> waves = new ArrayList<>();
    for (Extension wave : task.getExtensionsByUrl(HubProfiles.EXT_SNP_WAVE)) {
      Type number = value(wave, "wave");
      Type at = value(wave, "at");
      Type radius = value(wave, "radius");
      if (!(number instanceof PositiveIntType n) || !(at instanceof DateTimeType when)) {
        continue;
      }
      List<String> alerted =
          wave.getExtensionsByUrl("alerted").stream()
              .map(Extension::getValue)
              .filter(Reference.class::isInstance)
              .map(r -> ((Reference) r).getReferenceElement().getIdPart())
              .toList();
      waves.add(
          new Wave(
              n.getValue(),
              when.getValue().toInstant(),
              radius instanceof DecimalType km ? km.getValue().doubleValue() : null,
              alerted));
    }
    waves.sort(Comparator.comparingInt(Wave::number));
    return waves;
  }

  public static List<Answer> answers(Task task) {
    List<Answer> answers = new ArrayList<>();
    for (Extension answer : task.getExtensionsByUrl(HubProfiles.EXT_SNP_ANSWER)) {
      if (value(answer, "by") instanceof Reference by
          && value(answer, "answer") instanceof org.hl7.fhir.r4.model.CodeType code
          && value(answer, "at") instanceof DateTimeType at) {
        answers.add(
            new Answer(
                by.getReferenceElement().getIdPart(),
                "accepted".equals(code.getValue()),
                at.getValue().toInstant()));
      }
    }
    return answers;
  }

  /** Every PractitionerRole id alerted so far, in the order of the waves. */
  public static Set<String> alerted(Task task) {
    Set<String> alerted = new LinkedHashSet<>();
    waves(task).forEach(w -> alerted.addAll(w.alerted()));
    return alerted;
  }

  /** The alerted who have not declined: those to tell when the request closes. */
  public static Set<String> stillAsked(Task task) {
    Set<String> asked = alerted(task);
    answers(task).stream().filter(a -> !a.accepted()).forEach(a -> asked.remove(a.role()));
    return asked;
  }

  public static Optional<Answer> acceptance(Task task) {
    return answers(task).stream().filter(Answer::accepted).findFirst();
  }

  static void addWave(Task task, int number, Instant at, Double radiusKm, List<String> roles) {
    Extension wave = task.addExtension().setUrl(HubProfiles.EXT_SNP_WAVE);
    wave.addExtension("wave", new PositiveIntType(number));
    wave.addExtension("at", HubTime.dateTime(at));
    if (radiusKm != null) {
      wave.addExtension("radius", new DecimalType(BigDecimal.valueOf(radiusKm)));
    }
    roles.forEach(r -> wave.addExtension("alerted", new Reference("PractitionerRole/" + r)));
  }

  static Extension addAnswer(Task task, String role, boolean accepted, Instant at) {
    Extension answer = task.addExtension().setUrl(HubProfiles.EXT_SNP_ANSWER);
    answer.addExtension("by", new Reference("PractitionerRole/" + role));
    answer.addExtension(
        "answer", new org.hl7.fhir.r4.model.CodeType(accepted ? "accepted" : "declined"));
    answer.addExtension("at", HubTime.dateTime(at));
    return answer;
  }

  /** Moves the request to a step: businessStatus, status, lastModified. */
  static void enter(Task task, SnpStep step, Instant now) {
    task.setBusinessStatus(step.concept());
    task.setStatus(step.status());
    task.setLastModifiedElement(HubTime.dateTime(now));
  }

  private static Type value(Extension extension, String url) {
    Extension inner = extension.getExtensionByUrl(url);
    return inner == null ? null : inner.getValue();
  }
}
