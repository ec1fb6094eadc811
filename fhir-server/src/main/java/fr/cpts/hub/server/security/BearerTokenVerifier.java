package fr.cpts.hub.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies a bearer JWT with Nimbus JOSE+JWT, in this order, the first failure deciding the {@link
 * TokenRefusal}:
 *
 * <ol>
 *   <li>a signed JWT (JWS) of an asymmetric algorithm ({@link #ALGORITHMS}); unsigned ({@code alg
 *       none}), encrypted or HMAC tokens are refused ({@code HUB-0540}), as is a {@code typ} other
 *       than {@code JWT} or {@code at+jwt};
 *   <li>its signature, by a key of the issuer's key set chosen by {@code kid} and algorithm ({@code
 *       HUB-0541}). The key set is fetched from {@code jwks-uri}, kept {@code jwks-refresh}; a
 *       {@code kid} it does not hold triggers one fetch (key rotation), at most two per {@code
 *       jwks-rate-limit}; an issuer out of reach is tolerated {@code jwks-outage-tolerance} with
 *       the last set, then gets {@code HUB-0548} (503);
 *   <li>only then its claims: {@code iss} exactly the issuer ({@code HUB-0542}), {@code aud}
 *       holding one of the audiences ({@code HUB-0543}), {@code exp} required and not past ({@code
 *       HUB-0544}), {@code nbf} and {@code iat} not ahead ({@code HUB-0545}), each with {@code
 *       clock-skew}; {@code acr} one of {@code acr-values} ({@code HUB-0546}); {@code sub} and the
 *       national id claim present ({@code HUB-0540}).
 * </ol>
 *
 * The national id is the IDNPS; an 11-digit RPPS number there gains its {@code 8}.
 */
public final class BearerTokenVerifier {

  /** The signature algorithms accepted: RSA, RSA-PSS and ECDSA; never HMAC or none. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Longer tokens are refused before any parsing (a Pro Santé Connect token is about 2 kB). */
  static final int MAX_LENGTH = 16_384;

  /** The largest key set read from {@code jwks-uri}. */
  static final int MAX_JWKS_BYTES = 256 * 1024;

  private static final Pattern RPPS = Pattern.compile("\\d{11}");
  private static final Pattern IDNPS = Pattern.compile("[0-9][0-9A-Za-z/]{7,63}");

  /** What a verified token says. */
  public record VerifiedToken(
      String subject, String idnps, String issuer, String acr, Instant expiresAt) {}

