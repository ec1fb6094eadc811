package fr.cpts.hub.importer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import fr.cpts.hub.mappers.rpps.RppsTerritory;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code import-rpps}: imports a public RPPS extract into a running hub. The summary goes to the
 * command's standard output, the progress bar and the logs to standard error; the exit code is one
 * of {@link ImportExitCode}.
 */
@Command(
    name = "import-rpps",
    mixinStandardHelpOptions = true,
    version = "cpts-hub import-rpps 0.1",
    sortOptions = false,
    description = {
      "Imports the public RPPS extract (PS_LibreAcces_Personne_activite_<timestamp>.txt) into a"
          + " running hub: the professionals of the territory, their activities, structures and"
          + " places, by conditional PUTs on their national identifiers (re-importing changes"
          + " nothing); the territory's professionals imported earlier and absent from this"
          + " extract become active=false."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the hub refused some professionals (the others were written)",
      "2:invalid options",
      "3:the hub cannot be reached",
      "4:the extract cannot be read to its end (nobody deactivated)",
      "5:deactivation refused by its guard (see --max-deactivation-share)"
    })
public final class DirectoryImportCommand implements Callable<Integer> {

  /** Logback reads its configuration file from this system property. */
  private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

  @Spec CommandSpec spec;

  @Option(
      names = "--hub",
      defaultValue = "http://localhost:8080/fhir",
      description = "The hub's FHIR base URL (default: ${DEFAULT-VALUE}).")
  String hub;

  @Option(
      names = "--communes",
      split = ",",
      paramLabel = "INSEE",
      description = "INSEE codes of the territory's communes, e.g. 56260,56000.")
  List<String> communes = new ArrayList<>();

  @Option(
      names = "--departments",
      split = ",",
      paramLabel = "CODE",
      description = "Codes of the territory's departments, e.g. 56,29,2A,974.")
  List<String> departments = new ArrayList<>();

  @Option(
      names = "--batch-size",
      defaultValue = "" + ImportOptions.DEFAULT_BATCH_SIZE,
      description = "Professionals per transaction (1 to 1000, default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--dry-run", description = "Read and map only; send nothing to the hub.")
  boolean dryRun;

  @Option(
      names = "--max-deactivation-share",
      defaultValue = "" + ImportOptions.DEFAULT_MAX_DEACTIVATION_SHARE,
      paramLabel = "SHARE",
      description =
          "Refuse to deactivate more than this share (0 to 1) of the territory's active imported"
              + " roles (default: ${DEFAULT-VALUE}).")
  double maxDeactivationShare;

  @Option(
      names = "--allow-mass-deactivation",
      description = "Deactivate even above --max-deactivation-share.")
  boolean allowMassDeactivation;

  @Option(names = "--no-progress", description = "No progress bar on standard error.")
  boolean noProgress;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "Socket timeout of each request to the hub (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds;

  @Parameters(index = "0", paramLabel = "EXTRACT", description = "The extract file.")
  Path extract;

  /**
   * Run as a command: warnings only, on stderr (standard output is the summary's). The logging
   * configuration is named here, not shipped as {@code logback.xml}: the importer is also a library
   * on the hub's test classpath, whose logging it must not replace.
   */
  public static void main(String[] args) {
    if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
      System.setProperty(LOGBACK_CONFIGURATION, "fr/cpts/hub/importer/logback-command.xml");
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line, to execute or to give other output streams. */
  public static CommandLine commandLine() {
    return new CommandLine(new DirectoryImportCommand());
  }

  /** The options as the importer takes them. */
  ImportOptions options() {
    if (communes.isEmpty() && departments.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "Give the territory: --communes and/or --departments");
    }
    if (!Files.isRegularFile(extract)) {
      throw new ParameterException(spec.commandLine(), "No such file: " + extract);
    }
    try {
      return new ImportOptions(
          extract,
          new RppsTerritory(new HashSet<>(communes), new HashSet<>(departments)),
          batchSize,
          dryRun,
          maxDeactivationShare,
          allowMassDeactivation);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() {
    ImportOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "Importing %s into %s, territory: %s%n",
        extract.getFileName(),
        dryRun ? "nothing (dry run)" : hub,
        options.territory());
    out.flush();
    DirectoryImporter importer = new DirectoryImporter(dryRun ? null : client(), options);
    ImportReport report;
    if (noProgress) {
      report = importer.run();
    } else {
      try (ProgressBar bar = progressBar()) {
        report =
            importer.run(
                (lines, bytes) -> {
                  bar.stepTo(bytes);
                  bar.setExtraMessage(lines + " lines");
                });
      }
    }
    report.print(out);
    out.printf(Locale.ROOT, "Peak heap used: %d MB%n", peakHeapMegabytes());
    out.flush();
    return report.exitCode();
  }

  private IGenericClient client() {
    FhirContext fhir = FhirContext.forR4Cached();
    IRestfulClientFactory factory = fhir.getRestfulClientFactory();
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setSocketTimeout(timeoutSeconds * 1000);
    factory.setConnectTimeout(10_000);
    return fhir.newRestfulGenericClient(hub);
  }

  private ProgressBar progressBar() {
    long size;
    try {
      size = Files.size(extract);
    } catch (java.io.IOException e) {
      size = -1;
    }
    return new ProgressBarBuilder()
        .setTaskName("RPPS extract")
        .setInitialMax(size)
        .setUnit(" MB", 1 << 20)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
  }

  /** The highest heap use the JVM saw, all heap pools summed (their peaks may not coincide). */
  static long peakHeapMegabytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }
}
