package fr.cpts.hub.server.flow;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A stand-in for Pro Santé Connect in the flows: RSA keys made at run time, their public JWKS
 * served over HTTP on a free loopback port (the JDK's own server, counting the fetches), and tokens
 * shaped like PSC's ({@code acr} eidas1, the IDNPS in {@code SubjectNameID}), signed with its
 * current key. {@link #rotate()} replaces the key, as an issuer rotating its keys does.
 */
final class OidcIssuer implements AutoCloseable {

  static final String ISSUER = "https://psc.test/auth/realms/esante-wallet";
  static final String AUDIENCE = "cpts-hub-it";

  private final HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile RSAKey key;

  private OidcIssuer(HttpServer server, RSAKey key) {
    this.server = server;
    this.key = key;
  }

  static OidcIssuer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      OidcIssuer issuer = new OidcIssuer(server, newKey());
      server.createContext(
          "/jwks.json",
          exchange -> {
            issuer.fetches.incrementAndGet();
            byte[] body =
                new JWKSet(issuer.key.toPublicJWK())
                    .toString(true)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return issuer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The node's settings to accept this issuer's tokens, the key set refetched at will. */
  List<String> hubArguments() {
    return List.of(
        "--hub.security.oidc.enabled=true",
        "--hub.security.oidc.issuer=" + ISSUER,
        "--hub.security.oidc.jwks-uri=" + jwksUri(),
        "--hub.security.oidc.audience=" + AUDIENCE,
        "--hub.security.oidc.jwks-rate-limit=10ms");
  }

  String jwksUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
  }

  /** How many times the key set was fetched. */
  int fetches() {
    return fetches.get();
  }

  /** The key signing now. */
  RSAKey key() {
    return key;
  }

  /** A new signing key replaces the current one in the key set; the old one is returned. */
  RSAKey rotate() {
    RSAKey old = key;
    key = newKey();
    return old;
  }

  /**
   * A good token for the professional of this IDNPS, with a fresh subject, changed by {@code
   * change}.
   */
  String token(String idnps, Consumer<JWTClaimsSet.Builder> change) {
    return token(key, idnps, change);
  }

  /** As {@link #token(String, Consumer)}, signed with {@code signer} (under its kid). */
  static String token(RSAKey signer, String idnps, Consumer<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(UUID.randomUUID().toString())
            .issueTime(Date.from(now.minusSeconds(5)))
            .notBeforeTime(Date.from(now.minusSeconds(5)))
            .expirationTime(Date.from(now.plusSeconds(300)))
            .claim("acr", "eidas1")
            .claim("SubjectNameID", idnps);
    change.accept(claims);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(signer.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims.build());
    try {
      jwt.sign(new RSASSASigner(signer));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