  private final String issuer;
  private final List<String> audience;
  private final List<String> acrValues;
  private final String idClaim;
  private final Duration clockSkew;
  private final Clock clock;
  private final DefaultJOSEObjectTypeVerifier<SecurityContext> types =
      new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null);
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  /**
   * A verifier of the issuer's tokens whose keys come from {@code keys}.
   *
   * @throws IllegalStateException ({@code HUB-0549}) if issuer, audience, acr values or id claim
   *     are missing
   */
  public BearerTokenVerifier(
      OidcProperties properties, JWKSource<SecurityContext> keys, Clock clock) {
    if (properties.issuer().isBlank()
        || properties.audience().isEmpty()
        || properties.acrValues().isEmpty()
        || properties.idClaim() == null
        || properties.idClaim().isBlank()) {
      throw new IllegalStateException(
          "HUB-0549: hub.security.oidc needs issuer, audience, acr-values and id-claim");
    }
    this.issuer = properties.issuer();
    this.audience = List.copyOf(properties.audience());
    this.acrValues = List.copyOf(properties.acrValues());
    this.idClaim = properties.idClaim();
    this.clockSkew = properties.clockSkew();
    this.clock = clock;
    processor.setJWSTypeVerifier(types);
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    // The claims are checked below, after the signature, each with its own refusal.
    processor.setJWTClaimsSetVerifier(null);
  }

  /**
   * A verifier fetching the issuer's key set from {@code jwks-uri}.
   *
   * @throws IllegalStateException ({@code HUB-0549}) if the configuration is incomplete
   */
  public static BearerTokenVerifier remote(OidcProperties properties, Clock clock) {
    URL url;
    try {
      URI uri = new URI(properties.jwksUri());
      if (!List.of("https", "http", "file").contains(String.valueOf(uri.getScheme()))) {
        throw new URISyntaxException(properties.jwksUri(), "not an http(s) or file URL");
      }
      url = uri.toURL();
    } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "HUB-0549: hub.security.oidc.jwks-uri must be the issuer's key set URL, not '"
              + properties.jwksUri()
              + "'",
          e);
    }
    int timeout = Math.toIntExact(properties.jwksTimeout().toMillis());
    return new BearerTokenVerifier(
        properties,
        keySource(
            JWKSourceBuilder.create(
                url, new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES)),
            properties),
        clock);
  }

  /** A key source reading {@code fetcher}, with the cache, rate limit and outage tolerance set. */
  static JWKSource<SecurityContext> keySource(
      JWKSetSource<SecurityContext> fetcher, OidcProperties properties) {
    return keySource(JWKSourceBuilder.create(fetcher), properties);
  }

  private static JWKSource<SecurityContext> keySource(
      JWKSourceBuilder<SecurityContext> builder, OidcProperties properties) {
    long rateLimit = properties.jwksRateLimit().toMillis();
    long outage = properties.jwksOutageTolerance().toMillis();
    builder
        .cache(properties.jwksRefresh().toMillis(), 2 * properties.jwksTimeout().toMillis())
        .refreshAheadCache(false)
        .retrying(false);
    if (rateLimit > 0) {
      builder.rateLimited(rateLimit);
    } else {
      builder.rateLimited(false);
    }
    if (outage > 0) {
      builder.outageTolerant(outage);
    } else {
      builder.outageTolerant(false);
    }
    return builder.build();
  }

  /**
   * Verifies a token.
   *
   * @throws BearerTokenException if it is refused
   */
  public VerifiedToken verify(String token) {
    SignedJWT jwt = signed(token);
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJWSException e) {
      throw new BearerTokenException(TokenRefusal.BAD_SIGNATURE, "invalid signature", e);
    } catch (RateLimitReachedException e) {
      throw new BearerTokenException(
          TokenRefusal.BAD_SIGNATURE,
          "key " + jwt.getHeader().getKeyID() + " unknown; the key set was fetched just before",
          e);
    } catch (KeySourceException e) {
      throw new BearerTokenException(TokenRefusal.KEYS_UNAVAILABLE, null, e);
    } catch (BadJOSEException | JOSEException e) {
      throw new BearerTokenException(
          TokenRefusal.BAD_SIGNATURE,
          "no " + jwt.getHeader().getAlgorithm() + " key " + jwt.getHeader().getKeyID(),
          e);
    }
    return checked(claims);
  }

  /** The token as a signed JWT of an accepted algorithm and type. */
  private SignedJWT signed(String token) {
    if (token.length() > MAX_LENGTH) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, "longer than " + MAX_LENGTH);
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
      jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, "not a JWT", e);
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new BearerTokenException(
          TokenRefusal.MALFORMED, jwt instanceof EncryptedJWT ? "encrypted" : "unsigned, alg none");
    }
    JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
    if (!ALGORITHMS.contains(algorithm)) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, "alg " + algorithm + " not accepted");
    }
    try {
      types.verify(signed.getHeader().getType(), null);
    } catch (BadJOSEException e) {
      throw new BearerTokenException(
          TokenRefusal.MALFORMED, "typ " + signed.getHeader().getType() + " not accepted", e);
    }
    return signed;
  }

  private VerifiedToken checked(JWTClaimsSet claims) {
    if (!issuer.equals(claims.getIssuer())) {
      throw new BearerTokenException(TokenRefusal.WRONG_ISSUER, "iss " + claims.getIssuer());
    }
    if (claims.getAudience().stream().noneMatch(audience::contains)) {
      throw new BearerTokenException(TokenRefusal.WRONG_AUDIENCE, "aud " + claims.getAudience());
    }
    Instant now = clock.instant();
    Date expiration = claims.getExpirationTime();
    if (expiration == null) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, "no exp");
    }
    if (now.isAfter(expiration.toInstant().plus(clockSkew))) {
      throw new BearerTokenException(TokenRefusal.EXPIRED, "exp " + expiration.toInstant());
    }
    for (Date start : new Date[] {claims.getNotBeforeTime(), claims.getIssueTime()}) {
      if (start != null && now.isBefore(start.toInstant().minus(clockSkew))) {
        throw new BearerTokenException(TokenRefusal.NOT_YET_VALID, "from " + start.toInstant());
      }
    }
    String acr = text(claims, "acr");
    if (acr == null || !acrValues.contains(acr)) {
      throw new BearerTokenException(
          TokenRefusal.INSUFFICIENT_AUTHENTICATION, "acr " + acr + ", accepted " + acrValues);
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, "no sub");
    }
    String id = text(claims, idClaim);
    if (id == null) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, "no " + idClaim);
    }
    String idnps = RPPS.matcher(id).matches() ? FrIdentifiers.IDNPS_RPPS_PREFIX + id : id;
    if (!IDNPS.matcher(idnps).matches()) {
      throw new BearerTokenException(TokenRefusal.MALFORMED, idClaim + " is not an IDNPS");
    }
    return new VerifiedToken(subject, idnps, claims.getIssuer(), acr, expiration.toInstant());
  }

  /** The claim as text, or null when absent or not a string. */
  private static String text(JWTClaimsSet claims, String name) {
    try {
      String value = claims.getStringClaim(name);
      return value == null || value.isBlank() ? null : value.trim();
    } catch (ParseException e) {
      return null;
    }
  }

  /**
   * The acr values accepted, for the challenge of {@link TokenRefusal#INSUFFICIENT_AUTHENTICATION}.
   */
  public List<String> acrValues() {
    return acrValues;
  }
}
