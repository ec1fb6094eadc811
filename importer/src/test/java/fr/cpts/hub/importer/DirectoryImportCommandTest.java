package fr.cpts.hub.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command's options and its dry run, without a hub. */
class DirectoryImportCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine line = DirectoryImportCommand.commandLine();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  private Path extract(long lines) throws IOException {
    Path file = dir.resolve("PS_LibreAcces_Personne_activite_202601010000.txt");
    SyntheticExtract.write(file, lines);
    return file;
  }

  @Test
  void options_areParsed_withCommaSeparatedTerritoryAndDefaults() throws IOException {
    Path file = extract(1);
    DirectoryImportCommand command = new DirectoryImportCommand();
    new CommandLine(command)
        .parseArgs("--communes", "56260,56000", "--departments", "29", file.toString());

    ImportOptions options = command.options();

    assertThat(options.territory().communes()).isEqualTo(Set.of("56260", "56000"));
    assertThat(options.territory().departments()).isEqualTo(Set.of("29"));
    assertThat(options.batchSize()).isEqualTo(ImportOptions.DEFAULT_BATCH_SIZE);
    assertThat(options.dryRun()).isFalse();
    assertThat(options.maxDeactivationShare())
        .isEqualTo(ImportOptions.DEFAULT_MAX_DEACTIVATION_SHARE);
    assertThat(options.allowMassDeactivation()).isFalse();
    assertThat(command.hub).isEqualTo("http://localhost:8080/fhir");
  }

  @Test
  void withoutTerritory_isAUsageError() throws IOException {
    int code = run("--no-progress", extract(1).toString());

    assertThat(code).isEqualTo(ImportExitCode.USAGE);
    assertThat(err.toString()).contains("--communes and/or --departments");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void batchSizeOutOfRange_isAUsageError() throws IOException {
    int code = run("--departments", "56", "--batch-size", "0", extract(1).toString());

    assertThat(code).isEqualTo(ImportExitCode.USAGE);
    assertThat(err.toString()).contains("batch size must be between 1 and 1000");
  }

  @Test
  void missingFile_isAUsageError() {
    int code = run("--departments", "56", dir.resolve("none.txt").toString());

    assertThat(code).isEqualTo(ImportExitCode.USAGE);
    assertThat(err.toString()).contains("No such file");
  }

  @Test
  void dryRun_readsAndCounts_withoutAHub() throws IOException {
    // 3000 lines: 2000 professionals, 3 malformed lines; department 56 holds 21 of them.
    int code =
        run(
            "--departments",
            "56",
            "--dry-run",
            "--no-progress",
            "--hub",
            "http://localhost:1/fhir",
            extract(3000).toString());

    assertThat(code).isEqualTo(ImportExitCode.OK);
    assertThat(out.toString())
        .contains("into nothing (dry run)")
        .contains("Read 3000 lines")
        .contains("rejected 3,")
        .contains("Transactions sent: 0")
        .contains("HUB-0803: 3")
        .contains("line 1001: HUB-0803")
        .contains("Peak heap used:");
  }

  @Test
  void unreachableHub_exitsWith3_andSaysWhichHub() throws IOException {
    int code =
        run(
            "--departments",
            "56",
            "--no-progress",
            "--hub",
            "http://localhost:1/fhir",
            extract(10).toString());

    assertThat(code).isEqualTo(ImportExitCode.HUB_UNREACHABLE);
    assertThat(out.toString())
        .contains("HUB-0808: the hub at http://localhost:1/fhir cannot be reached")
        .contains("Transactions sent: 0");
  }
}
