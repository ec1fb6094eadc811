package fr.cpts.hub.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * The flag of a request that came with no credential at all while security is on (no TLS client
 * certificate, no certificate header from the proxy): it goes on without a {@link ClientIdentity},
 * and the access rules give it the public directory only. A credential that is presented and bad is
 * refused by {@link ClientCertificateInterceptor}, never turned into an anonymous request.
 */
public final class AnonymousRequest {

  /** The key of the flag in HAPI's user data and in the servlet request's attributes. */
  public static final String KEY = AnonymousRequest.class.getName();

  private AnonymousRequest() {}

  /** Flags the request as anonymous. */
  static void mark(RequestDetails request) {
    request.getUserData().put(KEY, Boolean.TRUE);
  }

  /** Whether the hub let the request in without credential. */
  public static boolean is(RequestDetails request) {
    return request != null && Boolean.TRUE.equals(request.getUserData().get(KEY));
  }
}
