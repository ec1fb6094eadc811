package fr.cpts.hub.profiles;

/** Canonical URLs of the hub's profiles and extensions, under its canonical base, written once. */
public final class HubProfiles {

  private static final String SD = HubIdentifiers.CANONICAL_BASE + "/StructureDefinition/";

  public static final String PRACTITIONER = SD + "hub-practitioner";
  public static final String PRACTITIONER_REGULATOR = SD + "hub-practitioner-regulator";
  public static final String PRACTITIONER_ROLE = SD + "hub-practitioner-role";
  public static final String ORGANIZATION = SD + "hub-organization";
  public static final String LOCATION = SD + "hub-location";
  public static final String HEALTHCARE_SERVICE = SD + "hub-healthcare-service";
  public static final String DEVICE = SD + "hub-device";
  public static final String SCHEDULE = SD + "hub-schedule";
  public static final String SLOT = SD + "hub-slot";
  public static final String APPOINTMENT = SD + "hub-appointment";
  public static final String SERVICE_REQUEST_IMAGING = SD + "hub-service-request-imaging";
  public static final String SERVICE_REQUEST_SNP = SD + "hub-service-request-snp";
  public static final String SERVICE_REQUEST_MT = SD + "hub-service-request-mt";
  public static final String TASK = SD + "hub-task";
  public static final String PATIENT = SD + "hub-patient";
  public static final String PATIENT_INS = SD + "hub-patient-ins";
  public static final String IMAGING_STUDY = SD + "hub-imaging-study";
  public static final String ENDPOINT_WADO = SD + "hub-endpoint-wado";
  public static final String DIAGNOSTIC_REPORT_IMAGING = SD + "hub-diagnostic-report-imaging";
  public static final String AUDIT_EVENT = SD + "hub-audit-event";
  public static final String COMMUNICATION_IMAGING = SD + "hub-communication-imaging";
  public static final String COMMUNICATION_SNP = SD + "hub-communication-snp";
  public static final String QUESTIONNAIRE_RESPONSE = SD + "hub-questionnaire-response";

  /** Extension: accepts new patients as médecin traitant (accepting, capacity, since...). */
  public static final String EXT_ACCEPTS_NEW_PATIENTS = SD + "hub-accepts-new-patients";

  /** Extension: takes part in unscheduled care (participating, mode, since). */
  public static final String EXT_SNP_PARTICIPATION = SD + "hub-snp-participation";

  /** Extension: a language spoken with patients (BCP-47 code). */
  public static final String EXT_SPOKEN_LANGUAGE = SD + "hub-spoken-language";

  /** Extension on a Task: the priority score the hub computed and the rules that fired. */
  public static final String EXT_PRIORITY = SD + "hub-priority";

  /** Extension on a Task: one step of its workflow (step, at, actor, client). */
  public static final String EXT_WORKFLOW_STEP = SD + "hub-workflow-step";

  /** Extension on an SNP broadcast Task: one wave of alerts (wave, at, radius, alerted). */
  public static final String EXT_SNP_WAVE = SD + "hub-snp-wave";

  /** Extension on an SNP broadcast Task: one answer to its alerts (by, answer, at...). */
  public static final String EXT_SNP_ANSWER = SD + "hub-snp-answer";

  /** Extension on a HealthcareService: to whom its schedules' slots are reserved. */
  public static final String EXT_RESERVED_TO = SD + "hub-reserved-to";

  /** The hub's intake form of a patient without a médecin traitant (fiche de saisine). */
  public static final String QUESTIONNAIRE_FICHE_SAISINE =
      HubIdentifiers.CANONICAL_BASE + "/Questionnaire/hub-fiche-saisine";

  private static final String CS = HubIdentifiers.CANONICAL_BASE + "/CodeSystem/";

  public static final String CS_SNP_MODE = CS + "hub-snp-mode";
  public static final String CS_REQUEST_CATEGORY = CS + "hub-request-category";
  public static final String CS_TASK_TYPE = CS + "hub-task-type";
  public static final String CS_PATIENT_GROUP = CS + "hub-patient-group";
  public static final String CS_PRIORITY_RULE = CS + "hub-priority-rule";
  public static final String CS_MT_STEP = CS + "hub-mt-step";
  public static final String CS_MOBILITY = CS + "hub-mobility";
  public static final String CS_SNP_STEP = CS + "hub-snp-step";
  public static final String CS_SNP_MESSAGE = CS + "hub-snp-message";

  /** Search parameter codes the hub adds to the base ones. */
  public static final String SP_SERVICE_TYPE_REFERENCE = "service-type-reference";

  public static final String SP_ACCEPTS_NEW_PATIENTS = "accepts-new-patients";
  public static final String SP_SNP_PARTICIPATION = "snp-participation";
  public static final String SP_SNP_MODE = "snp-mode";
  public static final String SP_QUALIFICATION_CODE = "qualification-code";
  public static final String SP_ADDRESS_INSEE_CODE = "address-insee-code";
  public static final String SP_PRIORITY_SCORE = "priority-score";

  private HubProfiles() {}
}
