package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.preparser.PreParser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads an ER7 (pipe-encoded) HL7 v2 message from its raw bytes with HAPI's {@link PipeParser}.
 *
 * <p><b>Character set.</b> Read from MSH-18 (its first repetition): {@code 8859/1}, {@code UNICODE
 * UTF-8} and the other names of {@link Er7Charset}. When MSH-18 is empty the message is read as
 * <b>ISO-8859-1</b>, as French radiology information systems mostly send it, unless its bytes are
 * well-formed UTF-8 holding multi-byte sequences: ISO-8859-1 text practically never is, and RIS
 * that send UTF-8 often leave MSH-18 empty. A message that declares UTF-8 must be well-formed
 * UTF-8.
 *
 * <p><b>Tolerance.</b> HAPI parses messages of other versions (2.3.1, 2.4, 2.5.1, 2.6 were tried)
 * into the v2.5 structures, without validation rules, so that real-world messages with unexpected
 * or Z segments (ZDS) are read; an MLLP frame around the message, a UTF-8 byte-order mark and line
 * feeds (CRLF or LF, as files carry them) between segments are accepted. Escape sequences ({@code
 * \F\ \S\ \T\ \R\ \E\}) are resolved by HAPI when a field is read; formatting ones ({@code \.br\})
 * are kept for {@link FormattedText}.
 *
 * <p>Thread-safe: one instance serves every message.
 */
public final class Hl7v2Reader {

  private static final byte MLLP_START = 0x0b;
  private static final byte MLLP_END = 0x1c;

  private final PipeParser parser;

  public Hl7v2Reader() {
    this.parser = pipeParser();
  }

  /** HAPI's pipe parser as the hub configures it: v2.5 structures, no validation, no id file. */
  static PipeParser pipeParser() {
    HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5"));
    context.setValidationContext(ValidationContextFactory.noValidation());
    // HAPI's default id generator keeps a file in the working directory.
    context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
    return context.getPipeParser();
  }

  /**
   * Parses a message.
   *
   * @throws Hl7v2MappingException {@code HUB-0901} when HAPI cannot parse it, {@code HUB-0902} for
   *     an unknown MSH-18, {@code HUB-0903} for bytes invalid in the declared character set
   */
  public Message read(byte[] raw) throws Hl7v2MappingException {
    Objects.requireNonNull(raw, "raw");
    String text = decode(raw);
    try {
      return parser.parse(text);
    } catch (HL7Exception e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.NOT_PARSABLE,
          e.getLocation() == null ? null : e.getLocation().toString(),
          "not an HL7 v2 message the hub can parse: " + firstLine(e.getMessage()),
          e);
    }
  }

  /** The message's text: its bytes decoded in its character set, segments separated by CR. */
  public String decode(byte[] raw) throws Hl7v2MappingException {
    byte[] bytes = unframe(raw);
    Er7Charset charset = charsetOf(bytes);
    String text;
    try {
      text =
          charset
              .charset()
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MALFORMED_BYTES,
          "MSH-18",
          "the message's bytes are not valid " + charset.charset().name(),
          e);
    }
    return text.replace("\r\n", "\r").replace('\n', '\r');
  }

  /**
   * The character set of a message: MSH-18's, or, when empty, ISO-8859-1 (UTF-8 for bytes that are
   * well-formed multi-byte UTF-8).
   */
  public Er7Charset charsetOf(byte[] raw) throws Hl7v2MappingException {
    byte[] bytes = unframe(raw);
    // MSH is ASCII in every character set read here: ISO-8859-1 reads it byte for byte.
    String header = new String(bytes, 0, headerLength(bytes), StandardCharsets.ISO_8859_1);
    if (!header.startsWith("MSH") || header.length() < 8) {
      throw new Hl7v2MappingException(
          Hl7v2Error.NOT_PARSABLE, "MSH", "the message does not start with an MSH segment");
    }
    String declared;
    try {
      String[] fields = PreParser.getFields(header, "MSH-18");
      declared = fields.length == 0 || fields[0] == null ? "" : fields[0].trim();
    } catch (HL7Exception e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.NOT_PARSABLE, "MSH", "the MSH segment cannot be read", e);
    }
    if (declared.isEmpty()) {
      return isMultiByteUtf8(bytes) ? Er7Charset.UTF_8 : Er7Charset.ISO_8859_1;
    }
    String value = declared;
    return Er7Charset.ofMsh18(value)
        .orElseThrow(
            () ->
                new Hl7v2MappingException(
                    Hl7v2Error.UNSUPPORTED_CHARSET,
                    "MSH-18",
                    "character set '"
                        + value
                        + "' is not read by the hub (8859/1, 8859/15, ASCII or UNICODE UTF-8)"));
  }

  /** The bytes without MLLP framing and UTF-8 byte-order mark. */
  private static byte[] unframe(byte[] raw) {
    int start = 0;
    int end = raw.length;
    if (start < end && raw[start] == MLLP_START) {
      start++;
    }
    if (end - start >= 3
        && (raw[start] & 0xff) == 0xef
        && (raw[start + 1] & 0xff) == 0xbb
        && (raw[start + 2] & 0xff) == 0xbf) {
      start += 3;
    }
    int frameEnd = end;
    for (int i = start; i < end; i++) {
      if (raw[i] == MLLP_END) {
        frameEnd = i;
        break;
      }
    }
    end = frameEnd;
    if (start == 0 && end == raw.length) {
      return raw;
    }
    byte[] bytes = new byte[end - start];
    System.arraycopy(raw, start, bytes, 0, bytes.length);
    return bytes;
  }

  private static int headerLength(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\r' || bytes[i] == '\n') {
        return i;
      }
    }
    return bytes.length;
  }

  private static boolean isMultiByteUtf8(byte[] bytes) {
    boolean multiByte = false;
    for (byte b : bytes) {
      if (b < 0) {
        multiByte = true;
        break;
      }
    }
    if (!multiByte) {
      return false;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int end = message.indexOf('\n');
    String line = end < 0 ? message : message.substring(0, end);
    // HAPI quotes the start of the message; the hub never repeats message content.
    int quote = line.indexOf("The following is the first");
    return (quote < 0 ? line : line.substring(0, quote)).trim();
  }
}
