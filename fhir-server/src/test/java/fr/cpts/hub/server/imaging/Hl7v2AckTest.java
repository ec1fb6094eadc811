package fr.cpts.hub.server.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.mappers.MappingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The acknowledgements the MLLP listener answers, and the header it reads them from. */
class Hl7v2AckTest {

  static final byte[] ORU =
      ("MSH|^~\\&|RIS-GOLFE^1.2.250.1.999^ISO|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS-GOLFE|20261202110500||"
              + "ORU^R01^ORU_R01|RIS-20261202-0001|P|2.5|||||FRA|8859/1\r"
              + "PID|1||279035612345678^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS||"
              + "MORVAN^Jeanne\r")
          .getBytes(StandardCharsets.ISO_8859_1);

  static final Instant NOW = Instant.parse("2026-12-02T10:06:00Z");

  private final Hl7v2Ack acks = new Hl7v2Ack();

  @Test
  void header_isReadFromTheRawBytes_firstComponentsOnly() {
    Hl7v2Header header = Hl7v2Header.read(ORU);

    assertThat(header)
        .isEqualTo(
            new Hl7v2Header(
                "RIS-GOLFE",
                "RADIOLOGIE-GOLFE",
                "CPTS-HUB",
                "CPTS-GOLFE",
                "ORU",
                "R01",
                "RIS-20261202-0001",
                "P"));
    assertThat(header.type()).isEqualTo("ORU^R01");
  }

  @Test
  void header_ofBytesThatAreNotHl7_isEmpty_neverAnError() {
    Hl7v2Header header = Hl7v2Header.read("bonjour".getBytes(StandardCharsets.UTF_8));

    assertThat(header.controlId()).isEmpty();
    assertThat(header.sendingApplication()).isEmpty();
    assertThat(header.type()).isEmpty();
  }

  @Test
  void accepted_isAnAaAnsweringTheControlId_fromTheAddressedApplication() {
    String ack = acks.accepted(Hl7v2Header.read(ORU), "ACK0001", NOW, MappingContext.PARIS);

    assertThat(ack.split("\r"))
        .containsExactly(
            "MSH|^~\\&|CPTS-HUB|CPTS-GOLFE|RIS-GOLFE|RADIOLOGIE-GOLFE|20261202110600+0100||"
                + "ACK^R01^ACK|ACK0001|P|2.5",
            "MSA|AA|RIS-20261202-0001");
  }

  @Test
  void refused_carriesTheReasonInMsa3_andInErr_withTheSegmentAndField() {
    Hl7v2Ack.Error error =
        new Hl7v2Ack.Error(
            Hl7v2Ack.Code.AE,
            "HUB-0908",
            "102",
            "OBX[2]-5",
            "not a DICOM modality code (CT, US, MR...)");

    String ack = acks.refused(Hl7v2Header.read(ORU), error, "ACK0002", NOW, MappingContext.PARIS);

    String[] segments = ack.split("\r");
    assertThat(segments).hasSize(3);
    assertThat(segments[1])
        .isEqualTo("MSA|AE|RIS-20261202-0001|HUB-0908: not a DICOM modality code (CT, US, MR...)");
    assertThat(segments[2])
        .isEqualTo(
            "ERR||OBX^2^5|102^^HL70357|E|HUB-0908^^CPTS-HUB||"
                + "HUB-0908: not a DICOM modality code (CT, US, MR...)");
  }

  @Test
  void refused_isAscii_escapesSeparators_andCutsMsa3At80Characters() {
    String reason = "Échographie | refusée ^ " + "x".repeat(200);
    Hl7v2Ack.Error error = new Hl7v2Ack.Error(Hl7v2Ack.Code.AR, "HUB-0910", "207", null, reason);

    String ack = acks.refused(Hl7v2Header.read(ORU), error, "ACK0003", NOW, MappingContext.PARIS);

    assertThat(ack).matches("[\\x20-\\x7e\\r]*");
    String msa = ack.split("\r")[1];
    assertThat(msa)
        .startsWith("MSA|AR|RIS-20261202-0001|HUB-0910: ?chographie \\F\\ refus?e \\S\\ x");
    String text = msa.substring("MSA|AR|RIS-20261202-0001|".length());
    assertThat(text.replace("\\F\\", "|").replace("\\S\\", "^")).hasSize(Hl7v2Ack.MSA3_LENGTH);
    assertThat(ack.split("\r")[2]).startsWith("ERR|||207^^HL70357|E|HUB-0910^^CPTS-HUB||");
  }

  @Test
  void refused_ofAMessageWithoutHeader_stillAnswers_asTheHub() {
    Hl7v2Ack.Error error =
        new Hl7v2Ack.Error(Hl7v2Ack.Code.AE, "HUB-0901", "100", "MSH", "no MSH segment");

    String ack =
        acks.refused(
            Hl7v2Header.read(new byte[] {1, 2, 3}), error, "ACK0004", NOW, MappingContext.PARIS);

    assertThat(ack.split("\r")[0])
        .isEqualTo("MSH|^~\\&|CPTS-HUB||||20261202110600+0100||ACK^^ACK|ACK0004|P|2.5");
    assertThat(ack.split("\r")[1]).startsWith("MSA|AE||HUB-0901");
  }
}
