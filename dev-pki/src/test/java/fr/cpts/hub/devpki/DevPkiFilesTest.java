package fr.cpts.hub.devpki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DevPkiFilesTest {

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  @TempDir Path directory;

  @Test
  void write_createsTheCaServerEveryRoleTheRevokedOneTheCrlAndTheRegistry() throws Exception {
    DevPkiFiles.write(directory, Instant.now(), List.of("localhost", "127.0.0.1"));

    try (var files = Files.list(directory)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(DevPkiFiles.fileNames());
    }
    X509Certificate ca = certificate(DevPkiFiles.CA);
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    ca.verify(ca.getPublicKey());

    X509Certificate server = certificate(DevPkiFiles.SERVER);
    server.verify(ca.getPublicKey());
    assertThat(server.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(server.getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly((Object) "localhost", "127.0.0.1");

    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      X509Certificate certificate = certificate(client.certificateFile());
      certificate.verify(ca.getPublicKey());
      assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
      assertThat(certificate.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
      assertThat(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253))
          .isEqualTo(
              "CN=" + client.cn() + ",OU=" + client.ou() + ",O=" + client.organisation() + ",C=FR");
      assertThat(Files.readString(directory.resolve(client.privateKeyFile())))
          .startsWith("-----BEGIN PRIVATE KEY-----\n");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(directory.resolve(client.privateKeyFile()))))
          .isEqualTo("rw-------");
    }
    assertThat(DevPkiFiles.CLIENTS)
        .extracting(DevPkiFiles.DevClient::role)
        .containsExactly("SAS_PLATFORM", "GP_SOFTWARE", "RADIOLOGY", "CPTS_CONSOLE");

    X509CRL crl = crl();
    crl.verify(ca.getPublicKey());
    assertThat(crl.getRevokedCertificates())
        .extracting(entry -> entry.getSerialNumber())
        .containsExactly(certificate(DevPkiFiles.REVOKED.certificateFile()).getSerialNumber());
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      assertThat(crl.isRevoked(certificate(client.certificateFile()))).isFalse();
    }

    String registry = Files.readString(directory.resolve(DevPkiFiles.REGISTRY));
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      assertThat(registry)
          .contains(
              "  - id: "
                  + client.id()
                  + "\n    role: "
                  + client.role()
                  + "\n    cn: \""
                  + client.cn()
                  + "\"\n    ou: \""
                  + client.ou()
                  + "\"\n");
    }
    assertThat(registry).doesNotContain(DevPkiFiles.REVOKED.id());
  }

  @Test
  void clientCertificate_takesAnyValidityWindow() throws Exception {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    DevPki pki = DevPki.create("test CA", now, DevPki.DEFAULT_VALIDITY);
    X509Certificate expired =
        pki.clientCertificate(
                "O",
                "1990000001",
                "expired",
                Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-12-31T00:00:00Z"))
            .certificate();
    assertThat(expired.getNotAfter().toInstant()).isBefore(now);
    assertThat(expired.getSubjectX500Principal().getName()).contains("CN=expired");
  }

  @Test
  void command_refusesToReplaceAPkiWithoutForce() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine first = command(out, err);
    assertThat(first.execute("--dir", directory.toString(), "--san", "hub.local,10.0.0.5"))
        .isEqualTo(0);
    assertThat(out.toString()).contains("Development PKI written to").contains("clients.yaml");
    assertThat(certificate(DevPkiFiles.SERVER).getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly((Object) "hub.local", "10.0.0.5");
    String caBefore = Files.readString(directory.resolve(DevPkiFiles.CA));

    assertThat(command(out, err).execute("--dir", directory.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--force");
    assertThat(Files.readString(directory.resolve(DevPkiFiles.CA))).isEqualTo(caBefore);

    assertThat(command(out, err).execute("--dir", directory.toString(), "--force")).isEqualTo(0);
    assertThat(Files.readString(directory.resolve(DevPkiFiles.CA))).isNotEqualTo(caBefore);
  }

  private static CommandLine command(StringWriter out, StringWriter err) {
    CommandLine command = new CommandLine(new DevPkiCommand());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command;
  }

  private X509Certificate certificate(String file) throws Exception {
    try (InputStream in = Files.newInputStream(directory.resolve(file))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private X509CRL crl() throws Exception {
    try (InputStream in = Files.newInputStream(directory.resolve(DevPkiFiles.CRL))) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    }
  }
}
