package fr.cpts.hub.server.mt;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Requests from patients without a médecin traitant.
 *
 * @param matchingRadiusKm how far around the patient's preferred commune {@code $mt-match} looks
 *     for GPs when the request does not say
 * @param matchingCount how many GPs {@code $mt-match} proposes when the request does not say
 * @param recomputeCron when the job that recomputes the priority of the open requests runs (their
 *     waiting points grow with time; a Spring cron expression, six fields, in Europe/Paris); {@code
 *     -} turns it off
 */
@Validated
@ConfigurationProperties("hub.mt")
public record MtProperties(
    @DefaultValue("15") @DecimalMin("0.1") @DecimalMax("200") double matchingRadiusKm,
    @DefaultValue("10") @Min(1) @Max(100) int matchingCount,
    @DefaultValue(DEFAULT_RECOMPUTE_CRON) @NotBlank String recomputeCron) {

  /** Every night at 01:30, Paris time. */
  public static final String DEFAULT_RECOMPUTE_CRON = "0 30 1 * * *";
}
