package fr.cpts.hub.mappers.hl7v2;

/**
 * Why an HL7 v2 message could not be mapped, each with a stable {@code HUB-09xx} code that the MLLP
 * listener quotes in its negative acknowledgement and that tests assert.
 */
public enum Hl7v2Error {
  /** The bytes are not an HL7 v2 ER7 message HAPI can parse (no MSH, bad MSH-9, broken segment). */
  NOT_PARSABLE("HUB-0901"),
  /** MSH-18 names a character set the hub does not read. */
  UNSUPPORTED_CHARSET("HUB-0902"),
  /** The bytes are not valid in the character set MSH-18 declares. */
  MALFORMED_BYTES("HUB-0903"),
  /** MSH-9 is not a message type (or trigger event) this mapper handles. */
  WRONG_MESSAGE_TYPE("HUB-0904"),
  /** A segment the mapping needs is absent. */
  MISSING_SEGMENT("HUB-0905"),
  /** A field the mapping needs is empty. */
  MISSING_FIELD("HUB-0906"),
  /** PID-3 holds no identifier of an INS system (INS-NIR, its test and demo systems, INS-NIA). */
  NO_INS("HUB-0907"),
  /** A field holds a value the mapping cannot read (a date, a UID, a code, base64 data). */
  INVALID_VALUE("HUB-0908"),
  /**
   * A FHIR resource lacks what the outgoing HL7 v2 message needs, or holds what it cannot carry.
   */
  CANNOT_ENCODE("HUB-0909");

  private final String code;

  Hl7v2Error(String code) {
    this.code = code;
  }

  /** The stable code, {@code HUB-09xx}. */
  public String code() {
    return code;
  }
}
