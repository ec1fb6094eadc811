package fr.cpts.hub.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import fr.cpts.hub.server.config.HubInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Identifies the client of every FHIR request by its certificate ({@link
 * ClientCertificateAuthenticator}) before any other hub interceptor runs, and attaches its {@link
 * ClientIdentity} to the request (HAPI user data and servlet attribute, key {@link
 * ClientIdentity#KEY}). A refused certificate ends the request with 403 and an OperationOutcome
 * quoting the {@link CertificateRefusal} code ({@code HUB-05xx}); nothing else runs. A request with
 * no credential at all (no TLS client chain, no proxy header, or an empty one) goes on without
 * identity, flagged {@link AnonymousRequest}: the access rules give it the public directory.
 *
 * <p>A request that {@link BearerTokenInterceptor} already identified by its token is left as it
 * is: its certificate, if any, is not used.
 *
 * <p>It identifies, it does not authorise: what each client may do is the access rules' job, which
 * read the identity. Registered only when {@code hub.security.client-certificates.enabled} is on.
 * It covers the FHIR endpoint ({@code /fhir}, {@code /metadata} included); the guide ({@code /ig/})
 * and the health probes hold no personal data and are outside it (under the hub's own TLS, the
 * handshake already demands a certificate of a trusted CA for them too, unless OpenID Connect made
 * it optional).
 */
@Interceptor
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ClientCertificateInterceptor implements HubInterceptor {

  /** The servlet attribute holding the TLS handshake's client chain. */
  static final String TLS_CHAIN_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  /** Before every other hook of this pointcut (the SAS fast path answers there). */
  static final int FIRST = -1_000_000;

  private static final Logger log = LoggerFactory.getLogger(ClientCertificateInterceptor.class);

  private final ClientCertificateAuthenticator authenticator;
  private final String header;

  public ClientCertificateInterceptor(ClientCertificateAuthenticator authenticator, String header) {
    this.authenticator = authenticator;
    this.header = header;
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = FIRST)
  public void identify(RequestDetails details, HttpServletRequest request) {
    if (ClientIdentity.of(details).isPresent()) {
      return; // identified by its bearer token (BearerTokenInterceptor), which decides
    }
    X509Certificate[] chain =
        request.getAttribute(TLS_CHAIN_ATTRIBUTE) instanceof X509Certificate[] certificates
            ? certificates
            : null;
    List<String> headerValues = Collections.list(request.getHeaders(header));
    ClientIdentity identity;
    try {
      identity = authenticator.authenticate(request.getRemoteAddr(), chain, headerValues);
    } catch (ClientCertificateException e) {
      if (e.refusal() == CertificateRefusal.NO_CERTIFICATE) {
        // No credential at all: in as anonymous, for the access rules to narrow.
        AnonymousRequest.mark(details);
        request.setAttribute(AnonymousRequest.KEY, Boolean.TRUE);
        log.debug("Request {} without client certificate: anonymous", details.getRequestId());
        return;
      }
      if (e.refusal() == CertificateRefusal.UNTRUSTED_PROXY) {
        log.warn("Refused request {}: {}", details.getRequestId(), e.getMessage());
      } else {
        log.info("Refused request {}: {}", details.getRequestId(), e.getMessage());
      }
      throw new ForbiddenOperationException(e.getMessage(), outcome(e));
    }
    details.getUserData().put(ClientIdentity.KEY, identity);
    request.setAttribute(ClientIdentity.KEY, identity);
    log.debug(
        "Request {} from client {} ({}, {})",
        details.getRequestId(),
        identity.clientId(),
        identity.role(),
        identity.source());
  }

  private static OperationOutcome outcome(ClientCertificateException e) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.SECURITY)
        .setDiagnostics(e.getMessage());
    return outcome;
  }
}
