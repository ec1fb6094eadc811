package fr.cpts.hub.server.security;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a client certificate with the JDK's PKIX validator: issued (directly, or through the
 * intermediates the client sent) by one of the trusted CA certificates, each of which is a trust
 * anchor; valid now (the hub's clock); a client certificate (extended key usage {@code clientAuth},
 * if it has one); and, when CRLs are configured, not revoked according to the CRL held in memory
 * for its issuer ({@link CertificateRevocationLists}: the end entity is checked, from CRLs only,
 * never OCSP or a download during the request). Without a current CRL of its issuer a certificate
 * is refused ({@link CertificateRefusal#REVOCATION_UNKNOWN}).
 *
 * <p>The hub calls it on every request, for certificates from its own TLS handshake (which already
 * checked the chain and dates, but not revocation: a connection kept alive, or a resumed TLS
 * session, is refused as soon as the CRL that revokes its certificate is read) and from a trusted
 * proxy's header alike.
 */
public final class ClientCertificateVerifier {

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

  private final List<X509Certificate> authorities;
  private final Set<TrustAnchor> anchors;
  private final CertificateRevocationLists crls;
  private final Clock clock;

  /**
   * @param authorities the trusted CA certificates (roots and intermediates), each one an anchor
   * @param crls their CRLs; {@code null} or {@linkplain CertificateRevocationLists#configured()
   *     none configured}: revocation is not checked
   */
  public ClientCertificateVerifier(
      List<X509Certificate> authorities, CertificateRevocationLists crls, Clock clock) {
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("HUB-0520: no trusted CA certificate");
    }
    this.authorities = List.copyOf(authorities);
    Set<TrustAnchor> trust = new LinkedHashSet<>();
    for (X509Certificate authority : authorities) {
      trust.add(new TrustAnchor(authority, null));
    }
    this.anchors = Set.copyOf(trust);
    this.crls = crls;
    this.clock = clock;
  }

  /** The trusted CA certificates. */
  public List<X509Certificate> authorities() {
    return authorities;
  }

  /**
   * Verifies the chain a client presented, its own certificate first.
   *
   * @return the client's certificate
   * @throws ClientCertificateException if it is refused, with the reason
   */
  public X509Certificate verify(List<X509Certificate> chain) {
    if (chain == null || chain.isEmpty()) {
      throw new ClientCertificateException(CertificateRefusal.NO_CERTIFICATE, null);
    }
    X509Certificate leaf = chain.get(0);
    String name = describe(leaf);
    Instant now = clock.instant();
    // Dates first, with their own codes (PKIX would report them too, but less precisely).
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new ClientCertificateException(
          CertificateRefusal.NOT_YET_VALID,
          name + ", valid from " + leaf.getNotBefore().toInstant());
    }
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new ClientCertificateException(
          CertificateRefusal.EXPIRED, name + ", expired " + leaf.getNotAfter().toInstant());
    }
    if (leaf.getBasicConstraints() >= 0 || !forClients(leaf)) {
      throw new ClientCertificateException(
          CertificateRefusal.UNTRUSTED, name + " is not a client certificate");
    }
    // The path to validate: the presented chain up to (without) a trusted CA certificate.
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      if (authorities.contains(certificate)) {
        break;
      }
      path.add(certificate);
    }
    try {
      CertPathValidator validator = CertPathValidator.getInstance("PKIX");
      CertPath certPath = CertificateFiles.factory().generateCertPath(path);
      validator.validate(certPath, parameters(validator, now));
      return leaf;
    } catch (CertPathValidatorException e) {
      throw refusal(e, name);
    } catch (GeneralSecurityException e) {
      throw new ClientCertificateException(CertificateRefusal.UNTRUSTED, name);
    }
  }

  private PKIXParameters parameters(CertPathValidator validator, Instant now)
      throws GeneralSecurityException {
    PKIXParameters parameters;
    try {
      parameters = new PKIXParameters(anchors);
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException(e);
    }
    parameters.setDate(Date.from(now));
    if (crls == null || !crls.configured()) {
      parameters.setRevocationEnabled(false);
      return parameters;
    }
    PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
    revocation.setOptions(
        EnumSet.of(
            PKIXRevocationChecker.Option.ONLY_END_ENTITY,
            PKIXRevocationChecker.Option.PREFER_CRLS,
            PKIXRevocationChecker.Option.NO_FALLBACK));
    parameters.addCertPathChecker(revocation);
    parameters.addCertStore(
        CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls.current())));
    return parameters;
  }

  private static ClientCertificateException refusal(CertPathValidatorException e, String name) {
    if (e.getReason() instanceof BasicReason reason) {
      switch (reason) {
        case REVOKED:
          return new ClientCertificateException(CertificateRefusal.REVOKED, name);
        case UNDETERMINED_REVOCATION_STATUS:
          return new ClientCertificateException(CertificateRefusal.REVOCATION_UNKNOWN, name);
        case EXPIRED:
          return new ClientCertificateException(
              CertificateRefusal.EXPIRED, name + ": a certificate of its chain has expired");
        case NOT_YET_VALID:
          return new ClientCertificateException(
              CertificateRefusal.NOT_YET_VALID,
              name + ": a certificate of its chain is not valid yet");
        default:
          break;
      }
    }
    return new ClientCertificateException(CertificateRefusal.UNTRUSTED, name);
  }

  private static boolean forClients(X509Certificate certificate) {
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      return usages == null
          || usages.contains(CLIENT_AUTH)
          || usages.contains(ANY_EXTENDED_KEY_USAGE);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  /** Subject and serial: how refusals name a certificate. */
  static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName()
        + ", serial "
        + certificate.getSerialNumber().toString(16);
  }
}
