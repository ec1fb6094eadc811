package fr.cpts.hub.server.mt;

import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskPriority;

/**
 * A request's priority: the score (the sum of the points of the rules that fired), each rule that
 * fired with its points and why, and the Task.priority it maps to: {@code asap} from {@value
 * #ASAP_FROM} points, {@code urgent} from {@value #URGENT_FROM}, else {@code routine}.
 */
public record MtPriority(int score, List<Reason> reasons, TaskPriority priority) {

  static final int URGENT_FROM = 30;
  static final int ASAP_FROM = 60;

  /** One rule that fired: its points and the explanation shown to the team. */
  public record Reason(MtPriorityRule rule, int points, String explanation) {}

  public MtPriority {
    reasons = List.copyOf(reasons);
  }

  /**
   * Applies every rule to the situation.
   *
   * @param requested the day the request was made (Task.authoredOn, Europe/Paris)
   * @param today the day of computation (Europe/Paris)
   */
  public static MtPriority of(MtSituation situation, LocalDate requested, LocalDate today) {
    long waited = Math.max(0, ChronoUnit.DAYS.between(requested, today));
    MtPriorityRule.Input input = new MtPriorityRule.Input(situation, waited);
    List<Reason> reasons = new ArrayList<>();
    int score = 0;
    for (MtPriorityRule rule : MtPriorityRule.values()) {
      int points = rule.points(input);
      if (points > 0) {
        score += points;
        reasons.add(new Reason(rule, points, explain(rule, situation, waited, points)));
      }
    }
    TaskPriority priority =
        score >= ASAP_FROM
            ? TaskPriority.ASAP
            : score >= URGENT_FROM ? TaskPriority.URGENT : TaskPriority.ROUTINE;
    return new MtPriority(score, reasons, priority);
  }

  private static String explain(
      MtPriorityRule rule, MtSituation situation, long waited, int points) {
    String detail =
        switch (rule) {
          case AGE_70 -> " (" + situation.age().getAsInt() + " ans)";
          case WAITING -> " (" + waited + " jours)";
          case COMPLEX_CARE ->
              situation.complexCare()
                  ? ""
                  : MtSituation.HOUSEBOUND.equals(situation.mobility())
                      ? " (ne peut pas se déplacer)"
                      : " (" + situation.chronicConditions().size() + " maladies chroniques)";
          default -> "";
        };
    return rule.label() + detail + ": +" + points;
  }

  /**
   * Writes it on the Task: Task.priority and the hub-priority extension (score, one reason per rule
   * that fired, when), replacing any earlier one.
   */
  public void stamp(Task task, Instant computed) {
    task.setPriority(priority);
    task.getExtension().removeIf(e -> HubProfiles.EXT_PRIORITY.equals(e.getUrl()));
    Extension extension = task.addExtension().setUrl(HubProfiles.EXT_PRIORITY);
    extension.addExtension("score", new IntegerType(score));
    for (Reason reason : reasons) {
      extension.addExtension(
          "reason",
          new Coding(HubProfiles.CS_PRIORITY_RULE, reason.rule().code(), reason.explanation()));
    }
    DateTimeType at = new DateTimeType(Date.from(computed), HubTime.PRECISION, HubTime.PARIS_TZ);
    extension.addExtension("computed", at);
  }
}
