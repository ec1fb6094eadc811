package fr.cpts.hub.mappers.hl7v2;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The character sets of ER7 messages the hub reads and writes, with their MSH-18 names (HL7 table
 * 0211). French radiology systems send ISO-8859-1 ({@code 8859/1}), the usual default when MSH-18
 * is empty, or UTF-8 ({@code UNICODE UTF-8}).
 */
public enum Er7Charset {
  ISO_8859_1("8859/1", StandardCharsets.ISO_8859_1),
  ISO_8859_15("8859/15", Charset.forName("ISO-8859-15")),
  ASCII("ASCII", StandardCharsets.US_ASCII),
  UTF_8("UNICODE UTF-8", StandardCharsets.UTF_8);

  private final String msh18;
  private final Charset charset;

  Er7Charset(String msh18, Charset charset) {
    this.msh18 = msh18;
    this.charset = charset;
  }

  /** The MSH-18 value written for this character set. */
  public String msh18() {
    return msh18;
  }

  public Charset charset() {
    return charset;
  }

  /**
   * The character set an MSH-18 value names: the table 0211 names, and the spellings met in the
   * field ({@code UTF-8}, {@code ISO-8859-1}, {@code ISO_IR 100}...), case and spaces ignored.
   */
  public static Optional<Er7Charset> ofMsh18(String value) {
    String name = value.trim().toUpperCase(Locale.ROOT).replaceAll("[\\s_-]+", " ");
    return switch (name) {
      case "8859/1", "ISO 8859 1", "ISO8859 1", "ISO IR 100", "ISO IR100", "LATIN1", "LATIN 1" ->
          Optional.of(ISO_8859_1);
      case "8859/15", "ISO 8859 15", "ISO8859 15", "ISO IR 203" -> Optional.of(ISO_8859_15);
      case "ASCII", "ISO IR 6", "ISO IR6", "US ASCII" -> Optional.of(ASCII);
      case "UNICODE UTF 8", "UTF 8", "UTF8", "ISO IR 192" -> Optional.of(UTF_8);
      default -> Optional.empty();
    };
  }
}
