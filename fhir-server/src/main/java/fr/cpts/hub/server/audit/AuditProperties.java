package fr.cpts.hub.server.audit;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The audit trail of accesses to personal health data.
 *
 * @param enabled record an AuditEvent for every request on {@code types}
 * @param types the resource types that hold personal data: any request that reads, searches or
 *     writes one of them (alone or in a transaction) is traced
 * @param retention how long an AuditEvent is kept; at least six months (183 days)
 * @param purgeCron when the job that deletes and expunges the AuditEvents older than {@code
 *     retention} runs (Spring cron, Europe/Paris); "-" turns it off
 * @param flushInterval how often each node stores the queued events as AuditEvents
 * @param batchSize how many queued events one database transaction stores
 * @param maxAttempts how many times an event that cannot be stored is tried before it is left in
 *     the queue for someone to look at
 */
@Validated
@ConfigurationProperties("hub.audit")
public record AuditProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue({
          "Patient",
          "Appointment",
          "ServiceRequest",
          "DiagnosticReport",
          "ImagingStudy",
          "Task",
          "QuestionnaireResponse",
          "Communication",
          "AuditEvent"
        })
        List<String> types,
    @DefaultValue("400d") @NotNull Duration retention,
    @DefaultValue("0 45 3 * * *") String purgeCron,
    @DefaultValue("1s") @NotNull Duration flushInterval,
    @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
    @DefaultValue("5") @Min(1) int maxAttempts) {

  /** The shortest retention the trail may have: six months. */
  public static final Duration MINIMUM_RETENTION = Duration.ofDays(183);

  @AssertTrue(message = "hub.audit.retention must be at least 183 days (six months)")
  public boolean isRetentionLongEnough() {
    return retention != null && retention.compareTo(MINIMUM_RETENTION) >= 0;
  }
}
