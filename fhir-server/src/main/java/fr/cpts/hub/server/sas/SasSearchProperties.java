package fr.cpts.hub.server.sas;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The SAS platform's slot search.
 *
 * @param fastPath answer it from the slot read model (one indexed query) instead of HAPI's generic
 *     search; both give the same answer, the generic one stays the reference
 */
@Validated
@ConfigurationProperties("hub.sas.search")
public record SasSearchProperties(@DefaultValue("true") boolean fastPath) {}
