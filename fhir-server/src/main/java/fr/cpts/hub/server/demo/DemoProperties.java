package fr.cpts.hub.server.demo;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The synthetic demo territory loaded at start-up.
 *
 * @param enabled load it (the embedded default does; the {@code postgres} profile does not)
 * @param generalPractitioners how many GPs
 * @param seed the seed that makes the data reproducible
 * @param days days of slots from today (Europe/Paris)
 * @param snpSlotsPerDay SNP slots per GP schedule and per day
 */
@Validated
@ConfigurationProperties("hub.demo")
public record DemoProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("40") @Min(1) @Max(99_999) int generalPractitioners,
    @DefaultValue("2026") long seed,
    @DefaultValue("3") @Min(1) @Max(31) int days,
    @DefaultValue("8") @Min(1) @Max(40) int snpSlotsPerDay) {}
