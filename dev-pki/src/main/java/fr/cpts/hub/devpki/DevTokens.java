package fr.cpts.hub.devpki;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A development OpenID Connect issuer standing in for Pro Santé Connect: an RSA signing key, its
 * public key set (JWKS) for the hub's {@code hub.security.oidc.jwks-uri}, and access tokens shaped
 * like PSC's ({@code acr} {@code eidas1}, the IDNPS in {@code SubjectNameID}). Used by {@link
 * DevTokenCommand} and by the hub's sign-in tests. Development only: the key is unencrypted.
 */
public final class DevTokens {

  /** The development issuer ({@code iss}) and audience ({@code aud}). */
  public static final String ISSUER = "https://oidc.dev.cpts-hub";

  public static final String AUDIENCE = "cpts-hub-dev";

  /** The signing key (private JWK, owner-only) and the public key set, under the PKI directory. */
  public static final String SIGNING_KEY = "oidc-signing-key.json";

  public static final String JWKS = "oidc-jwks.json";

  private DevTokens() {}

  /** A new RSA 2048 signing key with a random {@code kid}. */
  public static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The signing key of {@code directory}, created with its key set when absent.
   *
   * @throws IOException if the files cannot be read or written
   */
  public static RSAKey loadOrCreate(Path directory) throws IOException {
    Path keyFile = directory.resolve(SIGNING_KEY);
    if (Files.exists(keyFile)) {
      try {
        return JWK.parse(Files.readString(keyFile)).toRSAKey();
      } catch (ParseException | IllegalStateException e) {
        throw new IOException(keyFile + " is not an RSA JWK: " + e.getMessage(), e);
      }
    }
    RSAKey key = newKey();
    Files.createDirectories(directory);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(keyFile, key.toJSONString());
    Files.writeString(directory.resolve(JWKS), jwks(key));
    return key;
  }

  /** The public key set holding {@code key}, as the issuer publishes it. */
  public static String jwks(RSAKey key) {
    return new JWKSet(key.toPublicJWK()).toString(true);
  }

  /**
   * An access token of {@code issuer} for {@code audience}: the professional of {@code idnps},
   * signed in at {@code acr} eidas1, a random subject, valid from {@code now} for {@code validity},
   * then changed by {@code change}; signed RS256 with {@code key} under its {@code kid}.
   */
  public static String token(
      RSAKey key,
      String issuer,
      String audience,
      String idnps,
      Instant now,
      Duration validity,
      Consumer<JWTClaimsSet.Builder> change) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(UUID.randomUUID().toString())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(validity)))
            .claim("acr", "eidas1")
            .claim("SubjectNameID", idnps);
    change.accept(claims);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
