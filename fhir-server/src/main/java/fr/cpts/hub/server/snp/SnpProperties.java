package fr.cpts.hub.server.snp;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * SNP requests broadcast to volunteer professionals.
 *
 * @param enabled false: no node sends waves or escalates (requests are still stored and answered)
 * @param tick how often each node looks for requests whose next wave or deadline is due
 * @param mtDelay how long the patient's médecin traitant (wave 1) has before the volunteers nearby
 *     are alerted (wave 2)
 * @param waveDelay how long wave 2 has before the volunteers further away are alerted (wave 3)
 * @param nearbyRadiusKm how far around the patient's commune wave 2 looks
 * @param widerRadiusKm how far wave 3 looks
 * @param maxAlertsPerWave the most professionals one wave alerts (the nearest first)
 * @param objective the time within which a request is to be taken: its deadline, unless the
 *     request's own window ends sooner; unanswered by then, it is escalated to its requester
 * @param appointmentLength the length of the appointment booked when a professional accepts with a
 *     start time rather than a slot
 */
@Validated
@ConfigurationProperties("hub.snp")
public record SnpProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("30s") Duration tick,
    @DefaultValue("30m") Duration mtDelay,
    @DefaultValue("30m") Duration waveDelay,
    @DefaultValue("10") @DecimalMin("0.1") @DecimalMax("200") double nearbyRadiusKm,
    @DefaultValue("30") @DecimalMin("0.1") @DecimalMax("200") double widerRadiusKm,
    @DefaultValue("20") @Min(1) @Max(200) int maxAlertsPerWave,
    @DefaultValue("48h") Duration objective,
    @DefaultValue("20m") Duration appointmentLength) {}
