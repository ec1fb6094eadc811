package fr.cpts.hub.server.security;

/** A bearer token refused, and why; its message starts with the refusal's code. */
public class BearerTokenException extends RuntimeException {

  private final TokenRefusal refusal;

  public BearerTokenException(TokenRefusal refusal, String detail) {
    this(refusal, detail, null);
  }

  public BearerTokenException(TokenRefusal refusal, String detail, Throwable cause) {
    super(
        refusal.code() + ": " + refusal.reason() + (detail == null ? "" : " (" + detail + ")"),
        cause);
    this.refusal = refusal;
  }

  public TokenRefusal refusal() {
    return refusal;
  }
}
