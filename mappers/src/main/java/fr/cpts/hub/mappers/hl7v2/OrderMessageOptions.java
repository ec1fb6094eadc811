package fr.cpts.hub.mappers.hl7v2;

import java.util.Objects;

/**
 * How an outgoing order message is addressed and encoded.
 *
 * @param type ORM^O01 or OMI^O23
 * @param charset the ER7 character set, written in MSH-18 and used for the bytes
 * @param sendingFacility MSH-4, the CPTS the hub serves (MSH-3 is always {@code CPTS-HUB})
 * @param receivingApplication MSH-5, the RIS
 * @param receivingFacility MSH-6, the radiology group
 * @param processingId MSH-11: {@code P} production, {@code T} training, {@code D} debugging
 */
public record OrderMessageOptions(
    OrderMessageType type,
    Er7Charset charset,
    String sendingFacility,
    String receivingApplication,
    String receivingFacility,
    String processingId) {

  public OrderMessageOptions {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(charset, "charset");
    Objects.requireNonNull(sendingFacility, "sendingFacility");
    Objects.requireNonNull(receivingApplication, "receivingApplication");
    Objects.requireNonNull(receivingFacility, "receivingFacility");
    Objects.requireNonNull(processingId, "processingId");
  }

  /** A production message of that type and character set, from the CPTS to a RIS. */
  public static OrderMessageOptions of(
      OrderMessageType type, Er7Charset charset, String cpts, RadiologySource source) {
    return new OrderMessageOptions(type, charset, cpts, source.namespace(), source.code(), "P");
  }
}
