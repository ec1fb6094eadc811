package fr.cpts.hub.profiles;

/** French national identifier systems (FR Core), written once. */
public final class FrIdentifiers {

  /** IDNPS, national professional id: {@code 8} + RPPS. */
  public static final String IDNPS = "urn:oid:1.2.250.1.71.4.2.1";

  /** RPPS number, 11 digits. */
  public static final String RPPS = "https://rpps.esante.gouv.fr";

  /** IDNST, national structure id: {@code 1}+FINESS, {@code 3}+SIRET, {@code 4}+RPPS rang... */
  public static final String IDNST = "urn:oid:1.2.250.1.71.4.2.2";

  public static final String FINESS = "https://finess.esante.gouv.fr";
  public static final String SIRENE = "https://sirene.fr";

  /** INS-NIR and its test and demo systems; synthetic data uses the test or demo ones only. */
  public static final String INS_NIR = "urn:oid:1.2.250.1.213.1.4.8";

  public static final String INS_NIR_TEST = "urn:oid:1.2.250.1.213.1.4.10";
  public static final String INS_NIR_DEMO = "urn:oid:1.2.250.1.213.1.4.11";
  public static final String INS_NIA = "urn:oid:1.2.250.1.213.1.4.9";

  /** Identifier type codes (FR Core 2.x). */
  public static final String TYPE_SYSTEM =
      "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";

  /** Identifier type codes of {@link #TYPE_SYSTEM}. */
  public static final String TYPE_IDNPS = "IDNPS";

  public static final String TYPE_RPPS = "RPPS";
  public static final String TYPE_IDNST = "IDNST";

  /** Identifier type codes of {@link #TYPE_SYSTEM} for the INS, one per INS system. */
  public static final String TYPE_INS_NIR = "INS-NIR";

  public static final String TYPE_INS_NIR_TEST = "INS-NIR-TEST";
  public static final String TYPE_INS_NIR_DEMO = "INS-NIR-DEMO";
  public static final String TYPE_INS_NIA = "INS-NIA";

  /** FINESS of a site (géographique); {@code FINEJ} is the legal entity's. */
  public static final String TYPE_FINESS_SITE = "FINEG";

  /** IDNPS prefix before an RPPS number. */
  public static final String IDNPS_RPPS_PREFIX = "8";

  /** IDNST prefixes: FINESS, SIREN, SIRET, RPPS rang. */
  public static final String IDNST_FINESS_PREFIX = "1";

  public static final String IDNST_SIREN_PREFIX = "2";
  public static final String IDNST_SIRET_PREFIX = "3";

  /** IDNST prefix before an RPPS rang (the RPPS number of a liberal professional and a rank). */
  public static final String IDNST_RPPS_RANG_PREFIX = "4";

  private FrIdentifiers() {}
}
