package fr.cpts.hub.server.security;

/**
 * Why a bearer token was refused, with the stable code quoted in the OperationOutcome, the HTTP
 * status and the {@code error} of the {@code WWW-Authenticate: Bearer} challenge (RFC 6750, RFC
 * 9470). Codes never change meaning; new reasons take new codes.
 */
public enum TokenRefusal {
  MALFORMED(
      "HUB-0540",
      "the bearer token is not a JWT the hub accepts (signed with RS, PS or ES keys, with sub, exp"
          + " and the professional's national id)",
      401,
      "invalid_token"),
  BAD_SIGNATURE(
      "HUB-0541",
      "the bearer token's signature is not verified by a key of its issuer's key set",
      401,
      "invalid_token"),
  WRONG_ISSUER(
      "HUB-0542", "the bearer token is not issued by the hub's issuer", 401, "invalid_token"),
  WRONG_AUDIENCE("HUB-0543", "the bearer token is not meant for the hub", 401, "invalid_token"),
  EXPIRED("HUB-0544", "the bearer token has expired", 401, "invalid_token"),
  NOT_YET_VALID("HUB-0545", "the bearer token is not valid yet", 401, "invalid_token"),
  INSUFFICIENT_AUTHENTICATION(
      "HUB-0546",
      "the professional did not sign in with an authentication level the hub accepts",
      401,
      "insufficient_user_authentication"),
  UNKNOWN_PROFESSIONAL(
      "HUB-0547", "no active Practitioner of the hub carries the professional's IDNPS", 403, null),
  KEYS_UNAVAILABLE(
      "HUB-0548", "the issuer's key set cannot be fetched; try again later", 503, null);

  private final String code;
  private final String reason;
  private final int status;
  private final String bearerError;

  TokenRefusal(String code, String reason, int status, String bearerError) {
    this.code = code;
    this.reason = reason;
    this.status = status;
    this.bearerError = bearerError;
  }

  /** The stable code, {@code HUB-054x}. */
  public String code() {
    return code;
  }

  /** What is wrong, in a few words. */
  public String reason() {
    return reason;
  }

  /** The HTTP status of the answer: 401, 403 (a valid token of an unknown professional) or 503. */
  public int status() {
    return status;
  }

  /** The {@code error} of the Bearer challenge, or null when the answer carries none. */
  public String bearerError() {
    return bearerError;
  }
}
