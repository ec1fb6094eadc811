package fr.cpts.hub.server.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the FHIR endpoint answers: paging and the public base URL.
 *
 * @param serverAddress the public base URL written in links and Location headers (e.g. {@code
 *     https://hub.example.fr/fhir}); empty means "taken from the incoming request"
 * @param defaultPageSize page size when the client sends no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured, and the page of a SAS slot search sent
 *     without {@code _count} (25 professionals over 72 hours fit in one)
 * @param reuseCachedSearchResultsMillis how long an identical search may be answered from HAPI's
 *     search cache; 0 turns the cache off, which slot availability needs (a booked slot must
 *     disappear from the next search)
 */
@Validated
@ConfigurationProperties("hub.fhir")
public record FhirServerProperties(
    @DefaultValue("") String serverAddress,
    @DefaultValue("50") @Min(1) @Max(1000) int defaultPageSize,
    @DefaultValue("2000") @Min(1) @Max(5000) int maxPageSize,
    @DefaultValue("0") @Min(0) long reuseCachedSearchResultsMillis) {}
