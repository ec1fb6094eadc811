package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import fr.cpts.hub.devpki.DevPki;
import fr.cpts.hub.devpki.DevPkiFiles;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.security.ClientIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLHandshakeException;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Professionals signed in with OpenID Connect, as a web app calls the hub for them: a node on its
 * own TLS with client certificates and bearer tokens on (the certificate is then asked for, not
 * required), accepting the tokens of an {@link OidcIssuer} whose key set it fetches over HTTP. A
 * good token lets its professional in with the Practitioner of its IDNPS, and the audit trail names
 * them; every bad token is refused with 401, its {@code HUB-054x} code and the Bearer challenge; a
 * professional the hub does not know gets 403. Certificates keep working beside tokens.
 *
 * <p>Runs on H2 and PostgreSQL: the professional is looked up in the database.
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInIT {

  /** A search every identified caller may make (the directory). */
  private static final String AUDITED = "/fhir/Practitioner?_count=1";

  /** A search of personal data, traced; a professional signed in is refused it (403). */
  private static final String PATIENTS = "/fhir/Patient?_count=1";

  private static final String PRACTITIONER_HEADER = "X-Test-Practitioner";

  @Autowired DataSource dataSource;
  @LocalServerPort int port;

  private DevPkiFiles.Generated pki;
  private OidcIssuer issuer;
  private SecureNode node;
  private Path team;
  private String idnps;
  private String practitionerId;

  @BeforeAll
  void startNodeAndIssuer() throws Exception {
    pki = SecureNode.newPki("oidc-it");
    issuer = OidcIssuer.start();
    team = pki.directory().resolve("cpts-team.yaml");
    Files.writeString(team, "members: []\n");
    List<String> arguments =
        new java.util.ArrayList<>(
            List.of(
                "--hub.security.tls.enabled=true",
                "--hub.security.tls.certificate=" + pki.file(DevPkiFiles.SERVER),
                "--hub.security.tls.private-key=" + pki.file(DevPkiFiles.SERVER_KEY),
                "--hub.security.oidc.cpts-team=" + team,
                "--hub.security.oidc.cpts-team-refresh=1s"));
    arguments.addAll(issuer.hubArguments());
    node = SecureNode.start(dataSource, pki, arguments.toArray(String[]::new));
    node.context.getBean(RestfulServer.class).registerInterceptor(new PractitionerEcho());

    idnps = newIdnps();
    practitionerId = createPractitioner(idnps, true);
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Test
  void goodToken_withoutCertificate_letsTheProfessionalIn_andTheTrailNamesTheirIdnps()
      throws Exception {
    String token = issuer.token(idnps, c -> {});
    String subject = SignedJWT.parse(token).getJWTClaimsSet().getSubject();

    HttpResponse<String> answer = get(null, AUDITED, token);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"resourceType\":\"Bundle\"");
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER))
        .contains("idnps:" + idnps + " PROFESSIONAL null BEARER_TOKEN");
    assertThat(answer.headers().firstValue(PRACTITIONER_HEADER)).contains(practitionerId);
    // The trail names who asked, also for a refused request.
    assertThat(get(null, PATIENTS, token).statusCode()).isEqualTo(403);

    AuditEvent event = awaitEvent(subject);
    AuditEvent.AuditEventAgentComponent agent = event.getAgentFirstRep();
    assertThat(event.getAgent()).hasSize(1);
    assertThat(agent.getWho().getIdentifier().getSystem()).isEqualTo(FrIdentifiers.IDNPS);
    assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo(idnps);
    assertThat(agent.getAltId()).isEqualTo(subject);
    assertThat(agent.getName()).isEqualTo("PROFESSIONAL");
    assertThat(agent.getRequestor()).isTrue();
  }

  @Test
  void anRppsNumberAsNationalId_findsThePractitionerOfItsIdnps() throws Exception {
    HttpResponse<String> answer = get(null, AUDITED, issuer.token(idnps.substring(1), c -> {}));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue(PRACTITIONER_HEADER)).contains(practitionerId);
  }

  @Test
  void tokenAndCertificate_theTokenIdentifies() throws Exception {
    HttpResponse<String> answer =
        get(issued(DevPkiFiles.SAS_PLATFORM), AUDITED, issuer.token(idnps, c -> {}));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER))
        .contains("idnps:" + idnps + " PROFESSIONAL null BEARER_TOKEN");
  }

  @Test
  void badTokenWithAGoodCertificate_isRefused401() throws Exception {
    HttpResponse<String> answer =
        get(
            issued(DevPkiFiles.SAS_PLATFORM),
            AUDITED,
            issuer.token(idnps, c -> c.issuer("https://elsewhere.test")));

    assertRefused401(answer, "HUB-0542", "invalid_token");
  }

  @Test
  void certificateWithoutToken_isStillItsClient_andAnotherSchemeIsNotAToken() throws Exception {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    for (String authorization : new String[] {null, "Basic c2FzOnNhcw=="}) {
      HttpResponse<String> answer =
          get(issued(sas), "/fhir/Practitioner?_count=1", null, authorization);

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER))
          .contains(sas.id() + " " + sas.role() + " " + sas.ou() + " TLS");
    }
  }

  /**
   * The handshake no longer demands a certificate, so a request with neither credential reaches the
   * hub as anonymous, which the access rules give the public directory only (not patients); a
   * certificate that is sent is still checked in the handshake.
   */
  @Test
  void neitherTokenNorCertificate_isRefused_andBadCertificatesStillFailTheHandshake() {
    assertThat(call(() -> get(null, PATIENTS, null)))
        .satisfies(
            answer -> {
              assertThat(answer.statusCode()).isEqualTo(403);
              assertThat(SecureNode.diagnostics(answer.body())).startsWith("HUB-0551");
              assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER)).isEmpty();
            });

    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    DevPki other = DevPki.create("cpts-hub development CA", Instant.now(), Duration.ofDays(30));
    DevPki.Issued unknownCa = other.clientCertificate(sas.organisation(), sas.ou(), sas.cn());
    DevPki.Issued expired =
        pki.pki()
            .clientCertificate(
                sas.organisation(),
                sas.ou(),
                sas.cn(),
                Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)));
    for (DevPki.Issued certificate : List.of(unknownCa, expired)) {
      assertThatThrownBy(() -> get(certificate, AUDITED, issuer.token(idnps, c -> {})))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("Received fatal alert");
    }
  }

  @Test
  void cptsTeamMember_isLetInAsTheCptsConsole_withOrWithoutAPractitioner() throws Exception {
    String coordinator = newIdnps(); // no Practitioner in the hub
    assertRefused403(get(null, AUDITED, issuer.token(coordinator, c -> {})));

    Files.writeString(team, "members:\n  - \"" + coordinator + "\"\n  - \"" + idnps + "\"\n");
    HttpResponse<String> answer = awaitStatus(200, issuer.token(coordinator, c -> {}));
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER))
        .contains("idnps:" + coordinator + " CPTS_CONSOLE null BEARER_TOKEN");
    assertThat(answer.headers().firstValue(PRACTITIONER_HEADER)).isEmpty();

    HttpResponse<String> member = get(null, AUDITED, issuer.token(idnps, c -> {}));
    assertThat(member.headers().firstValue(SecureNode.CLIENT_HEADER))
        .contains("idnps:" + idnps + " CPTS_CONSOLE null BEARER_TOKEN");
    assertThat(member.headers().firstValue(PRACTITIONER_HEADER)).contains(practitionerId);

    Files.writeString(team, "members: []\n");
    awaitStatus(403, issuer.token(coordinator, c -> {}));
  }

  @Test
  void unknownOrInactiveProfessional_isRefused403_0547() throws Exception {
    assertRefused403(get(null, AUDITED, issuer.token(newIdnps(), c -> {})));

    String retired = newIdnps();
    createPractitioner(retired, false);
    assertRefused403(get(null, AUDITED, issuer.token(retired, c -> {})));
  }

  @Test
  void expired_isRefused401_0544() throws Exception {
    Date past = Date.from(Instant.now().minus(Duration.ofMinutes(10)));
    assertRefused401(
        get(null, AUDITED, issuer.token(idnps, c -> c.expirationTime(past))),
        "HUB-0544",
        "invalid_token");
  }

  @Test
  void notYetValid_isRefused401_0545() throws Exception {
    Date future = Date.from(Instant.now().plus(Duration.ofMinutes(10)));
    assertRefused401(
        get(null, AUDITED, issuer.token(idnps, c -> c.notBeforeTime(future))),
        "HUB-0545",
        "invalid_token");
  }

  @Test
  void wrongIssuer_isRefused401_0542() throws Exception {
    assertRefused401(
        get(null, AUDITED, issuer.token(idnps, c -> c.issuer(OidcIssuer.ISSUER + "/other"))),
        "HUB-0542",
        "invalid_token");
  }

  @Test
  void wrongAudience_isRefused401_0543() throws Exception {
    assertRefused401(
        get(null, AUDITED, issuer.token(idnps, c -> c.audience("another-app"))),
        "HUB-0543",
        "invalid_token");
  }

  @Test
  void acrOtherThanEidas1_isRefused401_0546_askingForEidas1() throws Exception {
    HttpResponse<String> answer = get(null, AUDITED, issuer.token(idnps, c -> c.claim("acr", "1")));

    assertRefused401(answer, "HUB-0546", "insufficient_user_authentication");
    assertThat(answer.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("acr_values=\"eidas1\"");
  }

  @Test
  void badSignature_isRefused401_0541() throws Exception {
    RSAKey impostor =
        new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
            .keyID(issuer.key().getKeyID())
            .generate();
    assertRefused401(
        get(null, AUDITED, OidcIssuer.token(impostor, idnps, c -> {})),
        "HUB-0541",
        "invalid_token");
  }

  @Test
  void unknownKid_isRefused401_0541_afterOneFetchOfTheKeySet() throws Exception {
    get(null, AUDITED, issuer.token(idnps, c -> {})); // the key set is held
    int fetches = issuer.fetches();

    assertRefused401(
        get(null, AUDITED, OidcIssuer.token(OidcIssuer.newKey(), idnps, c -> {})),
        "HUB-0541",
        "invalid_token");
    assertThat(issuer.fetches()).isEqualTo(fetches + 1);
  }

  @Test
  void algNone_isRefused401_0540() throws Exception {
    String unsigned =
        new PlainJWT(SignedJWT.parse(issuer.token(idnps, c -> {})).getJWTClaimsSet()).serialize();
    assertRefused401(get(null, AUDITED, unsigned), "HUB-0540", "invalid_token");
    assertRefused401(get(null, AUDITED, "not-a-jwt"), "HUB-0540", "invalid_token");
  }

  @Test
  void rotatedKey_isPickedUpWithOneFetch_andTheRetiredKeyIsRefused() throws Exception {
    assertThat(get(null, AUDITED, issuer.token(idnps, c -> {})).statusCode()).isEqualTo(200);
    int fetches = issuer.fetches();

    RSAKey retired = issuer.rotate();
    HttpResponse<String> answer = get(null, AUDITED, issuer.token(idnps, c -> {}));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(issuer.fetches()).isEqualTo(fetches + 1);
    assertRefused401(
        get(null, AUDITED, OidcIssuer.token(retired, idnps, c -> {})), "HUB-0541", "invalid_token");
  }

  private void assertRefused401(HttpResponse<String> answer, String code, String error) {
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER)).isEmpty();
    assertThat(SecureNode.diagnostics(answer.body())).startsWith(code + ": ");
    assertThat(answer.headers().allValues("WWW-Authenticate"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith(
            "Bearer realm=\"cpts-hub\", error=\"" + error + "\", error_description=\"" + code);
  }

  private void assertRefused403(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.headers().firstValue(SecureNode.CLIENT_HEADER)).isEmpty();
    assertThat(SecureNode.diagnostics(answer.body())).startsWith("HUB-0547: ");
    assertThat(answer.headers().firstValue("WWW-Authenticate")).isEmpty();
  }

  /** Sends the token until the answer has this status: the team file is re-read every second. */
  private HttpResponse<String> awaitStatus(int status, String token) throws Exception {
    HttpResponse<String> answer = get(null, AUDITED, token);
    for (int i = 0; i < 100 && answer.statusCode() != status; i++) {
      Thread.sleep(100);
      answer = get(null, AUDITED, token);
    }
    assertThat(answer.statusCode()).isEqualTo(status);
    return answer;
  }

  /** The event of the request made with the token of this subject, once written. */
  private AuditEvent awaitEvent(String subject) throws InterruptedException {
    IGenericClient client = HubClient.of(port);
    String url =
        "AuditEvent?date=ge"
            + LocalDate.now().minusDays(1)
            + "&date=le"
            + LocalDate.now().plusDays(1)
            + "&altid="
            + subject;
    for (int i = 0; i < 50; i++) {
      Bundle found = client.search().byUrl(url).returnBundle(Bundle.class).execute();
      if (!found.getEntry().isEmpty()) {
        assertThat(found.getEntry()).hasSize(1);
        return (AuditEvent) found.getEntryFirstRep().getResource();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no audit event of the token's subject");
  }

  /** A fresh synthetic IDNPS: 8 and an RPPS-like number (899 + 9 digits). */
  private static String newIdnps() {
    return "899" + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
  }

  /** Creates, through the test hub, a Practitioner of this IDNPS; its id. */
  private String createPractitioner(String idnps, boolean active) {
    Practitioner practitioner = ConformantPractitioners.of(idnps, "Signe", "Pro");
    practitioner.setActive(active);
    return HubClient.of(port)
        .create()
        .resource(practitioner)
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getIdPart();
  }

  private DevPki.Issued issued(DevPkiFiles.DevClient client) {
    return pki.clients().get(client.id());
  }

  private HttpResponse<String> get(DevPki.Issued certificate, String path, String token)
      throws Exception {
    return get(certificate, path, token, null);
  }

  private HttpResponse<String> get(
      DevPki.Issued certificate, String path, String token, String authorization) throws Exception {
    HttpClient client = MutualTlsClients.client(pki.pki().caCertificate(), certificate);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://localhost:" + node.port + path))
            .header("Accept", "application/fhir+json")
            .timeout(Duration.ofSeconds(60));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    } else if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private interface Call {
    HttpResponse<String> send() throws Exception;
  }

  private static HttpResponse<String> call(Call call) {
    try {
      return call.send();
    } catch (Exception e) {
      throw new AssertionError("the request did not get an answer: " + e, e);
    }
  }

  /** Test only: the Practitioner id of the identity the hub attached, as a response header. */
  @Interceptor
  static final class PractitionerEcho {
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void echo(RequestDetails request, ServletRequestDetails servlet) {
      ClientIdentity.of(request)
          .map(ClientIdentity::practitionerId)
          .ifPresent(id -> servlet.getServletResponse().setHeader(PRACTITIONER_HEADER, id));
    }
  }
}
