package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token checks, on key sets made in the test (RSA and EC), with a fixed clock. */
class BearerTokenVerifierTest {

  static final String ISSUER = "https://auth.esante.gouv.fr/auth/realms/esante-wallet";
  static final String AUDIENCE = "cpts-hub";
  static final String IDNPS = "810000000001";
  static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");

  private static RSAKey rsa;
  private static ECKey ec;
  private static RSAKey rotated;

  private Keys keys;
  private BearerTokenVerifier verifier;

  @BeforeAll
  static void generateKeys() throws JOSEException {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
  }

  @BeforeEach
  void verifier() {
    keys = new Keys(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
    verifier = verifier(keys, properties(Duration.ofSeconds(30)));
  }

  static OidcProperties properties(Duration rateLimit) {
    return new OidcProperties(
        true,
        ISSUER,
        "https://auth.example/jwks",
        List.of(AUDIENCE),
        List.of("eidas1"),
        "SubjectNameID",
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        rateLimit,
        Duration.ofSeconds(5),
        Duration.ofHours(1),
        "",
        Duration.ofSeconds(30),
        Duration.ofSeconds(60));
  }

  private static BearerTokenVerifier verifier(Keys keys, OidcProperties properties) {
    return new BearerTokenVerifier(
        properties,
        BearerTokenVerifier.keySource(keys, properties),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** The claims of a good token: Pro Santé Connect's, valid from a minute ago for ten. */
  static JWTClaimsSet.Builder goodClaims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:" + IDNPS)
        .issueTime(Date.from(NOW.minusSeconds(60)))
        .notBeforeTime(Date.from(NOW.minusSeconds(60)))
        .expirationTime(Date.from(NOW.plusSeconds(600)))
        .claim("acr", "eidas1")
        .claim("SubjectNameID", IDNPS);
  }

  static String token(JWK key, Consumer<JWTClaimsSet.Builder> change) throws JOSEException {
    JWTClaimsSet.Builder claims = goodClaims();
    change.accept(claims);
    boolean isEc = key instanceof ECKey;
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(isEc ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims.build());
    jwt.sign(isEc ? new ECDSASigner((ECKey) key) : new RSASSASigner((RSAKey) key));
    return jwt.serialize();
  }

  private void assertRefused(String token, TokenRefusal refusal) {
    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(BearerTokenException.class)
        .satisfies(e -> assertThat(((BearerTokenException) e).refusal()).isEqualTo(refusal))
        .hasMessageStartingWith(refusal.code() + ": ");
  }

  @Test
  void goodRsaAndEcTokens_areVerified_withTheirSubjectAndIdnps() throws Exception {
    for (JWK key : List.of(rsa, ec)) {
      BearerTokenVerifier.VerifiedToken verified = verifier.verify(token(key, c -> {}));

      assertThat(verified.idnps()).isEqualTo(IDNPS);
      assertThat(verified.subject()).endsWith(":" + IDNPS);
      assertThat(verified.issuer()).isEqualTo(ISSUER);
      assertThat(verified.acr()).isEqualTo("eidas1");
      assertThat(verified.expiresAt()).isEqualTo(NOW.plusSeconds(600));
    }
    assertThat(keys.fetches.get()).isEqualTo(1);
  }

  @Test
  void anRppsNumberAsTheNationalId_gainsItsPrefix() throws Exception {
    assertThat(verifier.verify(token(rsa, c -> c.claim("SubjectNameID", "10000000001"))).idnps())
        .isEqualTo("810000000001");
  }

  @Test
  void audience_mayHoldOtherValuesBesideTheHubs() throws Exception {
    assertThat(verifier.verify(token(rsa, c -> c.audience(List.of("account", AUDIENCE)))).idnps())
        .isEqualTo(IDNPS);
  }

  @Test
  void expired_isRefused0544_pastTheClockSkewOnly() throws Exception {
    assertThat(verifier.verify(token(rsa, c -> c.expirationTime(Date.from(NOW.minusSeconds(50))))))
        .isNotNull();
    assertRefused(
        token(rsa, c -> c.expirationTime(Date.from(NOW.minusSeconds(61)))), TokenRefusal.EXPIRED);
  }

  @Test
  void notYetValid_isRefused0545_byNbfOrIat() throws Exception {
    assertThat(verifier.verify(token(rsa, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(50))))))
        .isNotNull();
    assertRefused(
        token(rsa, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120)))),
        TokenRefusal.NOT_YET_VALID);
    assertRefused(
        token(rsa, c -> c.issueTime(Date.from(NOW.plusSeconds(120)))), TokenRefusal.NOT_YET_VALID);
  }

  @Test
  void wrongIssuer_isRefused0542() throws Exception {
    assertRefused(token(rsa, c -> c.issuer(ISSUER + "-other")), TokenRefusal.WRONG_ISSUER);
    assertRefused(token(rsa, c -> c.issuer(null)), TokenRefusal.WRONG_ISSUER);
  }

  @Test
  void wrongOrMissingAudience_isRefused0543() throws Exception {
    assertRefused(token(rsa, c -> c.audience("another-app")), TokenRefusal.WRONG_AUDIENCE);
    assertRefused(token(rsa, c -> c.audience((String) null)), TokenRefusal.WRONG_AUDIENCE);
  }

  @Test
  void acrOtherThanEidas1_isRefused0546() throws Exception {
    assertRefused(
        token(rsa, c -> c.claim("acr", "eidas2")), TokenRefusal.INSUFFICIENT_AUTHENTICATION);
    assertRefused(token(rsa, c -> c.claim("acr", null)), TokenRefusal.INSUFFICIENT_AUTHENTICATION);
    assertRefused(
        token(rsa, c -> c.claim("acr", List.of("eidas1"))),
        TokenRefusal.INSUFFICIENT_AUTHENTICATION);
  }

  @Test
  void missingSubExpOrNationalId_isRefused0540() throws Exception {
    assertRefused(token(rsa, c -> c.subject(null)), TokenRefusal.MALFORMED);
    assertRefused(token(rsa, c -> c.expirationTime(null)), TokenRefusal.MALFORMED);
    assertRefused(token(rsa, c -> c.claim("SubjectNameID", null)), TokenRefusal.MALFORMED);
    assertRefused(token(rsa, c -> c.claim("SubjectNameID", "8 1|x")), TokenRefusal.MALFORMED);
  }

  @Test
  void badSignature_isRefused0541_beforeAnyClaimIsLookedAt() throws Exception {
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(rsa.getKeyID()).generate();
    assertRefused(token(impostor, c -> {}), TokenRefusal.BAD_SIGNATURE);
    // Expired and of another issuer too: the signature is checked first.
    assertRefused(
        token(
            impostor,
            c ->
                c.issuer("https://evil.example").expirationTime(Date.from(NOW.minusSeconds(3600)))),
        TokenRefusal.BAD_SIGNATURE);
    // A good token with its signature altered.
    String good = token(rsa, c -> {});
    String altered =
        good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertRefused(altered, TokenRefusal.BAD_SIGNATURE);
  }

  @Test
  void unknownKid_isRefused0541_afterExactlyOneRefetch() throws Exception {
    verifier.verify(token(rsa, c -> {}));
    assertThat(keys.fetches.get()).isEqualTo(1);

    assertRefused(token(rotated, c -> {}), TokenRefusal.BAD_SIGNATURE);
    assertThat(keys.fetches.get()).isEqualTo(2);
  }

  @Test
  void rotatedKey_isPickedUpByTheRefetchItsUnknownKidTriggers() throws Exception {
    verifier.verify(token(rsa, c -> {}));
    keys.set = new JWKSet(List.of(rotated.toPublicJWK()));

    assertThat(verifier.verify(token(rotated, c -> {})).idnps()).isEqualTo(IDNPS);
    assertThat(keys.fetches.get()).isEqualTo(2);
    // The retired key is no longer in the cached set: its tokens are refused (one more fetch).
    assertRefused(token(rsa, c -> {}), TokenRefusal.BAD_SIGNATURE);
  }

  @Test
  void unknownKids_doNotFetchTheKeySetMoreThanTwicePerRateLimitInterval() throws Exception {
    verifier.verify(token(rsa, c -> {})); // fetch 1
    assertRefused(token(rotated, c -> {}), TokenRefusal.BAD_SIGNATURE); // fetch 2
    for (int i = 0; i < 5; i++) {
      assertRefused(token(rotated, c -> {}), TokenRefusal.BAD_SIGNATURE); // rate limited
    }
    assertThat(keys.fetches.get()).isEqualTo(2);
  }

  @Test
  void unsignedToken_algNone_isRefused0540() throws Exception {
    assertRefused(new PlainJWT(goodClaims().build()).serialize(), TokenRefusal.MALFORMED);
  }

  @Test
  void hmacToken_isRefused0540_evenWithThePublicKeyAsSecret() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
            goodClaims().build());
    jwt.sign(new MACSigner(secret));
    assertRefused(jwt.serialize(), TokenRefusal.MALFORMED);
  }

  @Test
  void notAJwt_orAnUnacceptedType_isRefused0540() throws Exception {
    assertRefused("not-a-token", TokenRefusal.MALFORMED);
    assertRefused("a.b.c", TokenRefusal.MALFORMED);
    assertRefused("x".repeat(BearerTokenVerifier.MAX_LENGTH + 1), TokenRefusal.MALFORMED);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(rsa.getKeyID())
                .type(new JOSEObjectType("secevent+jwt"))
                .build(),
            goodClaims().build());
    jwt.sign(new RSASSASigner(rsa));
    assertRefused(jwt.serialize(), TokenRefusal.MALFORMED);
  }

  @Test
  void keySetOutOfReach_isRefused0548() throws Exception {
    keys.unavailable = true;
    assertRefused(token(rsa, c -> {}), TokenRefusal.KEYS_UNAVAILABLE);
  }

  @Test
  void remote_readsTheKeySetFromAFileUrl_relativeToTheWorkingDirectory() throws Exception {
    Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "jwks");
    Files.writeString(directory.resolve("jwks.json"), new JWKSet(rsa.toPublicJWK()).toString());
    OidcProperties good = properties(Duration.ofSeconds(30));
    OidcProperties fromFile =
        new OidcProperties(
            true,
            ISSUER,
            "file:"
                + Path.of("").toAbsolutePath().relativize(directory.toAbsolutePath())
                + "/jwks.json",
            good.audience(),
            good.acrValues(),
            good.idClaim(),
            good.clockSkew(),
            good.jwksRefresh(),
            good.jwksRateLimit(),
            good.jwksTimeout(),
            good.jwksOutageTolerance(),
            "",
            good.cptsTeamRefresh(),
            good.professionalCache());

    BearerTokenVerifier remote =
        BearerTokenVerifier.remote(fromFile, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(fromFile.jwksUri()).startsWith("file:target/");
    assertThat(remote.verify(token(rsa, c -> {})).idnps()).isEqualTo(IDNPS);
  }

  @Test
  void incompleteConfiguration_stopsTheStart0549() {
    OidcProperties good = properties(Duration.ofSeconds(30));
    OidcProperties noAudience =
        new OidcProperties(
            true,
            ISSUER,
            good.jwksUri(),
            List.of(),
            good.acrValues(),
            good.idClaim(),
            good.clockSkew(),
            good.jwksRefresh(),
            good.jwksRateLimit(),
            good.jwksTimeout(),
            good.jwksOutageTolerance(),
            "",
            good.cptsTeamRefresh(),
            good.professionalCache());
    assertThatThrownBy(() -> verifier(keys, noAudience)).hasMessageStartingWith("HUB-0549");
    OidcProperties badUri =
        new OidcProperties(
            true,
            ISSUER,
            "ldap://keys",
            good.audience(),
            good.acrValues(),
            good.idClaim(),
            good.clockSkew(),
            good.jwksRefresh(),
            good.jwksRateLimit(),
            good.jwksTimeout(),
            good.jwksOutageTolerance(),
            "",
            good.cptsTeamRefresh(),
            good.professionalCache());
    assertThatThrownBy(() -> BearerTokenVerifier.remote(badUri, Clock.systemUTC()))
        .hasMessageStartingWith("HUB-0549");
  }

  /** The issuer's key set, as fetched: counts the fetches, can be swapped or made unreachable. */
  static final class Keys implements JWKSetSource<SecurityContext> {
    final AtomicInteger fetches = new AtomicInteger();
    volatile JWKSet set;
    volatile boolean unavailable;

    Keys(JWKSet set) {
      this.set = set;
    }

    @Override
    public JWKSet getJWKSet(
        JWKSetCacheRefreshEvaluator refresh, long currentTime, SecurityContext context)
        throws KeySourceException {
      if (unavailable) {
        throw new JWKSetUnavailableException("connection refused");
      }
      fetches.incrementAndGet();
      return set;
    }

    @Override
    public void close() {}
  }
}
