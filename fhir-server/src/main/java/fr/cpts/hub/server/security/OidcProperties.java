package fr.cpts.hub.server.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Professionals signed in with OpenID Connect (Pro Santé Connect in production), calling with a
 * bearer JWT of the configured issuer; see README, "Signing in with OpenID Connect".
 *
 * @param enabled accept bearer tokens (off by default); under the hub's own TLS the client
 *     certificate becomes optional, so that a browser app can call with a token alone
 * @param issuer the issuer, compared exactly with the token's {@code iss}
 * @param jwksUri where the issuer publishes its signing keys (JWKS), http(s) or file URL
 * @param audience the values of which the token's {@code aud} must hold one (the hub's client id)
 * @param acrValues the authentication levels accepted in the token's {@code acr} ({@code eidas1})
 * @param idClaim the claim holding the professional's national id, the IDNPS ({@code SubjectNameID}
 *     at Pro Santé Connect)
 * @param clockSkew how far the hub's clock and the issuer's may differ for {@code exp}, {@code nbf}
 *     and {@code iat}
 * @param jwksRefresh how long a fetched key set is used before it is fetched again
 * @param jwksRateLimit at most two fetches of the key set per this interval (a token with an
 *     unknown key id triggers one); 0 = no limit
 * @param jwksTimeout connect and read timeout of a key set fetch
 * @param jwksOutageTolerance how long the last key set is still used while the issuer cannot be
 *     reached; 0 = none
 * @param cptsTeam the CPTS team file (YAML, IDNPS of the members, who get {@link
 *     ClientRole#CPTS_CONSOLE}); empty: no member
 * @param cptsTeamRefresh how often the team file is checked for changes
 * @param professionalCache how long the Practitioner found for an IDNPS (or its absence) is kept; 0
 *     = searched on every request
 */
@Validated
@ConfigurationProperties("hub.security.oidc")
public record OidcProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("") String issuer,
    @DefaultValue("") String jwksUri,
    List<String> audience,
    @DefaultValue("eidas1") List<String> acrValues,
    @DefaultValue("SubjectNameID") String idClaim,
    @DefaultValue("60s") Duration clockSkew,
    @DefaultValue("5m") Duration jwksRefresh,
    @DefaultValue("30s") Duration jwksRateLimit,
    @DefaultValue("5s") Duration jwksTimeout,
    @DefaultValue("1h") Duration jwksOutageTolerance,
    @DefaultValue("") String cptsTeam,
    @DefaultValue("30s") Duration cptsTeamRefresh,
    @DefaultValue("60s") Duration professionalCache) {

  public OidcProperties {
    audience = audience == null ? List.of() : audience.stream().filter(a -> !a.isBlank()).toList();
    acrValues =
        acrValues == null ? List.of() : acrValues.stream().filter(a -> !a.isBlank()).toList();
  }
}
