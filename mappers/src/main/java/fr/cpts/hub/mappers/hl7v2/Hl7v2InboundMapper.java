package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.model.Message;
import fr.cpts.hub.mappers.MappingContext;
import org.hl7.fhir.r4.model.Bundle;

/**
 * An incoming HL7 v2 message (already parsed by {@link Hl7v2Reader}) to the FHIR transaction that
 * stores what it says. Pure: no I/O, no logging of its content, no clock (times without offset are
 * read in the context's zone). The transaction only updates resources by their identifiers, so that
 * a message sent twice changes nothing the second time.
 */
public interface Hl7v2InboundMapper {

  /**
   * @throws Hl7v2MappingException with a {@code HUB-09xx} code and the segment and field when the
   *     message is not of this mapper's type or lacks what the mapping needs
   */
  Bundle map(Message message, MappingContext context) throws Hl7v2MappingException;
}
