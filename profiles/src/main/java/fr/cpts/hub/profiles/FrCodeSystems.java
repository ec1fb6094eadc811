package fr.cpts.hub.profiles;

/** Code systems the hub uses: ANS NOS terminologies (TRE) and HL7 ones, written once. */
public final class FrCodeSystems {

  private static final String NOS = "https://mos.esante.gouv.fr/NOS/";

  public static final String TRE_G15_PROFESSION =
      NOS + "TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante";
  public static final String TRE_R38_SPECIALITE =
      NOS + "TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
  public static final String TRE_R21_FONCTION = NOS + "TRE_R21-Fonction/FHIR/TRE-R21-Fonction";
  public static final String TRE_R22_GENRE_ACTIVITE =
      NOS + "TRE_R22-GenreActivite/FHIR/TRE-R22-GenreActivite";
  public static final String TRE_R23_MODE_EXERCICE =
      NOS + "TRE_R23-ModeExercice/FHIR/TRE-R23-ModeExercice";

  /** Sector of activity of a structure (RPPS extract's "Code secteur d'activité"), SA01... */
  public static final String TRE_R02_SECTEUR_ACTIVITE =
      NOS + "TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite";

  public static final String TRE_R66_CATEGORIE_ETABLISSEMENT =
      NOS + "TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement";
  public static final String TRE_R314_TYPE_CRENEAU =
      NOS + "TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau";
  public static final String TRE_R13_COMMUNE = NOS + "TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM";

  /** Consultation kind on Slot.serviceType: AMB, HH, VR. */
  public static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

  /** With or without appointment on Slot.appointmentType: ROUTINE, WALKIN. */
  public static final String V2_0276 = "http://terminology.hl7.org/CodeSystem/v2-0276";

  /** DICOM modalities (US, CT) for imaging devices and their schedules. */
  public static final String DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM";

  /** HL7 v2 tables as FHIR code systems: identifier types (ACSN, PLAC), diagnostic sections. */
  public static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";

  public static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";

  public static final String LOINC = "http://loinc.org";
  public static final String SNOMED_CT = "http://snomed.info/sct";

  /** Endpoint.connectionType codes (dicom-wado-rs). */
  public static final String ENDPOINT_CONNECTION_TYPE =
      "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";

  public static final String PROFESSION_MEDECIN = "10";
  public static final String SPECIALITE_MEDECINE_GENERALE = "SM54";
  public static final String CATEGORIE_CPTS = "604";
  public static final String CATEGORIE_MAISON_SANTE = "603";

  private FrCodeSystems() {}
}
