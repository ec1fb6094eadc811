package fr.cpts.hub.server.imaging;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.preparser.PreParser;
import java.nio.charset.StandardCharsets;

/**
 * What the listener needs from a message's MSH before (and whatever) the mapping says: who sent it,
 * its type and control id, to acknowledge it, route it and recognise it when sent again. Read
 * leniently from the raw bytes (MSH is ASCII in every character set the hub reads): a field that
 * cannot be read is empty, never an error. Holds no personal data.
 *
 * @param sendingApplication MSH-3.1
 * @param sendingFacility MSH-4.1
 * @param receivingApplication MSH-5.1
 * @param receivingFacility MSH-6.1
 * @param messageType MSH-9.1, e.g. {@code ORU}
 * @param triggerEvent MSH-9.2, e.g. {@code R01}
 * @param controlId MSH-10
 * @param processingId MSH-11.1 ({@code P}, {@code T}, {@code D})
 */
public record Hl7v2Header(
    String sendingApplication,
    String sendingFacility,
    String receivingApplication,
    String receivingFacility,
    String messageType,
    String triggerEvent,
    String controlId,
    String processingId) {

  private static final Hl7v2Header EMPTY = new Hl7v2Header("", "", "", "", "", "", "", "");

  /** The header of a message, from its raw bytes (with or without MLLP framing). */
  public static Hl7v2Header read(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int start = text.indexOf("MSH");
    if (start < 0 || text.length() < start + 8) {
      return EMPTY;
    }
    int end = start;
    while (end < text.length() && text.charAt(end) != '\r' && text.charAt(end) != '\n') {
      end++;
    }
    String msh = text.substring(start, end);
    try {
      String[] fields =
          PreParser.getFields(
              msh, "MSH-3", "MSH-4", "MSH-5", "MSH-6", "MSH-9", "MSH-9-2", "MSH-10", "MSH-11");
      return new Hl7v2Header(
          clean(fields, 0),
          clean(fields, 1),
          clean(fields, 2),
          clean(fields, 3),
          clean(fields, 4),
          clean(fields, 5),
          clean(fields, 6),
          clean(fields, 7));
    } catch (HL7Exception | RuntimeException e) {
      return EMPTY;
    }
  }

  /** {@code ORU^R01}, or what of it is known. */
  public String type() {
    return triggerEvent.isEmpty() ? messageType : messageType + "^" + triggerEvent;
  }

  private static String clean(String[] fields, int index) {
    String value = index < fields.length ? fields[index] : null;
    if (value == null) {
      return "";
    }
    // Only printable ASCII: the values go into acknowledgements and a table's short columns.
    StringBuilder ascii = new StringBuilder();
    for (char c : value.trim().toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return ascii.length() > 100 ? ascii.substring(0, 100) : ascii.toString();
  }
}
