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

  private HubIdentifiers() {}
}
