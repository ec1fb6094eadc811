package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import fr.cpts.hub.mappers.MappingContext;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The way in for a RIS's messages: raw bytes read by {@link Hl7v2Reader}, handed by MSH-9 to {@link
 * OruR01Mapper} (ORU^R01) or {@link SiuMapper} (SIU^S12...), the FHIR transaction out. Any other
 * message type is refused with {@code HUB-0904}. Thread-safe.
 */
public final class Hl7v2Inbound {

  private final Hl7v2Reader reader = new Hl7v2Reader();
  private final OruR01Mapper results;
  private final SiuMapper scheduling;

  public Hl7v2Inbound(RadiologySource source) {
    Objects.requireNonNull(source, "source");
    this.results = new OruR01Mapper(source);
    this.scheduling = new SiuMapper(source);
  }

  public Bundle map(byte[] raw, MappingContext context) throws Hl7v2MappingException {
    Message message = reader.read(raw);
    String type;
    try {
      type = Segments.messageType(message);
    } catch (HL7Exception | ClassCastException e) {
      throw new Hl7v2MappingException(Hl7v2Error.NOT_PARSABLE, "MSH-9", "no readable MSH", e);
    }
    if (type.startsWith("ORU^")) {
      return results.map(message, context);
    }
    if (type.startsWith("SIU^")) {
      return scheduling.map(message, context);
    }
    throw new Hl7v2MappingException(
        Hl7v2Error.WRONG_MESSAGE_TYPE,
        "MSH-9",
        "message type " + type + " is not mapped by the hub (ORU^R01, SIU^S12 to S26)");
  }
}
