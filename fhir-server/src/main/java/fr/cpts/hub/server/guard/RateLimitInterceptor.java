package fr.cpts.hub.server.guard;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import fr.cpts.hub.server.config.HubInterceptor;
import fr.cpts.hub.server.security.ClientIdentity;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;

/**
 * A token bucket per client (Bucket4j): a request that finds its client's bucket empty gets 429
 * with an OperationOutcome ({@code HUB-0572}) and {@code Retry-After}, before anything reads the
 * database. A client is counted under its registry id when its certificate identified it (the
 * identification runs first), else under the TCP peer's address.
 *
 * <p>The buckets are each node's own, on purpose: a shared counter would put a database write on
 * every request, the SAS search included. Behind a load balancer spreading a client over N nodes,
 * that client may send up to N times its rate; the limit protects each node, it is not a quota. A
 * bucket left unused for a minute is forgotten (it would be full again by then).
 */
@Interceptor
@Order(RateLimitInterceptor.ORDER)
public class RateLimitInterceptor implements HubInterceptor {

  /** After the client's identification, before the SAS fast path and everything else. */
  static final int ORDER = -500_000;

  private static final Logger log = LoggerFactory.getLogger(RateLimitInterceptor.class);

  private final RequestLimitsProperties.Rate rate;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(1)).maximumSize(100_000).build();

  public RateLimitInterceptor(RequestLimitsProperties.Rate rate) {
    this.rate = rate;
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = ORDER)
  public void count(RequestDetails details, HttpServletRequest request) {
    String key =
        ClientIdentity.of(details).map(ClientIdentity::clientId).orElse(request.getRemoteAddr());
    ConsumptionProbe probe = buckets.get(key, this::newBucket).tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return;
    }
    long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()));
    log.info("Rate limit: request {} of client {} refused", details.getRequestId(), key);
    String message =
        "HUB-0572: too many requests from this client (limit "
            + limitOf(key).requestsPerSecond()
            + " per second, bursts of "
            + limitOf(key).burst()
            + "); retry after "
            + retryAfter
            + " s";
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.THROTTLED)
        .setDiagnostics(message);
    UnclassifiedServerFailureException refusal =
        new UnclassifiedServerFailureException(429, message, outcome);
    refusal.addResponseHeader("Retry-After", Long.toString(retryAfter));
    throw refusal;
  }

  private RequestLimitsProperties.Limit limitOf(String key) {
    RequestLimitsProperties.Limit own = rate.clients().get(key);
    return own != null
        ? own
        : new RequestLimitsProperties.Limit(rate.requestsPerSecond(), rate.burst());
  }

  private Bucket newBucket(String key) {
    RequestLimitsProperties.Limit limit = limitOf(key);
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(limit.burst())
                .refillGreedy(limit.requestsPerSecond(), Duration.ofSeconds(1))
                .build())
        .build();
  }
}
