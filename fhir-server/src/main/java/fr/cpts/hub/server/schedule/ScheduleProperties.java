package fr.cpts.hub.server.schedule;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Slots generated from a Schedule's recurrence rule (FR Core availability-time extensions).
 *
 * @param horizonDays how far ahead of now the hub keeps a rule-bearing Schedule's slots
 * @param extendCron when the job that extends every rule-bearing Schedule's slots to the horizon
 *     runs (a Spring cron expression, six fields, in Europe/Paris); {@code -} turns it off
 */
@Validated
@ConfigurationProperties("hub.schedule")
public record ScheduleProperties(
    @DefaultValue("28") @Min(1) @Max(366) int horizonDays,
    @DefaultValue(DEFAULT_EXTEND_CRON) @NotBlank String extendCron) {

  /** Every night at 02:15. */
  public static final String DEFAULT_EXTEND_CRON = "0 15 2 * * *";
}
