package fr.cpts.hub.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;

/**
 * Who is calling: the registry's client for the subject of a verified client certificate. The hub's
 * {@link ClientCertificateInterceptor} attaches it to every request it accepts, in HAPI's {@link
 * RequestDetails#getUserData() user data} and as a servlet request attribute, both under {@link
 * #KEY}; access rules and the audit trail read it with {@link #of(RequestDetails)}.
 *
 * @param clientId the registry's id of the client ({@code sas-platform}, ...)
 * @param role what the client is
 * @param commonName the certificate's CN: the service
 * @param idnst the certificate's OU matched by the registry: the structure's IDNST (for {@link
 *     ClientRole#GP_SOFTWARE}, the practice it acts for)
 * @param subject the certificate's full subject (RFC 2253)
 * @param serialNumber the certificate's serial number, hexadecimal
 * @param issuer the certificate's issuer (RFC 2253)
 * @param source how the certificate reached the hub
 */
public record ClientIdentity(
    String clientId,
    ClientRole role,
    String commonName,
    String idnst,
    String subject,
    String serialNumber,
    String issuer,
    CertificateSource source) {

  /** The key of the identity in HAPI's user data and in the servlet request's attributes. */
  public static final String KEY = ClientIdentity.class.getName();

  /**
   * The identity of the request's client; empty when the hub runs without client certificates
   * ({@code hub.security.client-certificates.enabled=false}, the development default) or for a
   * request that did not come through the REST server (a job, the demo loader).
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
}
