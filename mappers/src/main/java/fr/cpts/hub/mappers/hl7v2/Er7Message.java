package fr.cpts.hub.mappers.hl7v2;

import java.util.Arrays;
import java.util.Objects;

/**
 * An encoded HL7 v2 message: its ER7 text (segments ended by CR) and its bytes in the character set
 * its MSH-18 names.
 */
public final class Er7Message {

  private final String text;
  private final Er7Charset charset;
  private final byte[] bytes;

  Er7Message(String text, Er7Charset charset, byte[] bytes) {
    this.text = Objects.requireNonNull(text, "text");
    this.charset = Objects.requireNonNull(charset, "charset");
    this.bytes = bytes.clone();
  }

  public String text() {
    return text;
  }

  public Er7Charset charset() {
    return charset;
  }

  /** The bytes to send (without MLLP framing). */
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Er7Message m && m.charset == charset && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return 31 * charset.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    // Never the content: it holds personal data.
    return "Er7Message[" + charset + ", " + bytes.length + " bytes]";
  }
}
