package fr.cpts.hub.devpki;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints an access token of the development issuer ({@link DevTokens}) for one professional,
 * creating the signing key and its key set on first use:
 *
 * <pre>
 * ./mvnw -q -pl dev-pki compile exec:java@dev-token -Dexec.args="--idnps 810000010000"
 * </pre>
 *
 * The hub accepts it under the {@code dev-oidc} Spring profile (README, "Signing in with OpenID
 * Connect"). Development only.
 */
@Command(
    name = "dev-token",
    mixinStandardHelpOptions = true,
    description =
        "Prints a bearer token of the development OpenID Connect issuer for a professional (its"
            + " key and key set written on first use).")
public final class DevTokenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      defaultValue = DevPkiCommand.DEFAULT_DIRECTORY,
      description = "Where the key and key set live (default: ${DEFAULT-VALUE}, git-ignored).")
  Path directory;

  @Option(
      names = "--idnps",
      required = true,
      description = "The professional's IDNPS (8 + RPPS), as SubjectNameID.")
  String idnps;

  @Option(
      names = "--acr",
      defaultValue = "eidas1",
      description = "The authentication level (default: ${DEFAULT-VALUE}).")
  String acr;

  @Option(
      names = "--minutes",
      defaultValue = "60",
      description = "How long the token is valid (default: ${DEFAULT-VALUE}).")
  long minutes;

  public static void main(String[] args) {
    int exitCode = new CommandLine(new DevTokenCommand()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  @Override
  public Integer call() throws IOException {
    String token =
        DevTokens.token(
            DevTokens.loadOrCreate(directory.toAbsolutePath().normalize()),
            DevTokens.ISSUER,
            DevTokens.AUDIENCE,
            idnps,
            Instant.now(),
            Duration.ofMinutes(minutes),
            claims -> claims.claim("acr", acr));
    spec.commandLine().getOut().println(token);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
