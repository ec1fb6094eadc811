package fr.cpts.hub.server.mt;

import java.util.function.ToIntFunction;

/**
 * The rules that prioritise a request for a médecin traitant, as data: each has the code it has in
 * the CodeSystem {@code hub-priority-rule}, a label, and the points it adds to the score for a
 * situation and a waiting time (zero: the rule does not fire). The CodeSystem in the profiles
 * package lists the same points; {@code MtPriorityRulesTest} checks that they agree.
 */
public enum MtPriorityRule {
  /** A long-term illness needs a médecin traitant to coordinate its care protocol. */
  ALD("ald", "Affection de longue durée (ALD)", (r) -> r.situation().ald() ? 30 : 0),
  /** Low income: the C2S covers the fees, but practices fill with others first. */
  C2S("c2s", "Complémentaire santé solidaire (C2S)", (r) -> r.situation().c2s() ? 20 : 0),
  /** 70 and over, on the day of computation. */
  AGE_70(
      "age-70",
      "70 ans ou plus",
      (r) -> r.situation().age().isPresent() && r.situation().age().getAsInt() >= 70 ? 20 : 0),
  PRECARITY("precarity", "Situation de précarité", (r) -> r.situation().precarity() ? 20 : 0),
  /** A complex care path: said so on the form, or housebound, or two chronic conditions or more. */
  COMPLEX_CARE(
      "complex-care",
      "Parcours de soins complexe",
      (r) ->
          r.situation().complexCare()
                  || MtSituation.HOUSEBOUND.equals(r.situation().mobility())
                  || r.situation().chronicConditions().size() >= 2
              ? 15
              : 0),
  /** 5 points per full 30 days since the request, at most 30 (six months). */
  WAITING(
      "waiting",
      "Temps d'attente",
      (r) -> (int) Math.min(Waiting.CAP, (r.daysWaited() / Waiting.PERIOD_DAYS) * Waiting.POINTS));

  /** The waiting rule's figures. */
  static final class Waiting {
    static final int PERIOD_DAYS = 30;
    static final int POINTS = 5;
    static final int CAP = 30;

    private Waiting() {}
  }

  /** What a rule looks at: the situation and the whole days since the request. */
  public record Input(MtSituation situation, long daysWaited) {}

  private final String code;
  private final String label;
  private final ToIntFunction<Input> points;

  MtPriorityRule(String code, String label, ToIntFunction<Input> points) {
    this.code = code;
    this.label = label;
    this.points = points;
  }

  public String code() {
    return code;
  }

  public String label() {
    return label;
  }

  public int points(Input input) {
    return points.applyAsInt(input);
  }
}
