package fr.cpts.hub.server.flow;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import fr.cpts.hub.devpki.DevTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A stand-in for Pro Santé Connect in the flows: RSA keys made at run time, their public JWKS
 * served over HTTP on a free loopback port (the JDK's own server, counting the fetches), and tokens
 * shaped like PSC's ({@link DevTokens}: {@code acr} eidas1, the IDNPS in {@code SubjectNameID}),
 * signed with its current key. {@link #rotate()} replaces the key, as an issuer rotating its keys
 * does.
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
            byte[] body = DevTokens.jwks(issuer.key).getBytes(StandardCharsets.UTF_8);
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
    return DevTokens.newKey();
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
    return DevTokens.token(
        signer,
        ISSUER,
        AUDIENCE,
        idnps,
        Instant.now().minusSeconds(5),
        Duration.ofMinutes(5),
        change);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
