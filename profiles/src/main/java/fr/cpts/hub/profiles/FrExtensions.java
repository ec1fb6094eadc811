package fr.cpts.hub.profiles;

/** Extension URLs from FR Core and from FHIR R5 (cross-version) used by the hub, written once. */
public final class FrExtensions {

  private static final String FR_CORE = "https://hl7.fr/ig/fhir/core/StructureDefinition/";

  /** INSEE commune code on an Address (FR Core), valueCoding from TRE_R13. */
  public static final String ADDRESS_INSEE_CODE = FR_CORE + "fr-core-address-insee-code";

  /** Availability of a Schedule as periods with an iCal recurrence rule (FR Core). */
  public static final String SCHEDULE_AVAILABILITY_TIME =
      FR_CORE + "fr-core-schedule-availability-time";

  /** Reliability of a patient's identity (FR Core INS). */
  public static final String IDENTITY_RELIABILITY = FR_CORE + "fr-core-identity-reliability";

  /** Who made an appointment on the patient's behalf, e.g. the SAS regulator (FR Core). */
  public static final String APPOINTMENT_OPERATOR = FR_CORE + "fr-core-appointment-operator";

  /** R5 Slot.serviceType as a reference to a HealthcareService (SAS CPTS flow). */
  public static final String SLOT_SERVICE_TYPE_REFERENCE =
      "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType";

  private FrExtensions() {}
}
