package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v25.datatype.CE;
import fr.cpts.hub.profiles.FrCodeSystems;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Coded values (CE) both ways. The HL7 v2 names of coding systems (table 0396) the hub knows are
 * turned into FHIR system URLs: {@code LN} LOINC, {@code SCT} SNOMED CT, {@code DCM} DICOM; a code
 * of another system keeps its code and text, without system.
 */
final class Codes {

  private static final Map<String, String> SYSTEMS =
      Map.of(
          "LN", FrCodeSystems.LOINC,
          "SCT", FrCodeSystems.SNOMED_CT,
          "SNM", FrCodeSystems.SNOMED_CT,
          "DCM", FrCodeSystems.DICOM_DCM);

  private Codes() {}

  static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  static boolean isEmpty(CE ce) {
    return blank(ce.getIdentifier().getValue()) && blank(ce.getText().getValue());
  }

  /** A CE as a CodeableConcept: its first triplet as coding, its text as text. */
  static CodeableConcept concept(CE ce) {
    CodeableConcept concept = new CodeableConcept();
    String code = trim(ce.getIdentifier().getValue());
    String text = trim(ce.getText().getValue());
    if (code != null) {
      Coding coding = concept.addCoding().setCode(code).setDisplay(text);
      String system = trim(ce.getNameOfCodingSystem().getValue());
      if (system != null) {
        coding.setSystem(SYSTEMS.get(system.toUpperCase(Locale.ROOT)));
      }
    }
    String altCode = trim(ce.getAlternateIdentifier().getValue());
    if (altCode != null) {
      Coding coding =
          concept.addCoding().setCode(altCode).setDisplay(trim(ce.getAlternateText().getValue()));
      String system = trim(ce.getNameOfAlternateCodingSystem().getValue());
      if (system != null) {
        coding.setSystem(SYSTEMS.get(system.toUpperCase(Locale.ROOT)));
      }
    }
    if (text != null) {
      concept.setText(text);
    }
    return concept;
  }

  /** A CodeableConcept as a CE: the first coding of a known system, else the text alone. */
  static void write(CodeableConcept concept, CE ce) throws HL7Exception {
    for (Coding coding : concept.getCoding()) {
      String name = nameOf(coding.getSystem());
      if (name != null && coding.hasCode()) {
        ce.getIdentifier().setValue(coding.getCode());
        ce.getText().setValue(concept.hasText() ? concept.getText() : coding.getDisplay());
        ce.getNameOfCodingSystem().setValue(name);
        return;
      }
    }
    String text =
        concept.hasText()
            ? concept.getText()
            : concept.getCoding().stream()
                .filter(Coding::hasDisplay)
                .map(Coding::getDisplay)
                .findFirst()
                .orElse(null);
    ce.getText().setValue(text);
  }

  /** The table 0396 name of a FHIR system, or null. */
  static String nameOf(String system) {
    if (system == null) {
      return null;
    }
    return switch (system) {
      case FrCodeSystems.LOINC -> "LN";
      case FrCodeSystems.SNOMED_CT -> "SCT";
      case FrCodeSystems.DICOM_DCM -> "DCM";
      default -> null;
    };
  }

  static String trim(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
