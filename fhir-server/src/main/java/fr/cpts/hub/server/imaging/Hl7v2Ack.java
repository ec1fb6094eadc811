package fr.cpts.hub.server.imaging;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.v25.message.ACK;
import ca.uhn.hl7v2.model.v25.segment.ERR;
import ca.uhn.hl7v2.model.v25.segment.MSA;
import ca.uhn.hl7v2.model.v25.segment.MSH;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The acknowledgement the listener answers (HL7 v2.5 original mode): MSA-1 {@code AA} when the
 * message was applied, {@code AE} when its content is in error (it cannot be mapped, or the hub
 * refused the resources), {@code AR} when it is rejected whatever its content (a message type the
 * hub does not take, an unknown sender, the hub unable to process it now). A negative
 * acknowledgement says why twice: in MSA-3 (read by older systems) and in an ERR segment with the
 * segment and field to blame (ERR-2), the HL7 error code (ERR-3, table 0357), the severity (ERR-4),
 * the hub's stable code (ERR-5, {@code HUB-09xx}) and the full reason (ERR-7).
 *
 * <p>The acknowledgement is plain ASCII (any other character of a reason becomes {@code ?}), so
 * that it reads the same in whichever character set the sender expects. Thread-safe.
 */
public final class Hl7v2Ack {

  /** MSA-1, table 0008. */
  public enum Code {
    AA,
    AE,
    AR
  }

  /**
   * Why a message was not accepted.
   *
   * @param code AE or AR
   * @param hubCode the stable {@code HUB-09xx} code
   * @param hl7ErrorCode the HL7 error code of table 0357 ({@code 100}, {@code 101}, {@code 207}...)
   * @param location the segment and field to blame ({@code OBR-25}, {@code OBX[2]-5}), or null
   * @param text the reason, as the hub words it, without the code
   */
  public record Error(
      Code code, String hubCode, String hl7ErrorCode, String location, String text) {
    public Error {
      Objects.requireNonNull(code, "code");
      if (code == Code.AA) {
        throw new IllegalArgumentException("an error is AE or AR");
      }
      Objects.requireNonNull(hubCode, "hubCode");
      Objects.requireNonNull(hl7ErrorCode, "hl7ErrorCode");
      Objects.requireNonNull(text, "text");
    }
  }

  /** MSA-3 is ST 80 in v2.5. */
  static final int MSA3_LENGTH = 80;

  private static final int ERR7_LENGTH = 2048;
  private static final Pattern LOCATION =
      Pattern.compile("([A-Z][A-Z0-9]{2})(?:\\[(\\d+)])?(?:-(\\d+))?(?:\\.(\\d+))?");
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

  private final HapiContext context;

  public Hl7v2Ack() {
    context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5"));
    context.setValidationContext(ValidationContextFactory.noValidation());
    context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
  }

  /** AA: the message was applied (or had been, when sent again). */
  public String accepted(Hl7v2Header message, String ackControlId, Instant now, ZoneId zone) {
    return encode(message, Code.AA, null, ackControlId, now, zone);
  }

  /** AE or AR, with the reason. */
  public String refused(
      Hl7v2Header message, Error error, String ackControlId, Instant now, ZoneId zone) {
    return encode(message, error.code(), error, ackControlId, now, zone);
  }

  private String encode(
      Hl7v2Header in, Code code, Error error, String ackControlId, Instant now, ZoneId zone) {
    try {
      ACK ack = new ACK();
      ack.setParser(context.getPipeParser());
      MSH msh = ack.getMSH();
      msh.getFieldSeparator().setValue("|");
      msh.getEncodingCharacters().setValue("^~\\&");
      // The hub answers as the application the message was addressed to.
      msh.getSendingApplication().getNamespaceID().setValue(orDefault(in.receivingApplication()));
      msh.getSendingFacility().getNamespaceID().setValue(ascii(in.receivingFacility(), 100));
      msh.getReceivingApplication().getNamespaceID().setValue(ascii(in.sendingApplication(), 100));
      msh.getReceivingFacility().getNamespaceID().setValue(ascii(in.sendingFacility(), 100));
      msh.getDateTimeOfMessage().getTime().setValue(TS.format(now.atZone(zone)));
      msh.getMessageType().getMessageCode().setValue("ACK");
      msh.getMessageType().getTriggerEvent().setValue(ascii(in.triggerEvent(), 3));
      msh.getMessageType().getMessageStructure().setValue("ACK");
      msh.getMessageControlID().setValue(ascii(ackControlId, 20));
      msh.getProcessingID()
          .getProcessingID()
          .setValue(in.processingId().isEmpty() ? "P" : ascii(in.processingId(), 1));
      msh.getVersionID().getVersionID().setValue("2.5");

      MSA msa = ack.getMSA();
      msa.getAcknowledgmentCode().setValue(code.name());
      msa.getMessageControlID().setValue(ascii(in.controlId(), 20));
      if (error != null) {
        String reason = error.hubCode() + ": " + error.text();
        msa.getTextMessage().setValue(ascii(reason, MSA3_LENGTH));
        ERR err = ack.getERR();
        if (error.location() != null) {
          Matcher location = LOCATION.matcher(error.location());
          if (location.matches()) {
            err.getErrorLocation(0).getSegmentID().setValue(location.group(1));
            err.getErrorLocation(0)
                .getSegmentSequence()
                .setValue(location.group(2) == null ? "1" : location.group(2));
            if (location.group(3) != null) {
              err.getErrorLocation(0).getFieldPosition().setValue(location.group(3));
            }
            if (location.group(4) != null) {
              err.getErrorLocation(0).getComponentNumber().setValue(location.group(4));
            }
          }
        }
        err.getHL7ErrorCode().getIdentifier().setValue(error.hl7ErrorCode());
        err.getHL7ErrorCode().getNameOfCodingSystem().setValue("HL70357");
        err.getSeverity().setValue("E");
        err.getApplicationErrorCode().getIdentifier().setValue(error.hubCode());
        err.getApplicationErrorCode().getNameOfCodingSystem().setValue("CPTS-HUB");
        err.getDiagnosticInformation().setValue(ascii(reason, ERR7_LENGTH));
      }
      return ack.encode();
    } catch (HL7Exception e) {
      throw new IllegalStateException("the acknowledgement cannot be encoded", e);
    }
  }

  private static String orDefault(String receivingApplication) {
    return receivingApplication.isEmpty() ? "CPTS-HUB" : ascii(receivingApplication, 100);
  }

  /** Printable ASCII only; separators and escape characters of ER7 are escaped by HAPI. */
  static String ascii(String value, int max) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), max));
    for (int i = 0; i < value.length() && out.length() < max; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : (c == '\n' || c == '\r' || c == '\t') ? ' ' : '?');
    }
    return out.toString();
  }
}
