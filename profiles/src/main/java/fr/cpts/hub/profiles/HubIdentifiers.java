package fr.cpts.hub.profiles;

/**
 * The hub's own identifier systems, under its canonical base, for things no national register
 * numbers (a practice's location, a schedule, a slot, a device).
 */
public final class HubIdentifiers {

  /** The hub's canonical base URL. */
  public static final String CANONICAL_BASE = "https://fhir.cpts-hub.fr";

  private static final String SID = CANONICAL_BASE + "/sid/";

  public static final String LOCATION = SID + "location";
  public static final String PRACTITIONER_ROLE = SID + "practitioner-role";
  public static final String HEALTHCARE_SERVICE = SID + "healthcare-service";
  public static final String SCHEDULE = SID + "schedule";
  public static final String SLOT = SID + "slot";
  public static final String DEVICE = SID + "device";
  public static final String APPOINTMENT = SID + "appointment";

  /** The hub's number of an order (the placer order number it sends to a RIS in ORC-2/OBR-2). */
  public static final String SERVICE_REQUEST = SID + "service-request";

  /**
   * Prefix of a radiology group's accession numbers: {@code <ACCESSION>/<group code>}, e.g. {@code
   * .../sid/accession/radiologie-golfe}.
   */
  public static final String ACCESSION = SID + "accession";

  /** Prefix of a radiology group's imaging reports: {@code <IMAGING_REPORT>/<group code>}. */
  public static final String IMAGING_REPORT = SID + "imaging-report";

  /** Prefix of a radiology group's own appointment numbers: {@code <RIS_APPOINTMENT>/<code>}. */
  public static final String RIS_APPOINTMENT = SID + "ris-appointment";

  /** The image link (DICOMweb Endpoint) of a study, by its Study Instance UID. */
  public static final String IMAGING_ENDPOINT = SID + "imaging-endpoint";

  private HubIdentifiers() {}
}
