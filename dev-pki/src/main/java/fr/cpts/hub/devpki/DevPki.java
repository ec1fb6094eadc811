package fr.cpts.hub.devpki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for development and tests, shaped like the IGC-Santé: subjects {@code
 * C=FR, O=<organisation>, OU=<the structure's IDNST>, CN=<the service>}, RSA 2048 keys signed with
 * SHA-256, a server certificate for TLS ({@code serverAuth}, with its host names and addresses),
 * client certificates ({@code clientAuth}) with any validity window (expired and not-yet-valid ones
 * included, for tests), and CRLs.
 *
 * <p>Everything is held in memory; {@link DevPkiFiles} writes the standard set to a directory.
 * Bouncy Castle builds and signs the objects with the JDK's providers: this class never registers a
 * security provider, so the JVM's TLS stack stays the JDK's own.
 */
public final class DevPki {

  /** How long certificates are valid unless told otherwise. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

  private static final String SIGNATURE = "SHA256withRSA";
  private static final int KEY_SIZE = 2048;

  private final SecureRandom random = new SecureRandom();
  private final Instant now;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final X500Name caName;

  private DevPki(Instant now, X500Name caName, KeyPair caKeys, X509Certificate ca) {
    this.now = now;
    this.caName = caName;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /**
   * A new root CA, self-signed, valid from an hour before {@code now} for {@code validity}.
   *
   * @param commonName the CA's CN (its subject is {@code C=FR, O=cpts-hub development PKI, CN=...})
   */
  public static DevPki create(String commonName, Instant now, Duration validity) {
    KeyPair keys = newKeyPair();
    X500Name name = caName(commonName);
    return new DevPki(
        now,
        name,
        keys,
        newCaCertificate(name, keys, name, keys.getPrivate(), null, now, validity));
  }

  /**
   * An intermediate CA issued by this one (as the IGC-Santé's issuing CAs are by its root), valid
   * as long as this one.
   */
  public DevPki intermediate(String commonName) {
    KeyPair keys = newKeyPair();
    X500Name name = caName(commonName);
    Duration validity = Duration.between(now, ca.getNotAfter().toInstant());
    return new DevPki(
        now,
        name,
        keys,
        newCaCertificate(name, keys, caName, caKeys.getPrivate(), ca, now, validity));
  }

  private static X500Name caName(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.C, "FR")
        .addRDN(BCStyle.O, "cpts-hub development PKI")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static X509Certificate newCaCertificate(
      X500Name name,
      KeyPair keys,
      X500Name issuerName,
      PrivateKey issuerKey,
      X509Certificate issuer,
      Instant now,
      Duration validity) {
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuerName,
                  serial(new SecureRandom()),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(validity)),
                  name,
                  keys.getPublic())
              .addExtension(
                  Extension.basicConstraints, true, new BasicConstraints(issuer == null ? 1 : 0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()));
      if (issuer != null) {
        builder.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            extensions.createAuthorityKeyIdentifier(issuer));
      }
      return certificate(builder.build(signer(issuerKey)));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the development CA " + name, e);
    }
  }

  /** This CA's certificate. */
  public X509Certificate caCertificate() {
    return ca;
  }

  /** The instant this PKI calls now: default validity windows start an hour before it. */
  public Instant now() {
    return now;
  }

  /**
   * A TLS server certificate ({@code serverAuth}) with its host names and IP addresses as subject
   * alternative names, valid for {@link #DEFAULT_VALIDITY}.
   */
  public Issued serverCertificate(String commonName, List<String> hostsAndAddresses) {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.C, "FR")
            .addRDN(BCStyle.O, "cpts-hub")
            .addRDN(BCStyle.CN, commonName)
            .build();
    List<GeneralName> names = new ArrayList<>();
    for (String host : hostsAndAddresses) {
      names.add(
          isIpAddress(host)
              ? new GeneralName(GeneralName.iPAddress, host)
              : new GeneralName(GeneralName.dNSName, host));
    }
    return issue(
        subject,
        now.minus(Duration.ofHours(1)),
        now.plus(DEFAULT_VALIDITY),
        KeyPurposeId.id_kp_serverAuth,
        new GeneralNames(names.toArray(GeneralName[]::new)));
  }

  /** A client certificate valid from an hour ago for {@link #DEFAULT_VALIDITY}. */
  public Issued clientCertificate(String organisation, String organizationalUnit, String cn) {
    return clientCertificate(
        organisation,
        organizationalUnit,
        cn,
        now.minus(Duration.ofHours(1)),
        now.plus(DEFAULT_VALIDITY));
  }

  /**
   * A client certificate ({@code clientAuth}) with subject {@code C=FR, O=organisation,
   * OU=organizationalUnit, CN=cn}, valid over the given window (which may lie in the past or the
   * future).
   */
  public Issued clientCertificate(
      String organisation,
      String organizationalUnit,
      String cn,
      Instant notBefore,
      Instant notAfter) {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.C, "FR")
            .addRDN(BCStyle.O, organisation)
            .addRDN(BCStyle.OU, organizationalUnit)
            .addRDN(BCStyle.CN, cn)
            .build();
    return issue(subject, notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, null);
  }

  /**
   * A CRL of this CA revoking the given certificates (reason: key compromise).
   *
   * @param thisUpdate when it was issued
   * @param nextUpdate when the next one is due: after it, a verifier holds this one stale
   */
  public X509CRL crl(Instant thisUpdate, Instant nextUpdate, List<X509Certificate> revoked) {
    try {
      X509v2CRLBuilder builder = new X509v2CRLBuilder(caName, Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (X509Certificate certificate : revoked) {
        builder.addCRLEntry(
            certificate.getSerialNumber(), Date.from(thisUpdate), CRLReason.keyCompromise);
      }
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
      builder.addExtension(
          Extension.cRLNumber,
          false,
          new CRLNumber(BigInteger.valueOf(thisUpdate.getEpochSecond())));
      X509CRLHolder holder = builder.build(signer(caKeys.getPrivate()));
      return new JcaX509CRLConverter().getCRL(holder);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot sign the CRL", e);
    }
  }

  /** A CRL issued an hour ago, due for renewal in {@link #DEFAULT_VALIDITY}. */
  public X509CRL crl(List<X509Certificate> revoked) {
    return crl(now.minus(Duration.ofHours(1)), now.plus(DEFAULT_VALIDITY), revoked);
  }

  /** A certificate and its private key. */
  public record Issued(X509Certificate certificate, PrivateKey privateKey) {

    /** The certificate as PEM. */
    public String certificatePem() {
      return pem(certificate);
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPem() {
      return pem("PRIVATE KEY", privateKey.getEncoded());
    }
  }

  /** One certificate as PEM. */
  public static String pem(X509Certificate certificate) {
    try {
      return pem("CERTIFICATE", certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CRL as PEM. */
  public static String pem(X509CRL crl) {
    try {
      return pem("X509 CRL", crl.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private Issued issue(
      X500Name subject,
      Instant notBefore,
      Instant notAfter,
      KeyPurposeId purpose,
      GeneralNames alternativeNames) {
    KeyPair keys = newKeyPair();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  caName,
                  serial(random),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(keys.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(ca));
      if (alternativeNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
      }
      return new Issued(certificate(builder.build(signer(caKeys.getPrivate()))), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + subject, e);
    }
  }

  private static X509Certificate certificate(X509CertificateHolder holder)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(SIGNATURE).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(KEY_SIZE);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A positive random serial of 127 bits, as CAs issue them. */
  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  /** An IPv4 or IPv6 literal (never resolved: {@link InetAddress} only parses a literal here). */
  static boolean isIpAddress(String host) {
    if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
