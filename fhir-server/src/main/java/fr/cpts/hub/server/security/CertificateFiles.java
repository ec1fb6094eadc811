package fr.cpts.hub.server.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads certificates and CRLs, PEM or DER, from a location: a file path ({@code file:} prefix
 * optional) or, for CRLs, an {@code http(s)://} URL as CAs publish them. Parsing is the JDK's.
 */
final class CertificateFiles {

  private CertificateFiles() {}

  /** Every certificate of a PEM file (a CA chain is several blocks one after the other). */
  static List<X509Certificate> certificates(String location) throws IOException {
    try (InputStream in = Files.newInputStream(path(location))) {
      return certificates(in);
    }
  }

  static List<X509Certificate> certificates(InputStream in) throws IOException {
    try {
      Collection<? extends java.security.cert.Certificate> read =
          factory().generateCertificates(in);
      List<X509Certificate> certificates = new ArrayList<>();
      for (java.security.cert.Certificate certificate : read) {
        certificates.add((X509Certificate) certificate);
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IOException("not a PEM or DER certificate: " + e.getMessage(), e);
    }
  }

  /** Every CRL at a file path or an http(s) URL. */
  static List<X509CRL> crls(String location, HttpClient http, Duration timeout) throws IOException {
    byte[] bytes;
    if (isUrl(location)) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(location)).timeout(timeout).GET().build();
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching " + location, e);
      }
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode() + " from " + location);
      }
      bytes = response.body();
    } else {
      bytes = Files.readAllBytes(path(location));
    }
    try {
      List<X509CRL> crls = new ArrayList<>();
      for (CRL crl : factory().generateCRLs(new ByteArrayInputStream(bytes))) {
        crls.add((X509CRL) crl);
      }
      if (crls.isEmpty()) {
        throw new IOException("no CRL in " + location);
      }
      return crls;
    } catch (CRLException e) {
      throw new IOException("not a PEM or DER CRL: " + location + ": " + e.getMessage(), e);
    }
  }

  static boolean isUrl(String location) {
    return location.startsWith("http://") || location.startsWith("https://");
  }

  static Path path(String location) {
    return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
  }

  static CertificateFactory factory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }
}
