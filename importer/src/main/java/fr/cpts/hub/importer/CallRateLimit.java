package fr.cpts.hub.importer;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * A client-side limit on the calls a HAPI client makes: registered on the national directory's
 * client, it holds each request back until it fits in {@code callsPerSecond} (the Annuaire Santé
 * API allows 17). Every HTTP request counts, retries and pages included.
 *
 * <p>The calls are spaced evenly, at least {@code 1 s / callsPerSecond} apart (a Bucket4j bucket of
 * one token, refilled greedily): so no window of one second ever holds more than {@code
 * callsPerSecond} of them, even right after an idle spell, which a bucket of {@code callsPerSecond}
 * tokens would allow twice over. It limits one client of one process; two sync commands running at
 * once would each take the whole allowance (the command is meant to run alone, from one cron).
 */
final class CallRateLimit implements IClientInterceptor {

  /** How much wider than exact the spacing is, for the network's jitter. */
  static final int MARGIN_PERCENT = 5;

  private final Bucket bucket;

  CallRateLimit(int callsPerSecond) {
    if (callsPerSecond < 1) {
      throw new IllegalArgumentException("at least one call per second, not " + callsPerSecond);
    }
    // Rounded up, so that callsPerSecond spacings never fit in less than one second.
    long spacingNanos =
        (1_000_000_000L * (100 + MARGIN_PERCENT) / 100 + callsPerSecond - 1) / callsPerSecond;
    this.bucket =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(1)
                    .refillGreedy(1, Duration.ofNanos(spacingNanos))
                    .initialTokens(1)
                    .build())
            .build();
  }

  @Override
  public void interceptRequest(IHttpRequest request) {
    try {
      bucket.asBlocking().consume(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the call rate limit", e);
    }
  }

  @Override
  public void interceptResponse(IHttpResponse response) {
    // Nothing to do on the way back.
  }
}
