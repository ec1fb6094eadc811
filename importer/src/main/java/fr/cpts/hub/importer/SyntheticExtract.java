package fr.cpts.hub.importer;

import fr.cpts.hub.mappers.rpps.RppsColumn;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a synthetic RPPS extract (invented people, RPPS 2xxxxxxxxxx): professionals of one or two
 * activities, spread over 95 departments (department 56 holds about 1 %), one line in a thousand
 * malformed: for the tests and the memory benchmark of the README (not part of the import). Entry
 * point:
 *
 * <pre>
 * SyntheticExtract LINES FILE
 * </pre>
 */
public final class SyntheticExtract {

  private SyntheticExtract() {}

  /** The header line, in the extract's usual order, with its trailing pipe. */
  public static String header() {
    return Arrays.stream(RppsColumn.values())
            .map(RppsColumn::header)
            .collect(Collectors.joining("|"))
        + "|";
  }

  /** A data line with these values, the others empty, with its trailing pipe. */
  public static String line(Map<RppsColumn, String> values) {
    return Arrays.stream(RppsColumn.values())
            .map(c -> values.getOrDefault(c, ""))
            .collect(Collectors.joining("|"))
        + "|";
  }

  /**
   * A GP of a liberal cabinet known by its SIRET, in the commune {@code insee}.
   *
   * @param rpps 11 digits
   * @param site distinguishes the cabinet (its SIRET and street number)
   */
  public static Map<RppsColumn, String> gp(String rpps, String insee, int site) {
    Map<RppsColumn, String> v = new EnumMap<>(RppsColumn.class);
    v.put(RppsColumn.TYPE_IDENTIFIANT_PP, "8");
    v.put(RppsColumn.IDENTIFIANT_PP, rpps);
    v.put(RppsColumn.IDENTIFICATION_NATIONALE_PP, "8" + rpps);
    v.put(RppsColumn.CODE_CIVILITE_EXERCICE, "DR");
    v.put(RppsColumn.NOM_EXERCICE, "SYNTHE" + rpps.substring(6));
    v.put(RppsColumn.PRENOM_EXERCICE, "Anne");
    v.put(RppsColumn.CODE_PROFESSION, "10");
    v.put(RppsColumn.LIBELLE_PROFESSION, "Médecin");
    v.put(RppsColumn.CODE_TYPE_SAVOIR_FAIRE, "S");
    v.put(RppsColumn.CODE_SAVOIR_FAIRE, "SM54");
    v.put(RppsColumn.LIBELLE_SAVOIR_FAIRE, "Médecine Générale");
    v.put(RppsColumn.CODE_MODE_EXERCICE, "L");
    v.put(
        RppsColumn.NUMERO_SIRET_SITE,
        String.format(Locale.ROOT, "999%s%06d", insee, site % 1_000_000));
    v.put(RppsColumn.RAISON_SOCIALE_SITE, "CABINET " + site);
    v.put(RppsColumn.NUMERO_VOIE, String.valueOf(1 + site % 200));
    v.put(RppsColumn.LIBELLE_TYPE_VOIE, "Rue");
    v.put(RppsColumn.LIBELLE_VOIE, "de la Synthèse");
    v.put(RppsColumn.CODE_POSTAL, insee.substring(0, 2) + "000");
    v.put(RppsColumn.CODE_COMMUNE, insee);
    v.put(RppsColumn.LIBELLE_COMMUNE, "Commune " + insee);
    v.put(RppsColumn.CODE_DEPARTEMENT, insee.substring(0, 2));
    v.put(RppsColumn.TELEPHONE, "0297000001");
    v.put(RppsColumn.CODE_GENRE_ACTIVITE, "GENR01");
    return v;
  }

  /** Writes {@code lines} data lines. */
  public static void write(Path file, long lines) throws IOException {
    try (Writer writer =
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      writer.write(header());
      writer.write('\n');
      long written = 0;
      long professional = 0;
      while (written < lines) {
        professional++;
        String rpps = String.format(Locale.ROOT, "2%010d", professional);
        int department = 1 + (int) (professional % 95);
        String insee = String.format(Locale.ROOT, "%02d%03d", department, professional % 7);
        int activities = professional % 3 == 0 ? 2 : 1;
        for (int a = 0; a < activities && written < lines; a++) {
          written++;
          if (written % 1000 == 0) {
            writer.write("8|" + rpps + "|8" + rpps + "|DR|Docteur|truncated line|\n");
            continue;
          }
          writer.write(line(gp(rpps, insee, (int) (professional * 2 + a))));
          writer.write('\n');
        }
      }
    }
  }

  public static void main(String[] args) throws IOException {
    long lines = Long.parseLong(args[0]);
    Path file = Path.of(args[1]);
    write(file, lines);
    try (PrintWriter out =
        new PrintWriter(
            System.console() != null
                ? System.console().writer()
                : new PrintWriter(Writer.nullWriter()))) {
      out.printf(Locale.ROOT, "%d lines, %d bytes: %s%n", lines, Files.size(file), file);
    }
  }
}
