package fr.cpts.hub.importer;

import fr.cpts.hub.profiles.HubIdentifiers;
import org.hl7.fhir.r4.model.Coding;

/**
 * The {@code meta.tag} every resource written by the directory import carries, so that the next
 * import finds, by {@code _tag}, what an earlier one wrote (and only that: a Practitioner published
 * by a practice software is never deactivated by an import).
 */
public final class ImportTag {

  /** The hub's code system of the origins of imported data. */
  public static final String SYSTEM = HubIdentifiers.CANONICAL_BASE + "/CodeSystem/import-source";

  /** The public RPPS extract ({@code PS_LibreAcces_Personne_activite}). */
  public static final String RPPS_EXTRACT = "rpps-extract";

  /**
   * The national directory's FHIR API (Annuaire Santé): a second tag the delta sync adds beside
   * {@link #RPPS_EXTRACT}, which it keeps so that the next extract import treats what the sync
   * wrote as its own (and deactivates it when the extract no longer has it).
   */
  public static final String ANNUAIRE_API = "annuaire-sante-api";

  /** {@code _tag} search value. */
  public static final String SEARCH_VALUE = SYSTEM + "|" + RPPS_EXTRACT;

  private ImportTag() {}

  static Coding apiCoding() {
    return new Coding(SYSTEM, ANNUAIRE_API, "Annuaire Santé FHIR API");
  }

  static Coding coding() {
    return new Coding(SYSTEM, RPPS_EXTRACT, "Public RPPS extract");
  }
}
