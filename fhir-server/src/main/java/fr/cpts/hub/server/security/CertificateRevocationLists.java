package fr.cpts.hub.server.security;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRLs of the trusted CAs, held in memory and re-read on demand ({@link #refresh()}, which the
 * hub calls every {@code hub.security.client-certificates.crl-refresh}). Each location is a file or
 * an http(s) URL. A CRL is kept only if one of the trusted CA certificates signed it.
 *
 * <p>Failing to read a location at start-up stops the hub; failing later keeps the CRLs last read
 * from it (and logs a warning), as does a CRL older than the one held (a replayed CRL would hide
 * later revocations). Once a CRL passes its {@code nextUpdate} without a newer one (give or take
 * the JDK PKIX's 15 minutes of clock skew), the verifier finds no current CRL for its CA and
 * refuses that CA's clients: revocation checking fails closed.
 */
public final class CertificateRevocationLists {

  private static final Logger log = LoggerFactory.getLogger(CertificateRevocationLists.class);

  private final List<String> locations;
  private final List<X509Certificate> authorities;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private volatile Map<String, List<X509CRL>> byLocation;

  /**
   * Reads every location now.
   *
   * @throws IllegalStateException ({@code HUB-0521}) if one cannot be read or is not signed by a
   *     trusted CA
   */
  public CertificateRevocationLists(
      List<String> locations, List<X509Certificate> authorities, Duration timeout, Clock clock) {
    this.locations = List.copyOf(locations);
    this.authorities = List.copyOf(authorities);
    this.timeout = timeout;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    Map<String, List<X509CRL>> read = new LinkedHashMap<>();
    for (String location : this.locations) {
      try {
        read.put(location, read(location));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException(
            "HUB-0521: cannot read the CRL at " + location + ": " + e.getMessage(), e);
      }
    }
    this.byLocation = read;
    read.forEach(this::logLoaded);
  }

  /** Whether any CRL location is configured (if not, revocation is not checked). */
  public boolean configured() {
    return !locations.isEmpty();
  }

  /** The CRLs held now. */
  public List<X509CRL> current() {
    List<X509CRL> all = new ArrayList<>();
    byLocation.values().forEach(all::addAll);
    return all;
  }

  /**
   * Re-reads every location; a location that fails, or that now serves an older CRL, keeps what it
   * had.
   *
   * @return how many locations brought a newer CRL
   */
  public synchronized int refresh() {
    Map<String, List<X509CRL>> next = new LinkedHashMap<>(byLocation);
    int changed = 0;
    for (String location : locations) {
      List<X509CRL> held = byLocation.get(location);
      try {
        List<X509CRL> read = read(location);
        if (latest(read).isBefore(latest(held))) {
          log.warn(
              "HUB-0522: the CRL at {} is older than the one held (issued {}); keeping the held one",
              location,
              latest(held));
        } else if (!read.equals(held)) {
          next.put(location, read);
          changed++;
          logLoaded(location, read);
        }
      } catch (IOException | GeneralSecurityException e) {
        log.warn(
            "HUB-0522: cannot refresh the CRL at {} ({}); keeping the one issued {}",
            location,
            e.getMessage(),
            latest(held));
      }
    }
    byLocation = next;
    Instant now = clock.instant();
    for (X509CRL crl : current()) {
      if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now)) {
        log.warn(
            "HUB-0506: the CRL of {} was due for renewal at {}: its clients are refused until a"
                + " newer one is read",
            crl.getIssuerX500Principal().getName(),
            crl.getNextUpdate().toInstant());
      }
    }
    return changed;
  }

  private List<X509CRL> read(String location) throws IOException, GeneralSecurityException {
    List<X509CRL> crls = CertificateFiles.crls(location, http, timeout);
    for (X509CRL crl : crls) {
      verifySignature(crl, location);
    }
    return List.copyOf(crls);
  }

  private void verifySignature(X509CRL crl, String location) throws GeneralSecurityException {
    for (X509Certificate authority : authorities) {
      if (authority.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
        try {
          crl.verify(authority.getPublicKey());
          return;
        } catch (GeneralSecurityException e) {
          // another CA certificate of the same name (a renewed key) may have signed it
        }
      }
    }
    throw new GeneralSecurityException(
        "the CRL at "
            + location
            + " is not signed by a trusted CA (issuer "
            + crl.getIssuerX500Principal().getName()
            + ")");
  }

  private static Instant latest(List<X509CRL> crls) {
    return crls == null
        ? Instant.MIN
        : crls.stream()
            .map(c -> c.getThisUpdate().toInstant())
            .max(Instant::compareTo)
            .orElse(Instant.MIN);
  }

  private void logLoaded(String location, List<X509CRL> crls) {
    for (X509CRL crl : crls) {
      log.info(
          "CRL of {} from {}: {} revoked, issued {}, next update {}",
          crl.getIssuerX500Principal().getName(),
          location,
          crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(),
          crl.getThisUpdate().toInstant(),
          crl.getNextUpdate() == null ? "none" : crl.getNextUpdate().toInstant());
    }
  }
}
