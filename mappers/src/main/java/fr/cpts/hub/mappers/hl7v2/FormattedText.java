package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.parser.DefaultEscaping;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escaping;
import java.util.regex.Pattern;

/**
 * Free text of TX, FT and ST fields, both ways. Reading: the field's escaped form is split on the
 * formatting sequences ({@code \.br\} and {@code \.sp\} become line breaks, the others are
 * dropped), then each piece is unescaped by HAPI ({@code \F\ \S\ \T\ \R\ \E\}); working on the
 * escaped form means an escaped backslash ({@code \E\}) can never be taken for a formatting
 * sequence. Writing: line breaks become {@code \.br\}, which HAPI keeps as it is while escaping the
 * delimiters.
 */
final class FormattedText {

  private static final Escaping ESCAPING = new DefaultEscaping();
  private static final Pattern FORMATTING =
      Pattern.compile(
          "\\.br|\\.sp[+-]?\\d*|\\.in[+-]?\\d*|\\.ti[+-]?\\d*|\\.sk[+-]?\\d*|\\.ce|\\.fi|\\.nf|H|N");

  private FormattedText() {}

  /** The text of a field, with line breaks for {@code \.br\}; empty for an empty field. */
  static String read(Type field) throws HL7Exception {
    EncodingCharacters encoding = EncodingCharacters.getInstance(field.getMessage());
    return read(field.encode(), encoding);
  }

  static String read(String escaped, EncodingCharacters encoding) {
    char esc = encoding.getEscapeCharacter();
    StringBuilder text = new StringBuilder();
    StringBuilder piece = new StringBuilder();
    int i = 0;
    while (i < escaped.length()) {
      char c = escaped.charAt(i);
      int close = c == esc ? escaped.indexOf(esc, i + 1) : -1;
      if (close < 0) {
        piece.append(c);
        i++;
        continue;
      }
      // One escape sequence, read as a whole: \E\ can never open a following one.
      String sequence = escaped.substring(i + 1, close);
      if (FORMATTING.matcher(sequence).matches()) {
        text.append(ESCAPING.unescape(piece.toString(), encoding));
        piece.setLength(0);
        if (sequence.equals(".br") || sequence.startsWith(".sp")) {
          text.append('\n');
        }
      } else {
        piece.append(escaped, i, close + 1);
      }
      i = close + 1;
    }
    text.append(ESCAPING.unescape(piece.toString(), encoding));
    return text.toString();
  }

  /** Text to set on a TX or FT field: its line breaks as {@code \.br\}. */
  static String write(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\\.br\\");
  }
}
