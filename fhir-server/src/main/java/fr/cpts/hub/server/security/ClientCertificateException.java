package fr.cpts.hub.server.security;

/**
 * A client certificate refused, for one {@link CertificateRefusal}; its message starts with the
 * refusal's code and may name the certificate (subject, serial), never the request's content.
 */
public class ClientCertificateException extends RuntimeException {

  private final CertificateRefusal refusal;

  public ClientCertificateException(CertificateRefusal refusal, String detail) {
    super(
        refusal.code()
            + ": "
            + refusal.reason()
            + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"));
    this.refusal = refusal;
  }

  public CertificateRefusal refusal() {
    return refusal;
  }
}
