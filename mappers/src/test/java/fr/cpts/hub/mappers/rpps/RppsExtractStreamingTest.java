package fr.cpts.hub.mappers.rpps;

import static fr.cpts.hub.mappers.rpps.RppsFixtures.gp;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.header;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.line;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A generated extract of 200,000 lines goes through the mapper as a stream: the source makes each
 * line only when the parser asks for it, and the test checks that professionals come out while the
 * file is still being read (the mapper never runs far ahead of what it returns), with exact counts.
 */
class RppsExtractStreamingTest {

  static final int PROFESSIONALS = 100_000;
  static final int LINES = 2 * PROFESSIONALS;

  /**
   * Professional i (RPPS 1000000xxxx): a first line in Vannes (department 56) when i is even, in
   * Rennes (35) when odd; a second line in Rennes, except every thousandth, which lacks its IDNPS.
   */
  static final class GeneratedExtract extends Reader {

    private final Map<RppsColumn, String> vannes = gp("10000000000");
    private final Map<RppsColumn, String> rennes =
        with(
            vannes,
            RppsColumn.NUMERO_SIRET_SITE,
            "99900000300011",
            RppsColumn.CODE_POSTAL,
            "35000",
            RppsColumn.CODE_COMMUNE,
            "35238",
            RppsColumn.LIBELLE_COMMUNE,
            "Rennes",
            RppsColumn.CODE_DEPARTEMENT,
            "35");

    private String current = header() + "\n";
    private int position;
    private long produced;

    /** Data lines handed to the parser so far (a line counts once its first character is read). */
    long produced() {
      return produced;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      if (position == current.length()) {
        if (produced == LINES) {
          return -1;
        }
        current = nextLine() + "\n";
        position = 0;
        produced++;
      }
      int count = Math.min(length, current.length() - position);
      current.getChars(position, position + count, buffer, offset);
      position += count;
      return count;
    }

    private String nextLine() {
      int professional = (int) (produced / 2);
      String rpps = String.format("1%010d", professional);
      boolean first = produced % 2 == 0;
      Map<RppsColumn, String> values = first && professional % 2 == 0 ? vannes : rennes;
      values =
          with(
              values,
              RppsColumn.IDENTIFIANT_PP,
              rpps,
              RppsColumn.IDENTIFICATION_NATIONALE_PP,
              "8" + rpps);
      if (!first && professional % 1000 == 999) {
        values = with(values, RppsColumn.IDENTIFICATION_NATIONALE_PP, "");
      }
      return line(values);
    }

    @Override
    public void close() {}
  }

  @Test
  void twoHundredThousandLines_streamThrough_withExactCounts_andNoReadingAhead() {
    GeneratedExtract source = new GeneratedExtract();
    long mapped = 0;
    long roles = 0;
    long maxLead = 0;
    try (RppsImport extract =
        new RppsExtractMapper().open(source, RppsTerritory.departments("56"))) {
      while (extract.hasNext()) {
        RppsProfessional professional = extract.next();
        mapped++;
        roles += professional.roles().size();
        // The header is line 1: data line n is line n + 1.
        long lastLine = professional.lines().get(professional.lines().size() - 1) - 1;
        maxLead = Math.max(maxLead, source.produced() - lastLine);
      }
      RppsSummary summary = extract.summary();

      assertThat(summary.linesRead()).isEqualTo(LINES);
      assertThat(summary.linesKept()).isEqualTo(PROFESSIONALS / 2);
      assertThat(summary.linesRejected()).isEqualTo(PROFESSIONALS / 1000);
      assertThat(summary.linesOutsideTerritory())
          .isEqualTo(LINES - PROFESSIONALS / 2 - PROFESSIONALS / 1000);
      assertThat(summary.professionals()).isEqualTo(PROFESSIONALS / 2);
      assertThat(summary.professionalsContinued()).isZero();
      assertThat(summary.rejections()).hasSize(PROFESSIONALS / 1000);
    }
    assertThat(mapped).isEqualTo(PROFESSIONALS / 2);
    assertThat(roles).isEqualTo(PROFESSIONALS / 2);
    // Only the parser's buffer (a few kilobytes) and one professional's lines are ahead.
    assertThat(maxLead).isLessThan(100);
  }
}
