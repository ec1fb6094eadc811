package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Group;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.Visitable;
import ca.uhn.hl7v2.model.v25.segment.MSH;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading HL7 v2 structures HAPI parsed: message type, segments by name, first values. */
final class Segments {

  private Segments() {}

  /** {@code ORU^R01} from MSH-9. */
  static String messageType(Message message) throws HL7Exception {
    MSH msh = (MSH) message.get("MSH");
    String code = msh.getMessageType().getMessageCode().getValue();
    String event = msh.getMessageType().getTriggerEvent().getValue();
    return (code == null ? "" : code) + "^" + (event == null ? "" : event);
  }

  /** Checks MSH-9's message code and returns its trigger event. */
  static String requireType(Message message, String code, List<String> events)
      throws Hl7v2MappingException {
    String type;
    try {
      type = messageType(message);
    } catch (HL7Exception | ClassCastException e) {
      throw new Hl7v2MappingException(Hl7v2Error.NOT_PARSABLE, "MSH-9", "no readable MSH", e);
    }
    String event = type.substring(type.indexOf('^') + 1);
    if (!type.startsWith(code + "^") || !events.contains(event)) {
      throw new Hl7v2MappingException(
          Hl7v2Error.WRONG_MESSAGE_TYPE,
          "MSH-9",
          "message type "
              + type
              + " is not mapped here; expected "
              + code
              + "^"
              + String.join(", " + code + "^", events));
    }
    return event;
  }

  /** Every segment of that name under a group, at any depth, in message order. */
  static List<Segment> all(Group group, String name) throws HL7Exception {
    List<Segment> found = new ArrayList<>();
    collect(group, name, found);
    return found;
  }

  private static void collect(Group group, String name, List<Segment> found) throws HL7Exception {
    for (String child : group.getNames()) {
      for (Structure structure : group.getAll(child)) {
        if (structure instanceof Segment segment) {
          if (segment.getName().equals(name) && !segment.isEmpty()) {
            found.add(segment);
          }
        } else if (structure instanceof Group inner) {
          collect(inner, name, found);
        }
      }
    }
  }

  /** The first non-empty primitive value of a field (its first component of a composite). */
  static Optional<String> firstValue(Type type) {
    Type data = type instanceof Varies varies ? varies.getData() : type;
    if (data instanceof Primitive primitive) {
      return Optional.ofNullable(Codes.trim(primitive.getValue()));
    }
    if (data instanceof Composite composite) {
      for (Type component : composite.getComponents()) {
        Optional<String> value = firstValue(component);
        if (value.isPresent()) {
          return value;
        }
      }
    }
    return Optional.empty();
  }

  static boolean isEmpty(Visitable part) throws Hl7v2MappingException {
    try {
      return part.isEmpty();
    } catch (HL7Exception e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.NOT_PARSABLE,
          part instanceof Structure structure ? structure.getName() : null,
          "the message cannot be read",
          e);
    }
  }
}
