package fr.cpts.hub.server.mt;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.junit.jupiter.api.Test;

class MtStepTest {

  @Test
  void theWorkflow_allowsExactlyItsMoves() {
    assertThat(MtStep.RECEIVED.next())
        .containsExactlyInAnyOrder(MtStep.IPA_ASSESSMENT, MtStep.PROPOSED, MtStep.ABANDONED);
    assertThat(MtStep.PROPOSED.next())
        .containsExactlyInAnyOrder(MtStep.ACCEPTED, MtStep.DECLINED, MtStep.ABANDONED);
    assertThat(MtStep.ACCEPTED.next()).containsExactlyInAnyOrder(MtStep.ATTACHED, MtStep.ABANDONED);
    assertThat(MtStep.RECEIVED.next()).doesNotContain(MtStep.ACCEPTED, MtStep.ATTACHED);
    assertThat(MtStep.ATTACHED.isFinal()).isTrue();
    assertThat(MtStep.ABANDONED.isFinal()).isTrue();
    assertThat(MtStep.DECLINED.isFinal()).isFalse();
  }

  @Test
  void eachStep_setsItsTaskStatus_andTheOpenOnesAreTheWorklistsStatuses() {
    assertThat(MtStep.ATTACHED.status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(MtStep.ABANDONED.status()).isEqualTo(TaskStatus.CANCELLED);
    for (MtStep step : MtStep.values()) {
      assertThat(MtStep.OPEN_STATUSES.split(","))
          .as(step.code())
          .matches(
              statuses ->
                  java.util.Arrays.asList(statuses).contains(step.status().toCode())
                      != step.isFinal());
      assertThat(MtStep.ofCode(step.code())).contains(step);
      assertThat(MtStep.of(step.concept())).contains(step);
    }
  }
}
