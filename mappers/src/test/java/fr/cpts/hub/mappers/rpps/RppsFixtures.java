package fr.cpts.hub.mappers.rpps;

import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_COMMUNE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_DEPARTEMENT;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_FONCTION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_GENRE_ACTIVITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_MODE_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_POSTAL;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_PROFESSION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_SAVOIR_FAIRE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_TYPE_SAVOIR_FAIRE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.IDENTIFIANT_PP;
import static fr.cpts.hub.mappers.rpps.RppsColumn.IDENTIFICATION_NATIONALE_PP;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_COMMUNE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_TYPE_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.NOM_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.NUMERO_SIRET_SITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.NUMERO_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.PRENOM_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.RAISON_SOCIALE_SITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.TELEPHONE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.TYPE_IDENTIFIANT_PP;

import java.io.StringReader;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Synthetic extract lines (invented people, RPPS numbers 10000000xxx) for the RPPS tests. */
final class RppsFixtures {

  private RppsFixtures() {}

  /** The header line, columns in the extract's usual order, with its trailing pipe. */
  static String header() {
    return Arrays.stream(RppsColumn.values())
            .map(RppsColumn::header)
            .collect(Collectors.joining("|"))
        + "|";
  }

  /** A data line with these values (the others empty), with its trailing pipe. */
  static String line(Map<RppsColumn, String> values) {
    return Arrays.stream(RppsColumn.values())
            .map(c -> values.getOrDefault(c, ""))
            .collect(Collectors.joining("|"))
        + "|";
  }

  /** A GP in a liberal cabinet of Vannes (56260) known by its SIRET. */
  static Map<RppsColumn, String> gp(String rpps) {
    Map<RppsColumn, String> values = new EnumMap<>(RppsColumn.class);
    values.put(TYPE_IDENTIFIANT_PP, "8");
    values.put(IDENTIFIANT_PP, rpps);
    values.put(IDENTIFICATION_NATIONALE_PP, "8" + rpps);
    values.put(NOM_EXERCICE, "TESTARD");
    values.put(PRENOM_EXERCICE, "Jeanne");
    values.put(CODE_PROFESSION, "10");
    values.put(CODE_TYPE_SAVOIR_FAIRE, "S");
    values.put(CODE_SAVOIR_FAIRE, "SM54");
    values.put(CODE_MODE_EXERCICE, "L");
    values.put(CODE_GENRE_ACTIVITE, "GENR01");
    values.put(NUMERO_SIRET_SITE, "99900000100015");
    values.put(RAISON_SOCIALE_SITE, "CABINET DE TEST");
    values.put(NUMERO_VOIE, "1");
    values.put(LIBELLE_TYPE_VOIE, "Rue");
    values.put(LIBELLE_VOIE, "de l'Exemple");
    values.put(CODE_POSTAL, "56000");
    values.put(CODE_COMMUNE, "56260");
    values.put(LIBELLE_COMMUNE, "Vannes");
    values.put(CODE_DEPARTEMENT, "56");
    values.put(TELEPHONE, "0297000001");
    return values;
  }

  /** The same values with some changed. */
  static Map<RppsColumn, String> with(Map<RppsColumn, String> values, Object... changes) {
    Map<RppsColumn, String> copy = new EnumMap<>(values);
    for (int i = 0; i < changes.length; i += 2) {
      copy.put((RppsColumn) changes[i], (String) changes[i + 1]);
    }
    return copy;
  }

  /** A whole extract: the header, then these lines, each ended by a newline. */
  static StringReader extract(String... lines) {
    return new StringReader(header() + "\n" + String.join("\n", List.of(lines)) + "\n");
  }

  static Map<RppsColumn, String> function(Map<RppsColumn, String> values, String code) {
    return with(values, CODE_FONCTION, code);
  }
}
