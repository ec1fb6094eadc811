package fr.cpts.hub.server.mt;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Requests from patients without a médecin traitant.
 *
 * @param matchingRadiusKm how far around the patient's preferred commune {@code $mt-match} looks
 *     for GPs when the request does not say
 * @param matchingCount how many GPs {@code $mt-match} proposes when the request does not say
 */
@Validated
@ConfigurationProperties("hub.mt")
public record MtProperties(
    @DefaultValue("15") @DecimalMin("0.1") @DecimalMax("200") double matchingRadiusKm,
    @DefaultValue("10") @Min(1) @Max(100) int matchingCount) {}
