package fr.cpts.hub.server.security;

/** Where the hub got a client's credential: a certificate, or a bearer token. */
public enum CertificateSource {
  /** From the TLS handshake the hub terminated itself. */
  TLS,
  /** From the header of a trusted reverse proxy that terminated TLS and verified it. */
  PROXY_HEADER,
  /** No certificate: an OpenID Connect bearer token ({@link BearerTokenInterceptor}). */
  BEARER_TOKEN
}
