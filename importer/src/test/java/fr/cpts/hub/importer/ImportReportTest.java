package fr.cpts.hub.importer;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.mappers.rpps.RppsRejection;
import fr.cpts.hub.mappers.rpps.RppsSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary the command prints and the exit code it returns. */
class ImportReportTest {

  private static RppsSummary summary(List<RppsRejection> rejections) {
    return new RppsSummary(10, 6, 4 - rejections.size(), rejections.size(), 0, 4, 0, rejections);
  }

  private static String printed(ImportReport report) {
    StringWriter text = new StringWriter();
    report.print(new PrintWriter(text));
    return text.toString();
  }

  @Test
  void rejections_areCountedByCode_withTheirFirstExamples() {
    ImportReport report = new ImportReport();
    List<RppsRejection> rejections =
        List.of(
            new RppsRejection(3, "HUB-0805: 'Identification nationale PP' is \"81\""),
            new RppsRejection(5, "HUB-0803: 12 fields"),
            new RppsRejection(7, "HUB-0805: 'Identification nationale PP' is \"82\""),
            new RppsRejection(8, "HUB-0805: x"),
            new RppsRejection(9, "HUB-0805: y"));
    report.extract(summary(rejections), 2048);

    assertThat(report.rejectionsByCode()).isEqualTo(Map.of("HUB-0803", 1L, "HUB-0805", 4L));
    String text = printed(report);
    assertThat(text)
        .contains("Rejected lines: 5")
        .contains("  HUB-0803: 1\n    line 5: HUB-0803: 12 fields")
        .contains("  HUB-0805: 4\n    line 3:")
        .contains("    line 7:")
        .contains("    line 8:")
        .doesNotContain("line 9:");
    assertThat(report.exitCode()).isEqualTo(ImportExitCode.OK);
  }

  @Test
  void counts_arePrintedPerType() {
    ImportReport report = new ImportReport();
    report.extract(summary(List.of()), 1);
    report.created("Practitioner");
    report.created("Practitioner");
    report.unchanged("Organization");
    report.updated("Location");
    report.deactivated("PractitionerRole");

    assertThat(printed(report))
        .contains("  Practitioner             2        0          0            0")
        .contains("  PractitionerRole         0        0          0            1")
        .contains("  Organization             0        0          1            0")
        .contains("  Location                 0        1          0            0")
        .doesNotContain("Rejected lines");
  }

  @Test
  void exitCode_saysTheWorstOutcome() {
    ImportReport refused = new ImportReport();
    refused.refused(new ImportReport.Refusal("810000000001", List.of(2L), "HUB-0809: 422 x"));
    assertThat(refused.exitCode()).isEqualTo(ImportExitCode.REFUSED_BY_HUB);
    assertThat(printed(refused))
        .contains("Refused by the hub: 1 professional(s)\n  810000000001 (lines [2]): HUB-0809");

    ImportReport unreachable = new ImportReport();
    unreachable.fatal(DirectoryImporter.HUB_UNREACHABLE + ": the hub at x cannot be reached");
    assertThat(unreachable.exitCode()).isEqualTo(ImportExitCode.HUB_UNREACHABLE);

    ImportReport truncated = new ImportReport();
    truncated.fatal("HUB-0802: the RPPS extract cannot be read after line 7");
    assertThat(truncated.exitCode()).isEqualTo(ImportExitCode.EXTRACT_UNREADABLE);

    ImportReport guarded = new ImportReport();
    guarded.deactivationSkipped("HUB-0807: 9 of 10", true);
    assertThat(guarded.exitCode()).isEqualTo(ImportExitCode.DEACTIVATION_REFUSED);
  }
}
