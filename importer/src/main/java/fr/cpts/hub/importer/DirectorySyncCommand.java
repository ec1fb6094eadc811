package fr.cpts.hub.importer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import fr.cpts.hub.mappers.rpps.RppsTerritory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sync-directory}: the delta sync from the national directory's FHIR API into a running hub
 * ({@link DirectorySync}). Nothing runs it unless someone does (off by default): a cron on one
 * machine, e.g. every night after the API's own update. The API key is read from an environment
 * variable, never from the command line (where {@code ps} would show it). The summary goes to
 * standard output, warnings to standard error; the exit code is one of {@link ImportExitCode}.
 */
@Command(
    name = "sync-directory",
    mixinStandardHelpOptions = true,
    version = "cpts-hub sync-directory 0.1",
    sortOptions = false,
    description = {
      "Reads from the national directory's FHIR API (Annuaire Santé) the professionals changed"
          + " since the watermark, keeps the territory's, and writes them into a running hub as the"
          + " RPPS extract import does (conditional PUTs on national identifiers; running it again"
          + " changes nothing); a professional the API returns inactive becomes active=false."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done, watermark moved",
      "1:the hub refused some professionals (the others were written; watermark not moved)",
      "2:invalid options, or no watermark yet and no --since",
      "3:the hub cannot be reached",
      "6:the national directory refused the API key (401/403)",
      "7:the national directory stayed unavailable after the retries, or refused the query"
    })
public final class DirectorySyncCommand implements Callable<Integer> {

  private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

  /** Where the key is read from by default. */
  public static final String DEFAULT_API_KEY_ENV = "ESANTE_API_KEY";

  @Spec CommandSpec spec;

  @Option(
      names = "--hub",
      defaultValue = "http://localhost:8080/fhir",
      description = "The hub's FHIR base URL (default: ${DEFAULT-VALUE}).")
  String hub;

  @Option(
      names = "--api",
      required = true,
      paramLabel = "URL",
      description = "The national directory's FHIR base URL (the Annuaire Santé API's).")
  String api;

  @Option(
      names = "--api-key-env",
      defaultValue = DEFAULT_API_KEY_ENV,
      paramLabel = "NAME",
      description =
          "The environment variable holding the API key, sent as ESANTE-API-KEY (default:"
              + " ${DEFAULT-VALUE}).")
  String apiKeyEnv;

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
      names = "--watermark",
      required = true,
      paramLabel = "FILE",
      description = "Where the run resumes, and where a complete run leaves the new watermark.")
  Path watermark;

  @Option(
      names = "--since",
      paramLabel = "INSTANT",
      description =
          "Start from this instant (e.g. 2026-12-01T00:00:00Z) instead of the watermark: the first"
              + " run, or a replay.")
  String since;

  @Option(
      names = "--page-size",
      defaultValue = "" + SyncOptions.DEFAULT_PAGE_SIZE,
      description = "Professionals per page and per transaction (default: ${DEFAULT-VALUE}).")
  int pageSize;

  @Option(
      names = "--calls-per-second",
      defaultValue = "" + SyncOptions.DEFAULT_CALLS_PER_SECOND,
      description = "Calls to the API per second, at most 17 (default: ${DEFAULT-VALUE}).")
  int callsPerSecond;

  @Option(
      names = "--max-attempts",
      defaultValue = "" + SyncOptions.DEFAULT_MAX_ATTEMPTS,
      description =
          "Attempts per API call on 429, 5xx or no connection (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--retry-wait",
      defaultValue = "2",
      paramLabel = "SECONDS",
      description =
          "Wait before the first retry, doubled for each next one (default: ${DEFAULT-VALUE} s).")
  double retryWaitSeconds;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Socket timeout of each request (default: ${DEFAULT-VALUE} s).")
  int timeoutSeconds;

  /** The environment the key is read from; a test gives its own. */
  Map<String, String> environment = System.getenv();

  public static void main(String[] args) {
    if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
      System.setProperty(LOGBACK_CONFIGURATION, "fr/cpts/hub/importer/logback-command.xml");
    }
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new DirectorySyncCommand());
  }

  /** The command line with another environment (for tests). */
  public static CommandLine commandLine(Map<String, String> environment) {
    DirectorySyncCommand command = new DirectorySyncCommand();
    command.environment = environment;
    return new CommandLine(command);
  }

  SyncOptions options() {
    if (communes.isEmpty() && departments.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "Give the territory: --communes and/or --departments");
    }
    Instant start = null;
    if (since != null) {
      try {
        start = Instant.parse(since);
      } catch (DateTimeParseException e) {
        throw new ParameterException(
            spec.commandLine(), "--since is an instant such as 2026-12-01T00:00:00Z, not " + since);
      }
    }
    try {
      return new SyncOptions(
          new RppsTerritory(new HashSet<>(communes), new HashSet<>(departments)),
          watermark,
          start,
          pageSize,
          callsPerSecond,
          maxAttempts,
          Duration.ofMillis(Math.round(retryWaitSeconds * 1000)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() {
    SyncOptions options = options();
    String key = environment.get(apiKeyEnv);
    if (key == null || key.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "No API key: set the environment variable "
              + apiKeyEnv
              + " (or name another with --api-key-env)");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "Syncing %s into %s, territory: %s%n", api, hub, options.territory());
    out.flush();
    SyncReport report = DirectorySync.of(client(), api, key, options, timeoutSeconds).run();
    report.print(out);
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
}
