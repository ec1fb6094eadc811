package fr.cpts.hub.server.outbox;

import java.time.Duration;

/**
 * When an outbox tries a message again: after {@code firstRetry}, the wait doubling on each further
 * failure up to {@code maxRetryWait}; given up after {@code maxAttempts} attempts.
 */
public record RetryPolicy(Duration firstRetry, Duration maxRetryWait, int maxAttempts) {

  /** The wait after {@code attempts} failed attempts (1 for the first). */
  public Duration waitAfter(int attempts) {
    Duration wait = firstRetry.multipliedBy(1L << Math.min(Math.max(attempts, 1) - 1, 20));
    return wait.compareTo(maxRetryWait) > 0 ? maxRetryWait : wait;
  }

  /** Whether a message that has now failed {@code attempts} times is given up. */
  public boolean givesUpAfter(int attempts) {
    return attempts >= maxAttempts;
  }
}
