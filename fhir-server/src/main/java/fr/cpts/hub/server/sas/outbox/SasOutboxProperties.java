package fr.cpts.hub.server.sas.outbox;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where and how the hub sends the SAS platform the appointments made through it (INT_R03).
 *
 * @param endpoint the SAS platform's FHIR base URL; empty (the default) turns the outbox off: no
 *     message is recorded
 * @param pollInterval how often each node looks for messages due
 * @param firstRetry the wait after a first failed attempt; each further failure doubles it
 * @param maxRetryWait the longest wait between two attempts
 * @param maxAttempts attempts before a message is marked failed
 * @param timeout connect and read timeout of one attempt
 * @param lease how long a node owns a message it is sending (another node takes it over after)
 */
@Validated
@ConfigurationProperties("hub.sas.outbox")
public record SasOutboxProperties(
    @DefaultValue("") String endpoint,
    @DefaultValue("5s") Duration pollInterval,
    @DefaultValue("10s") Duration firstRetry,
    @DefaultValue("1h") Duration maxRetryWait,
    @DefaultValue("12") @Min(1) @Max(100) int maxAttempts,
    @DefaultValue("10s") Duration timeout,
    @DefaultValue("2m") Duration lease) {

  public boolean enabled() {
    return !endpoint.isBlank();
  }
}
