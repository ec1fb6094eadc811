package fr.cpts.hub.server.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The outboxes' retry rules: the doubling wait and its cap, and which failures are retried. */
class RetryPolicyTest {

  @Test
  void waitAfterEachFailure_doubles_upToTheMaximum() {
    RetryPolicy retry = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(1), 5);
    assertThat(retry.waitAfter(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(retry.waitAfter(2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(retry.waitAfter(3)).isEqualTo(Duration.ofSeconds(40));
    assertThat(retry.waitAfter(4)).isEqualTo(Duration.ofMinutes(1));
    assertThat(retry.waitAfter(60)).isEqualTo(Duration.ofMinutes(1));
    assertThat(retry.givesUpAfter(4)).isFalse();
    assertThat(retry.givesUpAfter(5)).isTrue();
  }

  @Test
  void receiverDownOrServerError_isRetried_aRefusalIsNot() {
    assertThat(DeliveryFailure.of(new FhirClientConnectionException("refused"), "down"))
        .isEqualTo(new DeliveryFailure("down", true));
    assertThat(DeliveryFailure.of(new InternalErrorException("boom"), "down"))
        .isEqualTo(new DeliveryFailure("HTTP 500", true));
    assertThat(DeliveryFailure.of(new UnprocessableEntityException("no"), "down"))
        .isEqualTo(new DeliveryFailure("HTTP 422", false));
    assertThat(DeliveryFailure.ofStatus(429).retryable()).isTrue();
    assertThat(DeliveryFailure.ofStatus(408).retryable()).isTrue();
    assertThat(DeliveryFailure.ofStatus(410).retryable()).isFalse();
    assertThat(DeliveryFailure.of(new IllegalStateException(), "down"))
        .isEqualTo(new DeliveryFailure("IllegalStateException", false));
  }
}
