package fr.cpts.hub.server.snp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnpIndicatorsTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final Duration OBJECTIVE = Duration.ofHours(48);

  @Test
  void knownDataSet_givesTheSeedsIndicators() {
    List<SnpIndicators.Request> requests =
        List.of(
            accepted(Duration.ofMinutes(20), "Practitioner/1", "Practitioner/2"),
            accepted(Duration.ofMinutes(90), "Practitioner/2"),
            accepted(Duration.ofHours(50), "Practitioner/3"),
            new SnpIndicators.Request(T0, SnpStep.ESCALATED, null, Set.of("Practitioner/4")),
            new SnpIndicators.Request(T0, SnpStep.CANCELLED, null, Set.of()),
            new SnpIndicators.Request(T0, SnpStep.BROADCAST, null, Set.of("Practitioner/1")));

    SnpIndicators indicators = SnpIndicators.of(requests, OBJECTIVE);

    assertThat(indicators.requests()).isEqualTo(6);
    assertThat(indicators.accepted()).isEqualTo(3);
    assertThat(indicators.acceptedWithinObjective()).as("50 h is beyond 48 h").isEqualTo(2);
    assertThat(indicators.shareWithinObjective().getAsDouble()).isEqualTo(2.0 / 6);
    assertThat(indicators.escalated()).isEqualTo(1);
    assertThat(indicators.cancelled()).isEqualTo(1);
    assertThat(indicators.open()).isEqualTo(1);
    assertThat(indicators.medianMinutesToAccept().getAsDouble()).isEqualTo(90.0);
    assertThat(indicators.professionalsParticipating()).as("1, 2, 3, 4 once each").isEqualTo(4);
  }

  @Test
  void evenNumberOfAcceptances_medianIsTheMeanOfTheMiddleTwo_andNoRequestsGiveNoShare() {
    SnpIndicators two =
        SnpIndicators.of(
            List.of(accepted(Duration.ofMinutes(10)), accepted(Duration.ofMinutes(30))), OBJECTIVE);
    assertThat(two.medianMinutesToAccept().getAsDouble()).isEqualTo(20.0);

    SnpIndicators none = SnpIndicators.of(List.of(), OBJECTIVE);
    assertThat(none.shareWithinObjective()).isEmpty();
    assertThat(none.medianMinutesToAccept()).isEmpty();
    assertThat(none.requests()).isZero();
  }

  private static SnpIndicators.Request accepted(Duration after, String... answeredBy) {
    return new SnpIndicators.Request(T0, SnpStep.ACCEPTED, T0.plus(after), Set.of(answeredBy));
  }
}
