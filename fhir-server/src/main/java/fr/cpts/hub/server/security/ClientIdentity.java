package fr.cpts.hub.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;

/**
 * Who is calling: the registry's client for the subject of a verified client certificate, or the
 * professional of a verified bearer token. The hub's {@link BearerTokenInterceptor} and {@link
 * ClientCertificateInterceptor} attach it to every request they accept, in HAPI's {@link
 * RequestDetails#getUserData() user data} and as a servlet request attribute, both under {@link
 * #KEY}; access rules and the audit trail read it with {@link #of(RequestDetails)}.
 *
 * <p>For a token ({@link #source()} {@link CertificateSource#BEARER_TOKEN}): {@code clientId} is
 * {@code idnps:<IDNPS>}, {@code role} {@link ClientRole#PROFESSIONAL} ({@link
 * ClientRole#CPTS_CONSOLE} for a member of the CPTS team), {@code issuer} the token's; {@code
 * commonName}, {@code idnst}, {@code subject} and {@code serialNumber} are null.
 *
 * @param clientId the registry's id of the client ({@code sas-platform}, ...), or {@code
 *     idnps:<IDNPS>} for a professional signed in with a token
 * @param role what the client is
 * @param commonName the certificate's CN: the service
 * @param idnst the certificate's OU matched by the registry: the structure's IDNST (for {@link
 *     ClientRole#GP_SOFTWARE}, the practice it acts for)
 * @param subject the certificate's full subject (RFC 2253)
 * @param serialNumber the certificate's serial number, hexadecimal
 * @param issuer the certificate's issuer (RFC 2253), or the token's ({@code iss})
 * @param source how the certificate reached the hub, or {@link CertificateSource#BEARER_TOKEN}
 * @param tokenSubject the token's {@code sub}; null for a certificate
 * @param idnps the professional's national id from the token; null for a certificate
 * @param practitionerId the id of the professional's Practitioner in the hub ({@code 123}); null
 *     for a certificate, and for a CPTS team member the directory does not hold
 */
public record ClientIdentity(
    String clientId,
    ClientRole role,
    String commonName,
    String idnst,
    String subject,
    String serialNumber,
    String issuer,
    CertificateSource source,
    String tokenSubject,
    String idnps,
    String practitionerId) {

  /** The key of the identity in HAPI's user data and in the servlet request's attributes. */
  public static final String KEY = ClientIdentity.class.getName();

  /** The prefix of a token caller's {@link #clientId()}. */
  public static final String IDNPS_CLIENT_PREFIX = "idnps:";

  /** The identity of a certificate's client. */
  public ClientIdentity(
      String clientId,
      ClientRole role,
      String commonName,
      String idnst,
      String subject,
      String serialNumber,
      String issuer,
      CertificateSource source) {
    this(
        clientId, role, commonName, idnst, subject, serialNumber, issuer, source, null, null, null);
  }

  /** The identity of a professional signed in with a token. */
  public static ClientIdentity signedIn(
      ClientRole role, String issuer, String tokenSubject, String idnps, String practitionerId) {
    return new ClientIdentity(
        IDNPS_CLIENT_PREFIX + idnps,
        role,
        null,
        null,
        null,
        null,
        issuer,
        CertificateSource.BEARER_TOKEN,
        tokenSubject,
        idnps,
        practitionerId);
  }

  /**
   * The identity of the request's client; empty when the hub runs without client certificates nor
   * tokens ({@code hub.security.client-certificates.enabled=false}, the development default), for a
   * request without a token in that case, or for a request that did not come through the REST
   * server (a job, the demo loader).
   */
  public static Optional<ClientIdentity> of(RequestDetails request) {
    if (request == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(request.getUserData().get(KEY))
        .filter(ClientIdentity.class::isInstance)
        .map(ClientIdentity.class::cast);
  }

  /** Whether this client has the role. */
  public boolean is(ClientRole other) {
    return role == other;
  }

  /**
   * Whether the identity comes from a bearer token (a professional signed in), not a certificate.
   */
  public boolean fromToken() {
    return source == CertificateSource.BEARER_TOKEN;
  }
}
