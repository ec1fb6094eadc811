package fr.cpts.hub.server.mt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class MtIndicatorsTest {

  static final LocalDate NOV_1 = LocalDate.of(2026, 11, 1);

  static MtIndicators.Request attached(int requestedDay, int days, boolean ipa, String gp) {
    LocalDate requested = NOV_1.plusDays(requestedDay);
    return new MtIndicators.Request(requested, MtStep.ATTACHED, requested.plusDays(days), ipa, gp);
  }

  static MtIndicators.Request at(MtStep step) {
    return new MtIndicators.Request(NOV_1, step, null, false, null);
  }

  @Test
  void aKnownCohort_givesExactFigures() {
    List<MtIndicators.Request> cohort =
        List.of(
            attached(0, 12, true, "Practitioner/a"),
            attached(3, 30, false, "Practitioner/b"),
            attached(5, 7, false, "Practitioner/a"),
            attached(9, 45, true, "Practitioner/c"),
            attached(10, 20, false, "Practitioner/b"),
            at(MtStep.ABANDONED),
            at(MtStep.RECEIVED),
            at(MtStep.PROPOSED),
            at(MtStep.DECLINED));
    MtIndicators indicators = MtIndicators.of(cohort);
    assertThat(indicators.received()).isEqualTo(9);
    assertThat(indicators.attached()).isEqualTo(5);
    assertThat(indicators.attachedWithIpa()).isEqualTo(2);
    assertThat(indicators.attachedWithoutIpa()).isEqualTo(3);
    assertThat(indicators.abandoned()).isEqualTo(1);
    assertThat(indicators.open()).isEqualTo(3);
    assertThat(indicators.gpsParticipating()).isEqualTo(3);
    // 7, 12, 20, 30, 45
    assertThat(indicators.medianDaysToAttachment()).contains(new BigDecimal("20"));
  }

  @Test
  void anEvenNumberOfAttachments_takesTheMeanOfTheTwoMiddleOnes() {
    MtIndicators indicators =
        MtIndicators.of(
            List.of(
                attached(0, 10, false, "Practitioner/a"),
                attached(0, 3, false, "Practitioner/a"),
                attached(0, 11, false, "Practitioner/a"),
                attached(0, 40, false, "Practitioner/a")));
    assertThat(indicators.medianDaysToAttachment()).contains(new BigDecimal("10.5"));
    assertThat(indicators.gpsParticipating()).isEqualTo(1);
  }

  @Test
  void noAttachment_noMedian_andAnEmptyPeriodIsAllZero() {
    assertThat(MtIndicators.of(List.of(at(MtStep.RECEIVED))).medianDaysToAttachment()).isEmpty();
    MtIndicators none = MtIndicators.of(List.of());
    assertThat(none.received()).isZero();
    assertThat(none.attached()).isZero();
    assertThat(none.gpsParticipating()).isZero();
    assertThat(none.medianDaysToAttachment()).isEmpty();
  }
}
