package fr.cpts.hub.devpki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The development PKI's standard set, written as PEM files to one directory: a CA ({@value #CA}),
 * the hub's server certificate and key ({@value #SERVER}, {@value #SERVER_KEY}), one client
 * certificate and key per role ({@code <client id>.pem}, {@code <client id>-key.pem}), a second
 * certificate of the GP software, revoked ({@code gp-software-revoked.pem}), the CRL revoking it
 * ({@value #CRL}) and the client registry that maps the four clients' subjects to their roles
 * ({@value #REGISTRY}). The command ({@link DevPkiCommand}) and the hub's security tests both use
 * it.
 *
 * <p>The subjects' OUs are IDNSTs of the demo territory's structures (the CPTS, a group practice,
 * the radiology group) and a fictitious one for the SAS platform.
 */
public final class DevPkiFiles {

  public static final String CA = "ca.pem";
  public static final String CRL = "crl.pem";
  public static final String REGISTRY = "clients.yaml";
  public static final String SERVER = "server.pem";
  public static final String SERVER_KEY = "server-key.pem";

  /** A client of the standard set: its registry entry and its certificate's subject. */
  public record DevClient(String id, String role, String organisation, String ou, String cn) {

    public String certificateFile() {
      return id + ".pem";
    }

    public String privateKeyFile() {
      return id + "-key.pem";
    }
  }

  /** The national SAS platform (fictitious IDNST). */
  public static final DevClient SAS_PLATFORM =
      new DevClient(
          "sas-platform",
          "SAS_PLATFORM",
          "Plateforme numérique SAS (dév.)",
          "1990000001",
          "sas-platform.dev.cpts-hub");

  /** A GP software vendor's service for one practice of the demo territory (cabinet 0). */
  public static final DevClient GP_SOFTWARE =
      new DevClient(
          "gp-software",
          "GP_SOFTWARE",
          "Cabinet médical (démo)",
          "356010000000010",
          "lgc.editeur-demo.dev.cpts-hub");

  /** The demo territory's radiology group. */
  public static final DevClient RADIOLOGY =
      new DevClient(
          "radiology",
          "RADIOLOGY",
          "Imagerie médicale du Golfe (démo)",
          "356020000000012",
          "ris.imagerie-golfe.dev.cpts-hub");

  /** The demo CPTS's web console. */
  public static final DevClient CPTS_CONSOLE =
      new DevClient(
          "cpts-console",
          "CPTS_CONSOLE",
          "CPTS du Golfe (démo)",
          "1560099990",
          "console.cpts-golfe.dev.cpts-hub");

  /** The four clients of the registry, one per role. */
  public static final List<DevClient> CLIENTS =
      List.of(SAS_PLATFORM, GP_SOFTWARE, RADIOLOGY, CPTS_CONSOLE);

  /** A former certificate of the GP software (same subject), revoked by the CRL. */
  public static final DevClient REVOKED =
      new DevClient(
          "gp-software-revoked",
          GP_SOFTWARE.role(),
          GP_SOFTWARE.organisation(),
          GP_SOFTWARE.ou(),
          GP_SOFTWARE.cn());

  private DevPkiFiles() {}

  /**
   * What was written.
   *
   * @param clients each client's certificate and key by client id, the revoked one included
   */
  public record Generated(
      Path directory,
      DevPki pki,
      DevPki.Issued server,
      Map<String, DevPki.Issued> clients,
      X509CRL crl) {

    public Path file(String name) {
      return directory.resolve(name);
    }
  }

  /**
   * Creates the standard set under {@code directory} (created if missing; existing files of the set
   * are replaced).
   *
   * @param serverNames the server certificate's host names and IP addresses (its CN is the first)
   */
  public static Generated write(Path directory, Instant now, List<String> serverNames) {
    DevPki pki = DevPki.create("cpts-hub development CA", now, DevPki.DEFAULT_VALIDITY);
    DevPki.Issued server = pki.serverCertificate(serverNames.get(0), serverNames);
    Map<String, DevPki.Issued> clients = new LinkedHashMap<>();
    for (DevClient client : CLIENTS) {
      clients.put(client.id(), issue(pki, client));
    }
    DevPki.Issued revoked = issue(pki, REVOKED);
    clients.put(REVOKED.id(), revoked);
    X509CRL crl = pki.crl(List.of(revoked.certificate()));
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve(CA), DevPki.pem(pki.caCertificate()));
      writeIssued(directory, SERVER, SERVER_KEY, server);
      for (DevClient client : CLIENTS) {
        writeIssued(
            directory, client.certificateFile(), client.privateKeyFile(), clients.get(client.id()));
      }
      writeIssued(directory, REVOKED.certificateFile(), REVOKED.privateKeyFile(), revoked);
      Files.writeString(directory.resolve(CRL), DevPki.pem(crl));
      Files.writeString(directory.resolve(REGISTRY), registryYaml(CLIENTS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the development PKI to " + directory, e);
    }
    return new Generated(directory, pki, server, Map.copyOf(clients), crl);
  }

  /** Every file the standard set writes, for checks before overwriting. */
  public static List<String> fileNames() {
    List<String> names = new ArrayList<>(List.of(CA, SERVER, SERVER_KEY, CRL, REGISTRY));
    for (DevClient client : CLIENTS) {
      names.add(client.certificateFile());
      names.add(client.privateKeyFile());
    }
    names.add(REVOKED.certificateFile());
    names.add(REVOKED.privateKeyFile());
    return List.copyOf(names);
  }

  /**
   * The hub's client registry (YAML, {@code hub.security.client-certificates.registry}) mapping
   * each client's certificate subject (CN, OU) to its id and role.
   */
  public static String registryYaml(List<DevClient> clients) {
    StringBuilder yaml =
        new StringBuilder(
            "# Clients of the hub, identified by their certificate's subject: CN (the service) and\n"
                + "# OU (the structure's IDNST). Generated by dev-pki; read by the hub from\n"
                + "# hub.security.client-certificates.registry and re-read when it changes.\n"
                + "clients:\n");
    for (DevClient client : clients) {
      yaml.append("  - id: ")
          .append(client.id())
          .append("\n    role: ")
          .append(client.role())
          .append("\n    cn: \"")
          .append(client.cn())
          .append("\"\n    ou: \"")
          .append(client.ou())
          .append("\"\n");
    }
    return yaml.toString();
  }

  private static DevPki.Issued issue(DevPki pki, DevClient client) {
    return pki.clientCertificate(client.organisation(), client.ou(), client.cn());
  }

  private static void writeIssued(
      Path directory, String certificateFile, String keyFile, DevPki.Issued issued)
      throws IOException {
    Files.writeString(directory.resolve(certificateFile), issued.certificatePem());
    Path key = directory.resolve(keyFile);
    Files.deleteIfExists(key);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(key, issued.privateKeyPem());
  }
}
