package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.zaxxer.hikari.HikariDataSource;
import fr.cpts.hub.devpki.DevPkiFiles;
import fr.cpts.hub.server.HubApplication;
import fr.cpts.hub.server.security.ClientIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second hub node in secure mode, on the test hub's database (as {@link TwoNodesIT} starts one),
 * with a development PKI written for it under {@code target/}: the flows of mutual TLS start one
 * each. The node answers every accepted request with a test header naming the client identity it
 * attached ({@value #CLIENT_HEADER}: id, role, IDNST, source), so that a flow sees what the access
 * rules will see.
 */
final class SecureNode implements AutoCloseable {

  static final String CLIENT_HEADER = "X-Test-Client";

  final DevPkiFiles.Generated pki;
  final ConfigurableApplicationContext context;
  final int port;

  private SecureNode(DevPkiFiles.Generated pki, ConfigurableApplicationContext context) {
    this.pki = pki;
    this.context = context;
    this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** A fresh development PKI (server certificate for localhost and 127.0.0.1) under target/. */
  static DevPkiFiles.Generated newPki(String name) {
    try {
      Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), name);
      return DevPkiFiles.write(directory, Instant.now(), List.of("localhost", "127.0.0.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a node with client certificates on (CA, CRL and registry of {@code pki}, both re-read
   * every second) and the given further arguments.
   */
  static SecureNode start(DataSource shared, DevPkiFiles.Generated pki, String... arguments) {
    HikariDataSource database = (HikariDataSource) shared;
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.datasource.url=" + database.getJdbcUrl(),
                "--spring.datasource.username=" + database.getUsername(),
                "--spring.datasource.password="
                    + (database.getPassword() == null ? "" : database.getPassword()),
                "--hub.data-dir=" + pki.directory().resolve("node"),
                "--hub.demo.enabled=false",
                "--hub.schedule.extend-cron=-",
                "--hub.sas.outbox.poll-interval=1h",
                "--hub.security.client-certificates.enabled=true",
                "--hub.security.client-certificates.ca=" + pki.file(DevPkiFiles.CA),
                "--hub.security.client-certificates.crls=" + pki.file(DevPkiFiles.CRL),
                "--hub.security.client-certificates.registry=" + pki.file(DevPkiFiles.REGISTRY),
                "--hub.security.client-certificates.crl-refresh=1s",
                "--hub.security.client-certificates.registry-refresh=1s"));
    args.addAll(List.of(arguments));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(HubApplication.class).run(args.toArray(String[]::new));
    context.getBean(RestfulServer.class).registerInterceptor(new IdentityEcho());
    assertThat(context.getBean(DataSource.class))
        .extracting(d -> ((HikariDataSource) d).getJdbcUrl())
        .isEqualTo(database.getJdbcUrl());
    return new SecureNode(pki, context);
  }

  @Override
  public void close() {
    context.close();
  }

  /** The diagnostics of an OperationOutcome answer. */
  static String diagnostics(String body) {
    OperationOutcome outcome =
        HubClient.FHIR.newJsonParser().parseResource(OperationOutcome.class, body);
    assertThat(outcome.getIssue()).hasSize(1);
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.SECURITY);
    return outcome.getIssueFirstRep().getDiagnostics();
  }

  /** Test only: the identity the hub attached, as a response header. */
  @Interceptor
  static final class IdentityEcho {
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void echo(RequestDetails request, ServletRequestDetails servlet) {
      ClientIdentity.of(request)
          .ifPresent(
              identity ->
                  servlet
                      .getServletResponse()
                      .setHeader(
                          CLIENT_HEADER,
                          identity.clientId()
                              + " "
                              + identity.role()
                              + " "
                              + identity.idnst()
                              + " "
                              + identity.source()));
    }
  }
}
