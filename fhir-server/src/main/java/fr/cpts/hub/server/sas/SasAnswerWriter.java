package fr.cpts.hub.server.sas;

import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Writes the read model's SAS answer as JSON without encoding its slots again: each slot's view was
 * encoded by HAPI when the slot was stored ({@link SasSlotReadModel}), and HAPI encodes here the
 * Bundle's envelope and its included resources. What this class adds is only the entry array around
 * them, in HAPI's own layout ({@code fullUrl}, {@code resource}, {@code search}), so that the bytes
 * are those HAPI writes for the same Bundle: {@code SasSearchPathsIT} compares them with the
 * generic search's answer byte for byte.
 *
 * <p>Encoding a thousand slots again on every search costs HAPI about 20 ms of CPU; this is what
 * keeps the SAS search within its latency target on two cores.
 */
final class SasAnswerWriter {

  /** A resource of the answer, its SAS view already encoded as JSON (UTF-8) by HAPI. */
  record Encoded(String type, String id, byte[] json) {}

  private static final JsonStringEncoder STRINGS = JsonStringEncoder.getInstance();
  private static final byte[] ENTRIES = ascii(",\"entry\":[");
  private static final byte[] FULL_URL = ascii("{\"fullUrl\":\"");
  private static final byte[] RESOURCE = ascii("\",\"resource\":");
  private static final byte[] MATCH = ascii(",\"search\":{\"mode\":\"match\"}}");
  private static final byte[] INCLUDE = ascii(",\"search\":{\"mode\":\"include\"}}");
  private static final byte[] END = ascii("]}");

  private SasAnswerWriter() {}

  /**
   * Writes the searchset: {@code envelope} (no entries) as HAPI encodes it, then the slots (search
   * mode match) and the included resources (mode include), each with its fullUrl under {@code
   * base}.
   */
  static void write(
      OutputStream out,
      IParser parser,
      Bundle envelope,
      String base,
      List<Encoded> slots,
      List<Encoded> included)
      throws IOException {
    if (envelope.hasEntry()) {
      throw new IllegalArgumentException("the envelope carries no entries");
    }
    byte[] head = utf8(parser.encodeResourceToString(envelope));
    if (slots.isEmpty() && included.isEmpty()) {
      out.write(head);
      return;
    }
    // HAPI's encoding of a Bundle ends with its last element's closing brace; entries come last.
    out.write(head, 0, head.length - 1);
    out.write(ENTRIES);
    boolean first = true;
    byte[] prefix = STRINGS.quoteAsUTF8(base + "/");
    for (Encoded slot : slots) {
      first = entry(out, first, prefix, slot, MATCH);
    }
    for (Encoded resource : included) {
      first = entry(out, first, prefix, resource, INCLUDE);
    }
    out.write(END);
  }

  private static boolean entry(
      OutputStream out, boolean first, byte[] base, Encoded resource, byte[] search)
      throws IOException {
    if (!first) {
      out.write(',');
    }
    out.write(FULL_URL);
    out.write(base);
    out.write(STRINGS.quoteAsUTF8(resource.type() + "/" + resource.id()));
    out.write(RESOURCE);
    out.write(resource.json());
    out.write(search);
    return false;
  }

  /** The UTF-8 bytes of HAPI's JSON. */
  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
