package fr.cpts.hub.mappers.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.parser.EncodingCharacters;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The character set rules of {@link Hl7v2Reader} and the text rules of {@link FormattedText}. */
class Hl7v2ReaderTest {

  static final String MSH = "MSH|^~\\&|RIS|MIM|HUB|CPTS|20261202110000||ORU^R01|1|P|2.5";
  final Hl7v2Reader reader = new Hl7v2Reader();

  @Test
  void charsetOf_withoutMsh18_isIso88591_forLatin1Bytes() throws Exception {
    byte[] raw = (MSH + "\rPID|1||||Hélène\r").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(reader.charsetOf(raw)).isEqualTo(Er7Charset.ISO_8859_1);
    assertThat(reader.decode(raw)).contains("Hélène");
  }

  @Test
  void charsetOf_withoutMsh18_isAscii_readAsIso88591() throws Exception {
    byte[] raw = (MSH + "\rPID|1\r").getBytes(StandardCharsets.US_ASCII);
    assertThat(reader.charsetOf(raw)).isEqualTo(Er7Charset.ISO_8859_1);
  }

  @Test
  void charsetOf_declaredLatin1_winsOverBytesThatLookUtf8() throws Exception {
    byte[] raw = (MSH + "|||||FRA|8859/1\rPID|1||||Hélène\r").getBytes(StandardCharsets.UTF_8);
    assertThat(reader.charsetOf(raw)).isEqualTo(Er7Charset.ISO_8859_1);
    assertThat(reader.decode(raw)).contains("HÃ©lÃ¨ne");
  }

  @Test
  void read_stripsByteOrderMark_andAcceptsLineFeeds() throws Exception {
    byte[] text =
        (MSH + "|||||FRA|UNICODE UTF-8\nPID|1||||Hélène\n").getBytes(StandardCharsets.UTF_8);
    byte[] raw = new byte[text.length + 3];
    raw[0] = (byte) 0xef;
    raw[1] = (byte) 0xbb;
    raw[2] = (byte) 0xbf;
    System.arraycopy(text, 0, raw, 3, text.length);
    assertThat(reader.read(raw).encode()).contains("\rPID|1||||Hélène");
  }

  @Test
  void read_mshWithoutTriggerEvent_isHub0901() {
    byte[] raw = "MSH|^~\\&|RIS|MIM|HUB|CPTS|20261202||ORU|1|P|2.5\rPID|1\r".getBytes();
    assertThatThrownBy(() -> reader.read(raw))
        .isInstanceOf(Hl7v2MappingException.class)
        .hasMessageStartingWith("HUB-0901");
  }

  @Test
  void formattedText_escapedBackslashBeforeDotBr_isNotALineBreak() {
    EncodingCharacters encoding = new EncodingCharacters('|', "^~\\&");
    assertThat(FormattedText.read("a\\E\\.br\\E\\b\\.br\\c\\H\\d\\N\\", encoding))
        .isEqualTo("a\\.br\\b\ncd");
  }

  @Test
  void formattedText_write_turnsLineBreaksIntoDotBr() {
    assertThat(FormattedText.write("un\r\ndeux\ntrois")).isEqualTo("un\\.br\\deux\\.br\\trois");
  }
}
