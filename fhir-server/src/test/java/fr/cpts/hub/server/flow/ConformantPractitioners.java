package fr.cpts.hub.server.flow;

import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrIdentifiers;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Practitioner;

/** The smallest Practitioner the hub's profile accepts: a typed IDNPS, a name, a profession. */
final class ConformantPractitioners {

  private ConformantPractitioners() {}

  static Practitioner of(String idnps, String family, String given) {
    Practitioner practitioner = new Practitioner();
    practitioner
        .addIdentifier()
        .setSystem(FrIdentifiers.IDNPS)
        .setValue(idnps)
        .setType(new CodeableConcept(new Coding(FrIdentifiers.TYPE_SYSTEM, "IDNPS", null)));
    practitioner.addName().setFamily(family).addGiven(given);
    practitioner.setActive(true);
    practitioner
        .addQualification()
        .setCode(
            new CodeableConcept(
                new Coding(
                    FrCodeSystems.TRE_G15_PROFESSION,
                    FrCodeSystems.PROFESSION_MEDECIN,
                    "Médecin")));
    return practitioner;
  }
}
