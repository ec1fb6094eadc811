package fr.cpts.hub.server.flow;

import fr.cpts.hub.devpki.DevPki;
import java.net.Socket;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * JDK HTTP clients calling a {@link SecureNode} on its own TLS: trusting the development CA,
 * presenting one client certificate whatever the server asks for, or none.
 */
final class MutualTlsClients {

  private MutualTlsClients() {}

  /** An HTTP/1.1 client presenting {@code certificate} (null: none), trusting {@code ca}. */
  static HttpClient client(X509Certificate ca, DevPki.Issued certificate) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(sslContext(ca, certificate))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** Trusts {@code ca}; presents {@code certificate} (null: none), whatever the server asks for. */
  static SSLContext sslContext(X509Certificate ca, DevPki.Issued certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        certificate == null ? new KeyManager[0] : new KeyManager[] {new FixedKey(certificate)},
        trustManagers.getTrustManagers(),
        null);
    return context;
  }

  /**
   * Always offers its one certificate: the JDK's key managers would withhold one the server's CA
   * list does not name, or an expired one, and the test would prove nothing about the server.
   */
  private static final class FixedKey extends X509ExtendedKeyManager {
    private final DevPki.Issued issued;

    FixedKey(DevPki.Issued issued) {
      this.issued = issued;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {issued.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return issued.privateKey();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
