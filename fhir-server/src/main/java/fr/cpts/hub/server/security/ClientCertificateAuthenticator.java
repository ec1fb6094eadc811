package fr.cpts.hub.server.security;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * Tells who a request comes from, given what the connection brought: the TCP peer's address, the
 * certificate chain of the TLS handshake (if the hub terminated TLS) and the values of the proxy's
 * certificate header. No servlet or HAPI types: {@link ClientCertificateInterceptor} hands them in.
 *
 * <ol>
 *   <li>A certificate header is read only from a {@link TrustedProxies trusted proxy}; from any
 *       other peer it is refused ({@link CertificateRefusal#UNTRUSTED_PROXY}), not ignored, so that
 *       a misconfigured proxy address shows at once. An empty header counts as absent (nginx sends
 *       one when the client presented no certificate).
 *   <li>Otherwise the certificate is the TLS handshake's.
 *   <li>Either way it is {@link ClientCertificateVerifier verified} (trusted CA, dates, CRL): a
 *       proxy's word is not taken for it.
 *   <li>The registry maps its subject's CN and OU to the client; an unknown pair is refused.
 * </ol>
 *
 * The header holds the certificate as PEM, URL-encoded as nginx's {@code $ssl_client_escaped_cert}
 * sends it, or as PEM or base64 DER on one line (whitespace ignored).
 */
public final class ClientCertificateAuthenticator {

  /** Larger headers are refused before any parsing (a certificate is 1 to 3 kB). */
  static final int MAX_HEADER_LENGTH = 16_384;

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

  private final ClientCertificateVerifier verifier;
  private final ClientRegistry registry;
  private final TrustedProxies proxies;

  public ClientCertificateAuthenticator(
      ClientCertificateVerifier verifier, ClientRegistry registry, TrustedProxies proxies) {
    this.verifier = verifier;
    this.registry = registry;
    this.proxies = proxies;
  }

  /**
   * The client of a request.
   *
   * @param peerAddress the TCP peer's IP address
   * @param tlsChain the chain of the hub's own TLS handshake, or null
   * @param headerValues the values of the certificate header, possibly none
   * @throws ClientCertificateException if the request is refused
   */
  public ClientIdentity authenticate(
      String peerAddress, X509Certificate[] tlsChain, List<String> headerValues) {
    List<String> values =
        headerValues == null ? List.of() : headerValues.stream().filter(v -> !v.isBlank()).toList();
    List<X509Certificate> chain;
    CertificateSource source;
    if (!values.isEmpty()) {
      if (!proxies.contains(peerAddress)) {
        throw new ClientCertificateException(
            CertificateRefusal.UNTRUSTED_PROXY, "from " + peerAddress);
      }
      if (values.size() > 1) {
        throw new ClientCertificateException(
            CertificateRefusal.MALFORMED, "the certificate header is sent more than once");
      }
      chain = parseHeader(values.get(0));
      source = CertificateSource.PROXY_HEADER;
    } else if (tlsChain != null && tlsChain.length > 0) {
      chain = List.of(tlsChain);
      source = CertificateSource.TLS;
    } else {
      throw new ClientCertificateException(CertificateRefusal.NO_CERTIFICATE, null);
    }
    X509Certificate certificate = verifier.verify(chain);
    CertificateSubject subject = CertificateSubject.of(certificate);
    String cn = subject.commonName();
    ClientRegistry.Entry client =
        registry
            .find(cn, subject.organizationalUnits())
            .orElseThrow(
                () ->
                    new ClientCertificateException(
                        CertificateRefusal.UNKNOWN_CLIENT, subject.rfc2253()));
    return new ClientIdentity(
        client.id(),
        client.role(),
        cn,
        client.ou(),
        subject.rfc2253(),
        certificate.getSerialNumber().toString(16),
        certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
        source);
  }

  /** The certificates of a proxy's header value, the client's first. */
  static List<X509Certificate> parseHeader(String value) {
    if (value.length() > MAX_HEADER_LENGTH) {
      throw new ClientCertificateException(
          CertificateRefusal.MALFORMED, "the certificate header is too long");
    }
    String text = value.indexOf('%') >= 0 ? percentDecode(value) : value;
    List<String> blocks = new ArrayList<>();
    Matcher pem = PEM.matcher(text);
    while (pem.find()) {
      blocks.add(pem.group(1));
    }
    if (blocks.isEmpty()) {
      blocks.add(text); // base64 DER without armour
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (String block : blocks) {
        byte[] der = Base64.getMimeDecoder().decode(block.replaceAll("\\s", ""));
        chain.addAll(CertificateFiles.certificates(new ByteArrayInputStream(der)));
      }
    } catch (IllegalArgumentException | IOException e) {
      throw new ClientCertificateException(
          CertificateRefusal.MALFORMED, "the certificate header is not a PEM certificate");
    }
    if (chain.isEmpty()) {
      throw new ClientCertificateException(
          CertificateRefusal.MALFORMED, "the certificate header holds no certificate");
    }
    return chain;
  }

  /** %XX sequences decoded; a '+' stays a '+' (it is a base64 digit, not a space). */
  private static String percentDecode(String value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && isHex(value, i + 1) && isHex(value, i + 2)) {
        bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  private static boolean isHex(String value, int index) {
    return index < value.length() && Character.digit(value.charAt(index), 16) >= 0;
  }
}
