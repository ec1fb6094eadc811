package fr.cpts.hub.server.security;

/**
 * Why a client certificate was refused, with the stable code quoted in the 403 OperationOutcome.
 * Codes never change meaning; new reasons take new codes.
 */
public enum CertificateRefusal {
  NO_CERTIFICATE("HUB-0501", "a client certificate is required"),
  UNTRUSTED("HUB-0502", "the client certificate is not issued by a CA the hub trusts"),
  EXPIRED("HUB-0503", "the client certificate has expired"),
  NOT_YET_VALID("HUB-0504", "the client certificate is not valid yet"),
  REVOKED("HUB-0505", "the client certificate is revoked"),
  REVOCATION_UNKNOWN(
      "HUB-0506",
      "the revocation status of the client certificate is unknown (the hub holds no current CRL"
          + " of its CA)"),
  MALFORMED("HUB-0507", "the client certificate cannot be read"),
  UNTRUSTED_PROXY(
      "HUB-0508",
      "a client certificate header is accepted from the hub's trusted reverse proxies only"),
  UNKNOWN_CLIENT("HUB-0509", "no client of the hub is registered for this certificate"),
  BAD_SUBJECT(
      "HUB-0510", "the client certificate's subject must hold one CN (the service) and an OU");

  private final String code;
  private final String reason;

  CertificateRefusal(String code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  /** The stable code, {@code HUB-05xx}. */
  public String code() {
    return code;
  }

  /** What is wrong, in a few words. */
  public String reason() {
    return reason;
  }
}
