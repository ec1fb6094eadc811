package fr.cpts.hub.server.fhir;

/** Extension URLs from FR Core and from FHIR R5 (cross-version) used by the SAS flows. */
public final class FrExtensions {

  /** INSEE commune code on an Address (FR Core), valueCoding from TRE_R13. */
  public static final String ADDRESS_INSEE_CODE =
      "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code";

  /** R5 Slot.serviceType as a reference to a HealthcareService (SAS CPTS flow). */
  public static final String SLOT_SERVICE_TYPE_REFERENCE =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType";

  private FrExtensions() {}
}
