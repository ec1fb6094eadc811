package fr.cpts.hub.server.notification;

import fr.cpts.hub.server.outbox.RetryPolicy;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the hub notifies the subscribers of its FHIR Subscriptions (rest-hook).
 *
 * @param enabled whether writes are matched against the Subscriptions and notifications sent;
 *     Subscriptions are validated either way
 * @param pollInterval how often each node looks for notifications due
 * @param firstRetry the wait after a first failed attempt; each further failure doubles it
 * @param maxRetryWait the longest wait between two attempts
 * @param maxAttempts attempts before a notification is given up and its Subscription set to {@code
 *     error}
 * @param timeout connect and read timeout of one attempt
 * @param lease how long a node owns a notification it is sending (another node takes it over after)
 * @param httpsEndpoints whether a Subscription's endpoint must be https: {@code secure-mode} (when
 *     client certificates are on), {@code always} or {@code never}
 */
@Validated
@ConfigurationProperties("hub.notification")
public record NotificationProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("2s") Duration pollInterval,
    @DefaultValue("10s") Duration firstRetry,
    @DefaultValue("1h") Duration maxRetryWait,
    @DefaultValue("12") @Min(1) @Max(100) int maxAttempts,
    @DefaultValue("10s") Duration timeout,
    @DefaultValue("2m") Duration lease,
    @DefaultValue("secure-mode") HttpsEndpoints httpsEndpoints) {

  /** When a Subscription's endpoint must be an https URL. */
  public enum HttpsEndpoints {
    SECURE_MODE,
    ALWAYS,
    NEVER
  }

  public RetryPolicy retry() {
    return new RetryPolicy(firstRetry, maxRetryWait, maxAttempts);
  }
}
