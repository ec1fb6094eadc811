package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v25.datatype.CX;
import ca.uhn.hl7v2.model.v25.segment.PID;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Identifier.IdentifierUse;
import org.hl7.fhir.r4.model.Reference;

/**
 * The patient's INS in PID-3, both ways. In French HL7 v2 (IHE PAM France) the INS is one
 * repetition of PID-3 whose assigning authority (CX.4) carries the INS OID as universal id: {@code
 * 279035612345678^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS}; other repetitions (the RIS's
 * own patient number, IPP) are ignored. Synthetic data uses the test ({@code .10}) and demo ({@code
 * .11}) systems.
 */
final class InsIdentifier {

  /** The INS systems, in the order one is preferred when PID-3 holds several. */
  private record Ins(String system, String namespace, String type, IdentifierUse use) {}

  private static final List<Ins> SYSTEMS =
      List.of(
          new Ins(
              FrIdentifiers.INS_NIR,
              "ASIP-SANTE-INS-NIR",
              FrIdentifiers.TYPE_INS_NIR,
              IdentifierUse.OFFICIAL),
          new Ins(
              FrIdentifiers.INS_NIR_TEST,
              "ASIP-SANTE-INS-NIR-TEST",
              FrIdentifiers.TYPE_INS_NIR_TEST,
              IdentifierUse.OFFICIAL),
          new Ins(
              FrIdentifiers.INS_NIR_DEMO,
              "ASIP-SANTE-INS-NIR-DEMO",
              FrIdentifiers.TYPE_INS_NIR_DEMO,
              IdentifierUse.OFFICIAL),
          new Ins(
              FrIdentifiers.INS_NIA,
              "ASIP-SANTE-INS-NIA",
              FrIdentifiers.TYPE_INS_NIA,
              IdentifierUse.TEMP));

  private static final String OID = "urn:oid:";

  private InsIdentifier() {}

  /**
   * The INS of PID-3 as a conditional reference to the hub's Patient ({@code
   * Patient?identifier=<INS system>|<value>}).
   *
   * @throws Hl7v2MappingException {@code HUB-0907} when no repetition carries an INS OID
   */
  static Reference patientReference(PID pid) throws Hl7v2MappingException {
    Identifier ins = fromPid(pid);
    return new Reference("Patient?" + Conditional.identifier(ins.getSystem(), ins.getValue()));
  }

  static Identifier fromPid(PID pid) throws Hl7v2MappingException {
    CX[] repetitions = pid.getPatientIdentifierList();
    for (Ins ins : SYSTEMS) {
      for (CX cx : repetitions) {
        String oid = cx.getAssigningAuthority().getUniversalID().getValue();
        String value = cx.getIDNumber().getValue();
        if (oid != null && value != null && !value.isBlank() && matches(ins, oid.trim())) {
          return new Identifier()
              .setUse(ins.use())
              .setSystem(ins.system())
              .setValue(value.trim())
              .setType(Codes.concept(FrIdentifiers.TYPE_SYSTEM, ins.type()));
        }
      }
    }
    throw new Hl7v2MappingException(
        Hl7v2Error.NO_INS,
        "PID-3",
        "none of the "
            + repetitions.length
            + " patient identifiers is an INS (assigning authority universal id "
            + FrIdentifiers.INS_NIR.substring(OID.length())
            + " or its test, demo or NIA systems)");
  }

  private static boolean matches(Ins ins, String oid) {
    String bare = oid.startsWith(OID) ? oid.substring(OID.length()) : oid;
    return ins.system().equals(OID + bare);
  }

  /** Writes a Patient's INS as a PID-3 repetition. */
  static boolean write(List<Identifier> identifiers, CX cx) throws HL7Exception {
    for (Ins ins : SYSTEMS) {
      Optional<Identifier> found =
          identifiers.stream()
              .filter(i -> ins.system().equals(i.getSystem()) && i.hasValue())
              .findFirst();
      if (found.isPresent()) {
        cx.getIDNumber().setValue(found.get().getValue());
        cx.getAssigningAuthority().getNamespaceID().setValue(ins.namespace());
        cx.getAssigningAuthority().getUniversalID().setValue(ins.system().substring(OID.length()));
        cx.getAssigningAuthority().getUniversalIDType().setValue("ISO");
        cx.getIdentifierTypeCode().setValue("INS");
        return true;
      }
    }
    return false;
  }
}
