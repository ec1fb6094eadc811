package fr.cpts.hub.mappers.rpps;

import fr.cpts.hub.profiles.FrIdentifiers;
import java.util.regex.Pattern;

/**
 * The structure (site) of one activity line, as the hub identifies it.
 *
 * <p>Its IDNST, by precedence: {@code 1}+{@code Numéro FINESS site}; else {@code 3}+{@code Numéro
 * SIRET site}; else {@code Ancien identifiant de la structure}, which the extract writes already
 * prefixed (e.g. {@code 4}+RPPS rang); else {@code Identifiant technique de la structure} when it
 * is written as an IDNST. A FINESS or SIRET of the wrong shape is ignored. The SIREN is not used:
 * it names the legal unit, not the site.
 *
 * @param key what the hub's ids for this structure derive from: the IDNST, else {@code tech-} and
 *     the technical id; {@code null} for an activity without any structure identifier
 * @param idnst the IDNST, or {@code null} when none can be derived (then no Organization is mapped:
 *     the hub's profile requires one)
 * @param finess the FINESS of the site, or {@code null}
 * @param siret the SIRET of the site, or {@code null}
 */
record RppsStructure(String key, String idnst, String finess, String siret) {

  private static final Pattern FINESS = Pattern.compile("[0-9][0-9AB][0-9]{7}");
  private static final Pattern SIRET = Pattern.compile("[0-9]{14}");

  /** The shapes the hub's Organization profile accepts for an IDNST (its constraint hub-org-1). */
  private static final Pattern IDNST =
      Pattern.compile("1[0-9][0-9AB][0-9]{7}|2[0-9]{9}|3[0-9]{14}|4[0-9]{14}|0[0-9]+");

  static RppsStructure of(RppsLine line) {
    String finess = matching(line.get(RppsColumn.NUMERO_FINESS_SITE), FINESS);
    String siret = matching(line.get(RppsColumn.NUMERO_SIRET_SITE), SIRET);
    String former = matching(line.get(RppsColumn.ANCIEN_IDENTIFIANT_STRUCTURE), IDNST);
    String technical = line.get(RppsColumn.IDENTIFIANT_TECHNIQUE_STRUCTURE);
    String idnst;
    if (finess != null) {
      idnst = FrIdentifiers.IDNST_FINESS_PREFIX + finess;
    } else if (siret != null) {
      idnst = FrIdentifiers.IDNST_SIRET_PREFIX + siret;
    } else if (former != null) {
      idnst = former;
    } else {
      idnst = matching(technical, IDNST);
    }
    String key = idnst != null ? idnst : technical != null ? "tech-" + technical : null;
    return new RppsStructure(key, idnst, finess, siret);
  }

  private static String matching(String value, Pattern pattern) {
    return value != null && pattern.matcher(value).matches() ? value : null;
  }
}
