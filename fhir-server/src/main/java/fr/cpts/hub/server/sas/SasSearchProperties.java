package fr.cpts.hub.server.sas;

import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The SAS platform's slot search.
 *
 * @param fastPath answer it from the slot read model (one indexed query) instead of HAPI's generic
 *     search; both give the same answer, the generic one stays the reference
 * @param resourceCacheSize how many versions of the resources slots refer to (schedules,
 *     professionals, roles, places, organisations) each node keeps parsed; about five per
 *     professional cover a territory
 * @param viewCacheSize the memory each node gives to SAS views already encoded: the free slots'
 *     (about 700 bytes each, per variant) and the included resources'; 256 MB hold a territory of
 *     10,000 GPs' three days
 */
@Validated
@ConfigurationProperties("hub.sas.search")
public record SasSearchProperties(
    @DefaultValue("true") boolean fastPath,
    @DefaultValue("50000") @PositiveOrZero long resourceCacheSize,
    @DefaultValue("256MB") DataSize viewCacheSize) {}
