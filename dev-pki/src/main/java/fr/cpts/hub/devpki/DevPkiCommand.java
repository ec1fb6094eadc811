package fr.cpts.hub.devpki;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Creates the development PKI ({@link DevPkiFiles}) under a directory:
 *
 * <pre>
 * ./mvnw -q -pl dev-pki compile exec:java                              # into data/dev-pki
 * ./mvnw -q -pl dev-pki compile exec:java -Dexec.args="--dir /tmp/pki --force"
 * </pre>
 *
 * Development only: its private keys are unencrypted, and {@code data/} is git-ignored.
 */
@Command(
    name = "dev-pki",
    mixinStandardHelpOptions = true,
    description =
        "Creates a development PKI for the hub's mutual TLS: a CA, the hub's server certificate,"
            + " one client certificate per role (SAS platform, GP software, radiology, CPTS"
            + " console), a revoked one, the CRL and the matching client registry.")
public final class DevPkiCommand implements Callable<Integer> {

  /** Where the hub's {@code dev-pki} Spring profile looks for the files. */
  static final String DEFAULT_DIRECTORY = "data/dev-pki";

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      defaultValue = DEFAULT_DIRECTORY,
      description = "Where to write the files (default: ${DEFAULT-VALUE}, git-ignored).")
  Path directory;

  @Option(
      names = "--san",
      split = ",",
      defaultValue = "localhost,127.0.0.1",
      description =
          "Host names and IP addresses of the server certificate (default: ${DEFAULT-VALUE}).")
  List<String> serverNames;

  @Option(names = "--force", description = "Replace the files of an existing PKI.")
  boolean force;

  public static void main(String[] args) {
    int exitCode = new CommandLine(new DevPkiCommand()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path absolute = directory.toAbsolutePath().normalize();
    if (!force
        && DevPkiFiles.fileNames().stream().anyMatch(f -> Files.exists(absolute.resolve(f)))) {
      spec.commandLine()
          .getErr()
          .println(
              absolute
                  + " already holds a PKI; add --force to replace it (its clients then need the"
                  + " new certificates, and the hub a restart)");
      return 2;
    }
    DevPkiFiles.Generated pki = DevPkiFiles.write(absolute, Instant.now(), serverNames);
    out.println("Development PKI written to " + absolute);
    out.println("  CA certificate        " + DevPkiFiles.CA);
    out.println(
        "  hub server            "
            + DevPkiFiles.SERVER
            + ", "
            + DevPkiFiles.SERVER_KEY
            + " (for "
            + String.join(", ", serverNames)
            + ")");
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      out.printf(
          "  %-21s %s, %s (%s, CN=%s, OU=%s)%n",
          client.id(),
          client.certificateFile(),
          client.privateKeyFile(),
          client.role(),
          client.cn(),
          client.ou());
    }
    out.printf(
        "  %-21s %s, %s (revoked by %s)%n",
        DevPkiFiles.REVOKED.id(),
        DevPkiFiles.REVOKED.certificateFile(),
        DevPkiFiles.REVOKED.privateKeyFile(),
        DevPkiFiles.CRL);
    out.println("  client registry       " + DevPkiFiles.REGISTRY);
    out.println(
        "Valid until "
            + pki.crl().getNextUpdate().toInstant()
            + ". Start the hub in secure mode (https://localhost:8443) with:");
    out.println(
        "  ./mvnw -pl fhir-server -am spring-boot:run -Dspring-boot.run.profiles=dev-pki"
            + (absolute.equals(Path.of(DEFAULT_DIRECTORY).toAbsolutePath().normalize())
                ? ""
                : " -Dspring-boot.run.arguments=--dev-pki.dir=" + absolute));
    out.flush();
    return 0;
  }
}
