package fr.cpts.hub.devpki;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevTokensTest {

  @TempDir Path directory;

  @Test
  void loadOrCreate_writesTheKeyOnce_andItsPublicKeySet() throws Exception {
    RSAKey key = DevTokens.loadOrCreate(directory);
    RSAKey again = DevTokens.loadOrCreate(directory);

    assertThat(again.getKeyID()).isEqualTo(key.getKeyID());
    assertThat(again.toPrivateKey()).isEqualTo(key.toPrivateKey());
    JWKSet published = JWKSet.parse(Files.readString(directory.resolve(DevTokens.JWKS)));
    assertThat(published.getKeys()).hasSize(1);
    assertThat(published.getKeys().get(0).isPrivate()).isFalse();
    assertThat(published.getKeyByKeyId(key.getKeyID()).toRSAKey().toPublicKey())
        .isEqualTo(key.toPublicKey());
  }

  @Test
  void token_isSignedByTheKey_withProSanteConnectsClaims() throws Exception {
    RSAKey key = DevTokens.newKey();
    Instant now = Instant.parse("2026-12-02T09:00:00Z");

    SignedJWT jwt =
        SignedJWT.parse(
            DevTokens.token(
                key,
                DevTokens.ISSUER,
                DevTokens.AUDIENCE,
                "810000010000",
                now,
                Duration.ofMinutes(10),
                c -> {}));

    assertThat(jwt.verify(new RSASSAVerifier(key.toPublicJWK()))).isTrue();
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.getKeyID());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(DevTokens.ISSUER);
    assertThat(claims.getAudience()).containsExactly(DevTokens.AUDIENCE);
    assertThat(claims.getStringClaim("SubjectNameID")).isEqualTo("810000010000");
    assertThat(claims.getStringClaim("acr")).isEqualTo("eidas1");
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(now.plusSeconds(600));
    assertThat(claims.getSubject()).isNotBlank();
  }
}
