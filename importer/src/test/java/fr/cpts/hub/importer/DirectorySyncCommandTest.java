package fr.cpts.hub.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sync command's options and usage errors, and the watermark file, without any server. */
class DirectorySyncCommandTest {

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine line = DirectorySyncCommand.commandLine(Map.of("ESANTE_API_KEY", "k"));
    line.setOut(new PrintWriter(new StringWriter()));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  @Test
  void options_areParsed_withTheApiLimitAndDefaults() {
    DirectorySyncCommand command = new DirectorySyncCommand();
    new CommandLine(command)
        .parseArgs(
            "--api",
            "https://api.example/fhir",
            "--departments",
            "56,29",
            "--watermark",
            "w.txt",
            "--since",
            "2026-12-01T00:00:00Z");

    SyncOptions options = command.options();

    assertThat(options.territory().departments()).isEqualTo(Set.of("56", "29"));
    assertThat(options.since()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(options.callsPerSecond()).isEqualTo(17);
    assertThat(options.pageSize()).isEqualTo(SyncOptions.DEFAULT_PAGE_SIZE);
    assertThat(options.maxAttempts()).isEqualTo(SyncOptions.DEFAULT_MAX_ATTEMPTS);
    assertThat(options.firstRetryWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(command.apiKeyEnv).isEqualTo("ESANTE_API_KEY");
  }

  @Test
  void withoutTerritory_aBadInstant_orAboveTheApisLimit_isAUsageError() {
    assertThat(run("--api", "http://x/fhir", "--watermark", "w.txt"))
        .isEqualTo(ImportExitCode.USAGE);
    assertThat(
            run(
                "--api",
                "http://x/fhir",
                "--watermark",
                "w.txt",
                "--communes",
                "56260",
                "--since",
                "yesterday"))
        .isEqualTo(ImportExitCode.USAGE);
    assertThat(
            run(
                "--api",
                "http://x/fhir",
                "--watermark",
                "w.txt",
                "--communes",
                "56260",
                "--calls-per-second",
                "18"))
        .isEqualTo(ImportExitCode.USAGE);
    assertThat(err.toString()).contains("--since").contains("17");
  }

  @Test
  void theWatermark_isWrittenWhole_andReadBack_andAGarbledOneSaysSo() throws Exception {
    Watermark watermark = new Watermark(dir.resolve("sub/w.txt"));
    assertThat(watermark.read()).isEmpty();

    watermark.write(Instant.parse("2026-12-01T22:14:03.120Z"));

    assertThat(watermark.read()).contains(Instant.parse("2026-12-01T22:14:03.120Z"));
    try (var files = Files.list(dir.resolve("sub"))) {
      assertThat(files).singleElement().matches(p -> p.getFileName().toString().equals("w.txt"));
    }
    Files.writeString(dir.resolve("sub/w.txt"), "not an instant");
    org.assertj.core.api.Assertions.assertThatThrownBy(watermark::read)
        .hasMessageStartingWith("HUB-0754");
  }
}
