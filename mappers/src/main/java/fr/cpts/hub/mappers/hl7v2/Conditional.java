package fr.cpts.hub.mappers.hl7v2;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Resource;

/**
 * Conditional URLs and references by identifier, and the transaction entries that update a resource
 * in place by its identifier: sending the same HL7 v2 message twice gives the same resources, once.
 */
final class Conditional {

  private Conditional() {}

  /**
   * {@code identifier=<system>|<value>}, the value percent-encoded but for the characters a query
   * value may hold as they are (letters, digits, {@code -._~:/@}); systems are the hub's own.
   */
  static String identifier(String system, String value) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~:/@".indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return "identifier=" + system + "|" + encoded;
  }

  /**
   * Adds a conditional update ({@code PUT <type>?identifier=...}) of a resource, under a {@code
   * urn:uuid} full URL derived from that identifier (the same message always gives the same URL, by
   * which the other entries reference it).
   */
  static String put(Bundle transaction, Resource resource, String system, String value) {
    String type = resource.fhirType();
    String fullUrl =
        "urn:uuid:"
            + UUID.nameUUIDFromBytes(
                (type + "|" + system + "|" + value).getBytes(StandardCharsets.UTF_8));
    transaction
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(resource)
        .getRequest()
        .setMethod(HTTPVerb.PUT)
        .setUrl(type + "?" + identifier(system, value));
    return fullUrl;
  }
}
