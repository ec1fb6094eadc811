package fr.cpts.hub.profiles;

/**
 * The SAS platform's profiles (ANS guide {@code ans.fhir.fr.sas} 1.1.0) and the FR Core 1.1
 * identifier-type code systems they fix. The SAS and its test kit pick resources out of a search
 * answer by exact {@code meta.profile}, so the hub labels its SAS answers with these, without
 * version.
 */
public final class SasProfiles {

  private static final String SAS = "http://sas.fr/fhir/StructureDefinition/";
  private static final String SAS_CPTS =
      "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/";

  /** INT_R01, individual professionals. */
  public static final String BUNDLE = SAS + "BundleAgregateur";

  public static final String SLOT = SAS + "FrSlotAgregateur";
  public static final String SCHEDULE = SAS + "FrScheduleAgregateur";
  public static final String PRACTITIONER = SAS + "FrPractitionerAgregateur";
  public static final String PRACTITIONER_ROLE = SAS + "FrPractitionerRoleExerciceAgregateur";
  public static final String LOCATION = SAS + "FrLocationAgregateur";

  /** INT_R02, regulator accounts created by the SAS. */
  public static final String PRACTITIONER_REGULATOR = SAS_CPTS + "FrPractitionerRegul";

  /** INT_R03, appointments sent back to the SAS. */
  public static final String APPOINTMENT = SAS + "FrAppointmentSAS";

  /** The regulator who made an appointment, in the SAS's FR Core 1.1 form. */
  public static final String APPOINTMENT_OPERATOR_EXTENSION =
      "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator";

  /** INT_R04, CPTS. */
  public static final String CPTS_BUNDLE = SAS_CPTS + "sas-cpts-bundle-aggregator";

  public static final String CPTS_SLOT = SAS_CPTS + "sas-cpts-slot-aggregator";
  public static final String CPTS_HEALTHCARE_SERVICE =
      SAS_CPTS + "sas-cpts-healthcareservice-aggregator";
  public static final String CPTS_ORGANIZATION = SAS_CPTS + "sas-cpts-organization-aggregator";

  /** FR Core 1.1 identifier types (IDNPS, IDNST) of professionals and their structures. */
  public static final String FR_V2_0203 = "http://interopsante.org/fhir/CodeSystem/fr-v2-0203";

  /** FR Core 1.1 identifier types of places and structures (IDNST, INTRN). */
  public static final String FR_LOCATION_IDENTIFIER_TYPE =
      "http://interopsante.org/fhir/CodeSystem/fr-location-identifier-type";

  /** The SAS's own identifier of a regulator without IDNPS. */
  public static final String SAS_REGULATOR_UUID = "urn:oid:1.2.250.1.213.3.6";

  private SasProfiles() {}
}
