package fr.cpts.hub.server.outbox;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/**
 * Why one delivery attempt with HAPI's client failed, and whether trying again may help: the
 * receiver unreachable (connection refused, timeout), a 5xx, 408 or 429 are retried; any other
 * answer is a refusal, given up at once. The error names the status or the exception's class, never
 * the answer's body (it may quote personal data).
 */
public record DeliveryFailure(String error, boolean retryable) {

  /**
   * @param unreachable the error recorded when the receiver cannot be reached
   */
  public static DeliveryFailure of(RuntimeException failure, String unreachable) {
    if (failure instanceof FhirClientConnectionException) {
      return new DeliveryFailure(unreachable, true);
    }
    if (failure instanceof BaseServerResponseException refused) {
      return ofStatus(refused.getStatusCode());
    }
    return new DeliveryFailure(failure.getClass().getSimpleName(), false);
  }

  /** An answer with a status other than 2xx. */
  public static DeliveryFailure ofStatus(int status) {
    return new DeliveryFailure("HTTP " + status, status >= 500 || status == 408 || status == 429);
  }
}
