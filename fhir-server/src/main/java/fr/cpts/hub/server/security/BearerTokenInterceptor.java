package fr.cpts.hub.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import fr.cpts.hub.server.config.HubInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Identifies a FHIR request carrying {@code Authorization: Bearer <JWT>} by its token, before
 * {@link ClientCertificateInterceptor} runs: the token is {@link BearerTokenVerifier verified}, its
 * IDNPS mapped to the hub's Practitioner ({@link PractitionerLookup}), and a {@link ClientIdentity}
 * attached ({@link ClientRole#PROFESSIONAL}, or {@link ClientRole#CPTS_CONSOLE} for a member of the
 * {@link CptsTeam}). The certificate interceptor leaves a request so identified as it is: the token
 * decides, a client certificate sent along is not used to identify (the TLS handshake has still
 * checked its chain and dates).
 *
 * <p>A refused token ends the request, whatever certificate came with it: 401 with an
 * OperationOutcome quoting the {@link TokenRefusal} code ({@code HUB-054x}) and a {@code
 * WWW-Authenticate: Bearer} challenge, {@code error="invalid_token"} (RFC 6750) or, for an {@code
 * acr} the hub does not accept, {@code error="insufficient_user_authentication"} with the {@code
 * acr_values} it wants (RFC 9470); 403 for a valid token of a professional the hub does not know;
 * 503 when the issuer's keys cannot be fetched. A request without a bearer token (none, or another
 * scheme) is left to the certificate interceptor.
 *
 * <p>It identifies, it does not authorise. Registered only when {@code hub.security.oidc.enabled}
 * is on; it covers the FHIR endpoint, {@code /metadata} included.
 */
@Interceptor
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BearerTokenInterceptor implements HubInterceptor {

  /** Just before {@link ClientCertificateInterceptor}'s hook. */
  static final int BEFORE_CERTIFICATES = ClientCertificateInterceptor.FIRST - 1;

  static final String REALM = "cpts-hub";
  private static final String BEARER = "bearer ";

  private static final Logger log = LoggerFactory.getLogger(BearerTokenInterceptor.class);

  private final BearerTokenVerifier verifier;
  private final PractitionerLookup practitioners;
  private final CptsTeam team;

  public BearerTokenInterceptor(
      BearerTokenVerifier verifier, PractitionerLookup practitioners, CptsTeam team) {
    this.verifier = verifier;
    this.practitioners = practitioners;
    this.team = team;
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = BEFORE_CERTIFICATES)
  public void identify(RequestDetails details, HttpServletRequest request) {
    List<String> authorizations = Collections.list(request.getHeaders("Authorization"));
    List<String> bearer =
        authorizations.stream()
            .filter(a -> a.regionMatches(true, 0, BEARER, 0, BEARER.length()))
            .toList();
    if (bearer.isEmpty()) {
      return;
    }
    ClientIdentity identity;
    try {
      if (authorizations.size() > 1) {
        throw new BearerTokenException(
            TokenRefusal.MALFORMED, "the Authorization header is sent more than once");
      }
      identity = identity(bearer.get(0).substring(BEARER.length()).trim());
    } catch (BearerTokenException e) {
      if (e.refusal() == TokenRefusal.KEYS_UNAVAILABLE) {
        log.warn("Refused request {}: {}", details.getRequestId(), e.getMessage());
      } else {
        log.info("Refused request {}: {}", details.getRequestId(), e.refusal().code());
        log.debug("Refused request {}: {}", details.getRequestId(), e.getMessage());
      }
      throw answer(e);
    }
    details.getUserData().put(ClientIdentity.KEY, identity);
    request.setAttribute(ClientIdentity.KEY, identity);
    log.debug(
        "Request {} from {} ({}, Practitioner/{})",
        details.getRequestId(),
        identity.clientId(),
        identity.role(),
        identity.practitionerId());
  }

  private ClientIdentity identity(String token) {
    BearerTokenVerifier.VerifiedToken verified = verifier.verify(token);
    boolean member = team.contains(verified.idnps());
    Optional<String> practitioner = practitioners.practitionerId(verified.idnps());
    if (practitioner.isEmpty() && !member) {
      throw new BearerTokenException(
          TokenRefusal.UNKNOWN_PROFESSIONAL, "IDNPS " + verified.idnps());
    }
    return ClientIdentity.signedIn(
        member ? ClientRole.CPTS_CONSOLE : ClientRole.PROFESSIONAL,
        verified.issuer(),
        verified.subject(),
        verified.idnps(),
        practitioner.orElse(null));
  }

  /** The HAPI exception answering a refusal. */
  private BaseServerResponseException answer(BearerTokenException e) {
    TokenRefusal refusal = e.refusal();
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(refusal.status() == 503 ? IssueType.TRANSIENT : IssueType.SECURITY)
        .setDiagnostics(e.getMessage());
    BaseServerResponseException answer =
        switch (refusal.status()) {
          case 401 -> new AuthenticationException(e.getMessage());
          case 403 -> new ForbiddenOperationException(e.getMessage(), outcome);
          default -> new UnclassifiedServerFailureException(refusal.status(), e.getMessage());
        };
    answer.setOperationOutcome(outcome);
    if (refusal.bearerError() != null) {
      answer.addResponseHeader("WWW-Authenticate", challenge(refusal));
    }
    return answer;
  }

  /**
   * The {@code WWW-Authenticate} value: the code and reason only (the detail may quote the token,
   * whose characters a quoted-string may not hold).
   */
  String challenge(TokenRefusal refusal) {
    StringBuilder challenge =
        new StringBuilder("Bearer realm=\"")
            .append(REALM)
            .append("\", error=\"")
            .append(refusal.bearerError())
            .append("\", error_description=\"")
            .append(refusal.code())
            .append(": ")
            .append(refusal.reason())
            .append('"');
    if (refusal == TokenRefusal.INSUFFICIENT_AUTHENTICATION) {
      challenge
          .append(", acr_values=\"")
          .append(String.join(" ", verifier.acrValues()).replaceAll("[\"\\\\]", ""))
          .append('"');
    }
    return challenge.toString();
  }
}
