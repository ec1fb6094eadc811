package fr.cpts.hub.server.snp;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.server.config.HubTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** What is due for a broadcast request, decided from its Task alone. */
class SnpBroadcasterNextTest {

  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final SnpProperties PROPERTIES =
      new SnpProperties(
          true,
          Duration.ofSeconds(30),
          Duration.ofMinutes(30),
          Duration.ofMinutes(45),
          10,
          30,
          20,
          Duration.ofHours(48),
          Duration.ofMinutes(20));
  private final SnpBroadcaster broadcaster =
      new SnpBroadcaster(null, null, null, null, null, null, PROPERTIES, null);

  @Test
  void newRequest_sendsWave1AtOnce() {
    assertThat(broadcaster.next(task(), T0)).contains(new SnpBroadcaster.SendWave(1));
  }

  @Test
  void wave1_waitsMtDelay_unlessItAlertedNobody_orTheMtDeclined() {
    Task task = task();
    SnpRequest.addWave(task, 1, T0, null, List.of("mt"));
    assertThat(broadcaster.next(task, T0.plus(Duration.ofMinutes(29)))).isEmpty();
    assertThat(broadcaster.next(task, T0.plus(Duration.ofMinutes(30))))
        .contains(new SnpBroadcaster.SendWave(2));

    SnpRequest.addAnswer(task, "mt", false, T0.plusSeconds(60));
    assertThat(broadcaster.next(task, T0.plusSeconds(61)))
        .as("the médecin traitant declined: nobody left to wait for")
        .contains(new SnpBroadcaster.SendWave(2));

    Task nobody = task();
    SnpRequest.addWave(nobody, 1, T0, null, List.of());
    assertThat(broadcaster.next(nobody, T0)).contains(new SnpBroadcaster.SendWave(2));
  }

  @Test
  void wave2_waitsWaveDelay_thenWave3_thenOnlyTheDeadlineOrEveryRefusal() {
    Task task = task();
    SnpRequest.addWave(task, 1, T0, null, List.of());
    SnpRequest.addWave(task, 2, T0, 10.0, List.of("a", "b"));
    assertThat(broadcaster.next(task, T0.plus(Duration.ofMinutes(44)))).isEmpty();
    assertThat(broadcaster.next(task, T0.plus(Duration.ofMinutes(45))))
        .contains(new SnpBroadcaster.SendWave(3));

    SnpRequest.addWave(task, 3, T0.plus(Duration.ofMinutes(45)), 30.0, List.of("c"));
    assertThat(broadcaster.next(task, T0.plus(Duration.ofHours(10)))).isEmpty();
    SnpRequest.addAnswer(task, "a", false, T0);
    SnpRequest.addAnswer(task, "b", false, T0);
    assertThat(broadcaster.next(task, T0.plus(Duration.ofHours(10)))).isEmpty();
    SnpRequest.addAnswer(task, "c", false, T0);
    assertThat(broadcaster.next(task, T0.plus(Duration.ofHours(10))))
        .containsInstanceOf(SnpBroadcaster.Escalate.class);
  }

  @Test
  void atTheDeadline_escalates_andAClosedRequestHasNothingDue() {
    Task task = task();
    SnpRequest.addWave(task, 1, T0, null, List.of("mt"));
    Instant deadline = SnpRequest.deadline(task);
    assertThat(broadcaster.next(task, deadline.minusSeconds(1)))
        .contains(new SnpBroadcaster.SendWave(2));
    assertThat(broadcaster.next(task, deadline)).containsInstanceOf(SnpBroadcaster.Escalate.class);

    SnpRequest.enter(task, SnpStep.ACCEPTED, T0);
    assertThat(broadcaster.next(task, deadline)).isEqualTo(Optional.empty());
  }

  private static Task task() {
    Task task = new Task();
    task.setBusinessStatus(SnpStep.BROADCAST.concept());
    task.getRestriction().getPeriod().setStartElement(HubTime.dateTime(T0));
    task.getRestriction()
        .getPeriod()
        .setEndElement(HubTime.dateTime(T0.plus(Duration.ofHours(48))));
    return task;
  }
}
