package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v25.datatype.CNN;
import ca.uhn.hl7v2.model.v25.datatype.XCN;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;

/**
 * A professional's national id in XCN and CNN fields, both ways. French HL7 v2 writes the IDNPS as
 * XCN.1 with the assigning authority {@code ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO} (XCN.9) and the
 * type {@code IDNPS} or {@code RPPS} (XCN.13); an 11-digit RPPS number gains its {@code 8} prefix,
 * as everywhere in the hub.
 */
final class ProfessionalIdentifier {

  static final String NAMESPACE = "ASIP-SANTE-PS";
  private static final String IDNPS_OID = FrIdentifiers.IDNPS.substring("urn:oid:".length());

  private ProfessionalIdentifier() {}

  static Optional<Identifier> idnps(XCN xcn) {
    return idnps(
        xcn.getIDNumber().getValue(),
        xcn.getAssigningAuthority().getNamespaceID().getValue(),
        xcn.getAssigningAuthority().getUniversalID().getValue(),
        xcn.getIdentifierTypeCode().getValue());
  }

  static Optional<Identifier> idnps(CNN cnn) {
    return idnps(
        cnn.getIDNumber().getValue(),
        cnn.getAssigningAuthorityNamespaceID().getValue(),
        cnn.getAssigningAuthorityUniversalID().getValue(),
        null);
  }

  private static Optional<Identifier> idnps(
      String id, String namespace, String oid, String typeCode) {
    String value = Codes.trim(id);
    if (value == null) {
      return Optional.empty();
    }
    String type = typeCode == null ? "" : typeCode.trim().toUpperCase(Locale.ROOT);
    boolean national =
        IDNPS_OID.equals(Codes.trim(oid))
            || FrIdentifiers.IDNPS.equals(Codes.trim(oid))
            || NAMESPACE.equals(Codes.trim(namespace))
            || type.equals(FrIdentifiers.TYPE_IDNPS)
            || type.equals(FrIdentifiers.TYPE_RPPS);
    if (!national) {
      return Optional.empty();
    }
    if (value.matches("\\d{11}")) {
      value = FrIdentifiers.IDNPS_RPPS_PREFIX + value;
    }
    return Optional.of(
        new Identifier()
            .setSystem(FrIdentifiers.IDNPS)
            .setValue(value)
            .setType(Codes.concept(FrIdentifiers.TYPE_SYSTEM, FrIdentifiers.TYPE_IDNPS)));
  }

  /** A logical reference to the professional by IDNPS, with the name as display. */
  static Reference reference(Identifier idnps, String family, String given) {
    Reference reference = new Reference().setIdentifier(idnps);
    String display = String.join(" ", nonBlank(given), nonBlank(family)).trim();
    if (!display.isEmpty()) {
      reference.setDisplay(display);
    }
    return reference;
  }

  private static String nonBlank(String value) {
    return value == null ? "" : value.trim();
  }

  /**
   * Writes a Practitioner as an XCN: IDNPS, official name, the national assigning authority.
   *
   * @return false when the Practitioner has no IDNPS
   */
  static boolean write(Practitioner practitioner, XCN xcn) throws HL7Exception {
    Optional<Identifier> idnps =
        practitioner.getIdentifier().stream()
            .filter(i -> FrIdentifiers.IDNPS.equals(i.getSystem()) && i.hasValue())
            .findFirst();
    if (idnps.isEmpty()) {
      return false;
    }
    xcn.getIDNumber().setValue(idnps.get().getValue());
    if (practitioner.hasName()) {
      var name = practitioner.getNameFirstRep();
      xcn.getFamilyName().getSurname().setValue(name.getFamily());
      if (name.hasGiven()) {
        xcn.getGivenName().setValue(name.getGiven().get(0).getValue());
      }
      if (name.hasPrefix()) {
        xcn.getPrefixEgDR().setValue(name.getPrefix().get(0).getValue());
      }
    }
    xcn.getAssigningAuthority().getNamespaceID().setValue(NAMESPACE);
    xcn.getAssigningAuthority().getUniversalID().setValue(IDNPS_OID);
    xcn.getAssigningAuthority().getUniversalIDType().setValue("ISO");
    xcn.getNameTypeCode().setValue("D");
    xcn.getIdentifierTypeCode().setValue(FrIdentifiers.TYPE_IDNPS);
    return true;
  }
}
