package fr.cpts.hub.server.security;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The parts of a certificate's subject the hub identifies a client by: its CN (the service) and its
 * OUs (IGC-Santé puts the structure's IDNST in one). Values are compared exactly as written.
 *
 * @param commonNames every CN of the subject (a client needs exactly one)
 * @param organizationalUnits every OU of the subject, in order
 * @param rfc2253 the whole subject
 */
public record CertificateSubject(
    List<String> commonNames, List<String> organizationalUnits, String rfc2253) {

  public CertificateSubject {
    commonNames = List.copyOf(commonNames);
    organizationalUnits = List.copyOf(organizationalUnits);
  }

  /** The subject of {@code certificate}. */
  public static CertificateSubject of(X509Certificate certificate) {
    String name = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    List<String> commonNames = new ArrayList<>();
    List<String> units = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(name).getRdns()) {
        // A multi-valued RDN (CN=a+OU=b) is read attribute by attribute.
        for (Attribute attribute : Collections.list(rdn.toAttributes().getAll())) {
          String type = attribute.getID();
          for (Object value : Collections.list(attribute.getAll())) {
            if (!(value instanceof String text)) {
              continue; // a value in hex (an unknown string type): never a CN or OU we match
            }
            if ("CN".equalsIgnoreCase(type)) {
              commonNames.add(text);
            } else if ("OU".equalsIgnoreCase(type)) {
              units.add(text);
            }
          }
        }
      }
    } catch (NamingException e) {
      throw new ClientCertificateException(CertificateRefusal.BAD_SUBJECT, name);
    }
    // LdapName lists RDNs from the last (right-most) to the first; keep the certificate's order.
    Collections.reverse(units);
    Collections.reverse(commonNames);
    return new CertificateSubject(commonNames, units, name);
  }

  /** The one CN; a subject without a CN, with several, or without any OU is refused. */
  public String commonName() {
    if (commonNames.size() != 1 || organizationalUnits.isEmpty()) {
      throw new ClientCertificateException(CertificateRefusal.BAD_SUBJECT, rfc2253);
    }
    return commonNames.get(0);
  }
}
