package fr.cpts.hub.server.guard;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What one request, and one client, may ask of the hub.
 *
 * @param maxBodySize the largest request body on the FHIR endpoint (a transaction of several
 *     thousand slots is a few MB); larger ones get 413 before anything reads them
 * @param rate the per-client rate limit
 */
@Validated
@ConfigurationProperties("hub.limits")
public record RequestLimitsProperties(
    @DefaultValue("32MB") @NotNull DataSize maxBodySize, @DefaultValue @Valid @NotNull Rate rate) {

  /**
   * A token bucket per client: it holds up to {@code burst} requests and refills at {@code
   * requestsPerSecond}; a request that finds it empty gets 429 with {@code Retry-After}.
   *
   * @param enabled whether requests are counted at all
   * @param requestsPerSecond the sustained rate of one client
   * @param burst how many requests one client may send at once after a quiet period
   * @param clients other limits for some clients, by the key the hub counts them under: the
   *     registry's client id of a certificate-identified client ({@code sas-platform}), else the
   *     TCP peer's address ({@code 10.0.0.7})
   */
  public record Rate(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("50") @Min(1) int requestsPerSecond,
      @DefaultValue("200") @Min(1) int burst,
      @DefaultValue Map<String, @Valid Limit> clients) {}

  /**
   * @param requestsPerSecond the sustained rate
   * @param burst the bucket's capacity
   */
  public record Limit(@Min(1) int requestsPerSecond, @Min(1) int burst) {}
}
