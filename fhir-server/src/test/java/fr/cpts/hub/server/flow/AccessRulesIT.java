package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.devpki.DevPki;
import fr.cpts.hub.devpki.DevPkiFiles;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.profiles.SasProfiles;
import fr.cpts.hub.server.access.AccessRulesInterceptor;
import fr.cpts.hub.server.access.InsecureModeWarning;
import fr.cpts.hub.server.sas.outbox.SasOutboxOperation;
import fr.cpts.hub.server.security.CertificateSource;
import fr.cpts.hub.server.security.ClientIdentity;
import fr.cpts.hub.server.security.ClientRole;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The access rules on a secure hub: a node with client certificates on, behind a "proxy" whose
 * certificate header it trusts (the test itself, from 127.0.0.1), on the test hub's database. The
 * resources are published through the test hub (development mode, everything allowed) for three
 * structures: the practice X of the GP software's certificate, another practice Y (a second GP
 * software), and the radiology group R. Each client then calls the secure node through HAPI's
 * generic client, with its certificate in the header, or without any (anonymous). Every rule is
 * tried both ways: what it allows succeeds, the attempts across structures are refused with 403 and
 * the rule's {@code HUB-055x} code, and nothing is stored.
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessRulesIT {

  private static final Logger log = LoggerFactory.getLogger(AccessRulesIT.class);
  private static final String HEADER = "X-SSL-Client-Cert";
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final AtomicLong SEQUENCE = new AtomicLong(System.nanoTime() % 1_000_000);

  /** The other practice, with its own practice software. */
  private static final DevPkiFiles.DevClient GP_Y =
      new DevPkiFiles.DevClient(
          "gp-software-y",
          "GP_SOFTWARE",
          "Autre cabinet (test)",
          "356010000000099",
          "lgc.autre-editeur.dev.cpts-hub");

  @Autowired DataSource dataSource;
  @Autowired fr.cpts.hub.server.snp.SnpBroadcaster broadcaster;
  @LocalServerPort int openPort;

  private DevPkiFiles.Generated pki;
  private DevPki.Issued gpY;
  private SecureNode node;
  private IGenericClient open;

  private final String x = DevPkiFiles.GP_SOFTWARE.ou();
  private final String y = GP_Y.ou();
  private final String r = DevPkiFiles.RADIOLOGY.ou();

  private String orgX;
  private String orgY;
  private String orgR;
  private String gpIdnpsX;
  private String practitionerX;
  private String roleX;
  private String roleY;
  private String scheduleX;
  private String scheduleY;
  private String scheduleR;
  private String slotX;
  private String slotY;
  private String publicSlotX;
  private String patient;
  private String appointmentX;
  private String appointmentY;
  private String slotOfAppointmentY;
  private String orderXtoR;
  private String orderYtoY;

  @BeforeAll
  void startSecureNodeAndPublish() throws IOException {
    pki = SecureNode.newPki("access-rules-it");
    gpY = pki.pki().clientCertificate(GP_Y.organisation(), GP_Y.ou(), GP_Y.cn());
    List<DevPkiFiles.DevClient> clients = new ArrayList<>(DevPkiFiles.CLIENTS);
    clients.add(GP_Y);
    Files.writeString(pki.file(DevPkiFiles.REGISTRY), DevPkiFiles.registryYaml(clients));
    node =
        SecureNode.start(
            dataSource,
            pki,
            "--hub.security.client-certificates.trusted-proxies=127.0.0.1/32",
            "--logging.level.fr.cpts.hub.server.access=INFO");
    open = HubClient.of(openPort);
    publish();
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  // ---- anonymous --------------------------------------------------------------------------------

  @Test
  void anonymous_readsThePublicDirectoryAndMetadata_only() {
    IGenericClient anonymous = secure(null);
    for (String type : List.of("Practitioner", "PractitionerRole", "Location", "Organization")) {
      assertThat(anonymous.search().forResource(type).returnBundle(Bundle.class).execute())
          .as(type)
          .isNotNull();
    }
    assertThat(anonymous.read().resource(Organization.class).withId(orgX).execute().getIdentifier())
        .anyMatch(i -> x.equals(i.getValue()));
    assertThat(anonymous.capabilities().ofType(CapabilityStatement.class).execute().getStatus())
        .isNotNull();

    assertRefused(() -> anonymous.read().resource(Patient.class).withId(patient).execute(), "0551");
    assertRefused(() -> search(anonymous, "Patient"), "0551");
    assertRefused(() -> search(anonymous, "Slot"), "0551");
    assertRefused(() -> search(anonymous, "Appointment"), "0551");
    assertRefused(() -> anonymous.create().resource(practitioner("anonymous")).execute(), "0551");
  }

  @Test
  void anonymous_seesNoPersonalContactDetails_noRegulator_andCannotSearchOnThem() {
    Practitioner withContacts = practitioner("Coordonnées");
    withContacts
        .addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setValue("+33612345678");
    withContacts.addAddress().setCity("Vannes").addLine("3 rue privée").setPostalCode("56000");
    String id = create(withContacts);
    Practitioner regulator = regulator();
    String regulatorUuid = regulator.getIdentifierFirstRep().getValue();
    create(regulator);
    IGenericClient anonymous = secure(null);

    Practitioner shown = anonymous.read().resource(Practitioner.class).withId(id).execute();
    assertThat(shown.getNameFirstRep().getFamily()).isEqualTo("Coordonnées");
    assertThat(shown.getQualification()).isNotEmpty();
    assertThat(shown.getTelecom()).isEmpty();
    assertThat(shown.getAddress()).isEmpty();
    assertThat(
            secure(DevPkiFiles.CPTS_CONSOLE.id())
                .read()
                .resource(Practitioner.class)
                .withId(id)
                .execute()
                .getTelecom())
        .as("an identified client sees them")
        .hasSize(1);
    assertThat(
            anonymous
                .search()
                .byUrl(
                    "Practitioner?identifier="
                        + SasProfiles.SAS_REGULATOR_UUID
                        + "|"
                        + regulatorUuid)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .as("regulator accounts are not public")
        .isEmpty();
    assertThatThrownBy(
            () ->
                anonymous
                    .search()
                    .byUrl("Practitioner?telecom=%2B33612345678")
                    .returnBundle(Bundle.class)
                    .execute())
        .isInstanceOfSatisfying(
            BaseServerResponseException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(403);
              assertThat(
                      ((OperationOutcome) e.getOperationOutcome())
                          .getIssueFirstRep()
                          .getDiagnostics())
                  .startsWith("HUB-0553");
            });
  }

  @Test
  void anonymous_theExactSasSearch_isRefusedBeforeTheFastPath() throws Exception {
    HttpResponse<String> answer = sasSearch(null);
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(diagnostics(answer.body())).startsWith("HUB-0551: ");
  }

  // ---- SAS platform -----------------------------------------------------------------------------

  @Test
  void sas_searchesSlotsThroughTheFastPath_asFastAsWithoutRules() throws Exception {
    HttpResponse<String> secured = sasSearch(DevPkiFiles.SAS_PLATFORM.id());
    assertThat(secured.statusCode()).isEqualTo(200);
    Bundle bundle = HubClient.FHIR.newJsonParser().parseResource(Bundle.class, secured.body());
    assertThat(slotIds(bundle)).isNotEmpty();
    // The same slots as the development hub answers on the same database.
    Bundle unsecured =
        HubClient.FHIR
            .newJsonParser()
            .parseResource(Bundle.class, sasSearchOn(openPort, null).body());
    assertThat(slotIds(bundle)).isEqualTo(slotIds(unsecured));
    // The GP software may read every agenda: the fast path serves it too; the CPTS console as well.
    assertThat(sasSearch(DevPkiFiles.GP_SOFTWARE.id()).statusCode()).isEqualTo(200);

    // What the gate itself costs, rules built afresh for each request as in the hub.
    AccessRulesInterceptor gate = node.context.getBean(AccessRulesInterceptor.class);
    ClientIdentity sas =
        new ClientIdentity(
            "sas-platform",
            ClientRole.SAS_PLATFORM,
            DevPkiFiles.SAS_PLATFORM.cn(),
            DevPkiFiles.SAS_PLATFORM.ou(),
            "CN=" + DevPkiFiles.SAS_PLATFORM.cn(),
            "1",
            "CN=ca",
            CertificateSource.PROXY_HEADER);
    int calls = 20_000;
    long started = 0;
    for (int i = 0; i < 2 * calls; i++) {
      if (i == calls) {
        started = System.nanoTime();
      }
      SystemRequestDetails request = new SystemRequestDetails();
      request.setRestOperationType(RestOperationTypeEnum.SEARCH_TYPE);
      request.setResourceName("Slot");
      request.setParameters(
          Map.of(
              "_include", new String[] {"Slot:schedule"},
              "schedule.actor:Practitioner.identifier", new String[] {FrIdentifiers.IDNPS + "|1"}));
      request.getUserData().put(ClientIdentity.KEY, sas);
      gate.beforeSasFastPath(request);
    }
    log.info(
        "SAS fast path gate: {} ns per request (rules built and applied, {} calls)",
        (System.nanoTime() - started) / calls,
        calls);

    long[] withRules = timings(() -> sasSearch(DevPkiFiles.SAS_PLATFORM.id()));
    long[] withoutRules = timings(() -> sasSearchOn(openPort, null));
    log.info(
        "SAS exact search, 40 sequential requests each: secure node (certificate checked, rules)"
            + " p50 {} µs, p90 {} µs; development hub p50 {} µs, p90 {} µs",
        withRules[0],
        withRules[1],
        withoutRules[0],
        withoutRules[1]);
  }

  @Test
  void sas_writesRegulatorsAndSnpBookings_andNothingElse() {
    IGenericClient sas = secure(DevPkiFiles.SAS_PLATFORM.id());
    for (String type : List.of("Slot", "Schedule", "PractitionerRole", "HealthcareService")) {
      assertThat(search(sas, type)).as(type).isNotNull();
    }
    Practitioner regulator = regulator();
    String uuid = regulator.getIdentifierFirstRep().getValue();
    assertThat(sas.create().resource(regulator).execute().getCreated()).isTrue();
    regulator.setId((String) null);
    regulator.getNameFirstRep().setFamily("Renommé");
    sas.update()
        .resource(regulator)
        .conditional()
        .where(
            new TokenClientParam("identifier")
                .exactly()
                .systemAndCode(regulator.getIdentifierFirstRep().getSystem(), uuid))
        .execute();

    assertRefused(() -> sas.create().resource(practitioner("not-a-regulator")).execute(), "0550");
    Appointment onSnp = appointment(slotX);
    assertThat(sas.create().resource(onSnp).execute().getCreated()).isTrue();
    assertRefused(() -> sas.create().resource(appointment(publicSlotX)).execute(), "0550");
    assertRefused(() -> sas.create().resource(imagingOrder(roleX, orgR)).execute(), "0550");
    assertRefused(() -> search(sas, "Patient"), "0550");
    assertRefused(() -> search(sas, "Appointment"), "0550");
    assertRefused(() -> sas.create().resource(slot(scheduleX, "SNP")).execute(), "0550");
    assertRefused(
        () -> sas.transaction().withBundle(transaction(slot(scheduleX, "SNP"))).execute(), "0550");
  }

  // ---- GP software ------------------------------------------------------------------------------

  @Test
  void gpSoftware_writesTheSlotsOfItsOwnSchedules_only() {
    IGenericClient gp = secure(DevPkiFiles.GP_SOFTWARE.id());
    assertThat(gp.create().resource(slot(scheduleX, "SNP")).execute().getCreated()).isTrue();

    Slot onY = slot(scheduleY, "SNP");
    assertRefused(() -> gp.create().resource(onY).execute(), "0550");
    assertThat(count("Slot", onY.getIdentifierFirstRep())).isZero();

    // Taking Y's slot over by moving it to X's schedule: the stored slot is checked too.
    Slot stolen = open.read().resource(Slot.class).withId(slotY).execute();
    stolen.setSchedule(new Reference(scheduleX));
    assertRefused(() -> gp.update().resource(stolen).execute(), "0550");
    assertRefused(() -> gp.delete().resourceById(new IdType(slotY)).execute(), "0550");
    assertThat(
            open.read().resource(Slot.class).withId(slotY).execute().getSchedule().getReference())
        .isEqualTo(scheduleY);

    assertRefused(() -> gp.create().resource(role(orgY, practitionerX)).execute(), "0550");
    assertRefused(() -> gp.create().resource(location(orgY)).execute(), "0550");
    assertRefused(() -> gp.create().resource(schedule(roleY)).execute(), "0550");
  }

  @Test
  void gpSoftware_publishesANewProfessionalWithItsRole_inOneTransaction() {
    IGenericClient gp = secure(DevPkiFiles.GP_SOFTWARE.id());
    Practitioner newcomer = practitioner("Nouveau");
    String newcomerUrl = "urn:uuid:" + UUID.randomUUID();
    PractitionerRole role = role(orgX, newcomerUrl);
    String roleUrl = "urn:uuid:" + UUID.randomUUID();
    Schedule schedule = schedule(roleUrl);
    schedule.addActor(new Reference(newcomerUrl));
    String scheduleUrl = "urn:uuid:" + UUID.randomUUID();
    Slot slot = slot(scheduleUrl, "SNP");
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(bundle, newcomerUrl, newcomer);
    add(bundle, roleUrl, role);
    add(bundle, scheduleUrl, schedule);
    add(bundle, "urn:uuid:" + UUID.randomUUID(), slot);

    Bundle answer = gp.transaction().withBundle(bundle).execute();
    assertThat(answer.getEntry()).hasSize(4);
    assertThat(answer.getEntry()).allMatch(e -> e.getResponse().getStatus().startsWith("201"));

    // Alone, without a role at X, a professional is not X's to publish.
    assertRefused(() -> gp.create().resource(practitioner("Seul")).execute(), "0550");
    // Y's professional is not X's either, even in a transaction naming X's organisation nowhere.
    Practitioner ofY =
        open.read().resource(Practitioner.class).withId(practitionerOf(roleY)).execute();
    ofY.getNameFirstRep().setFamily("Modifié par X");
    assertRefused(() -> gp.update().resource(ofY).execute(), "0550");
  }

  @Test
  void gpSoftware_aTransactionIsCheckedEntryByEntry_andStoresNothingWhenOneIsRefused() {
    IGenericClient gp = secure(DevPkiFiles.GP_SOFTWARE.id());
    Slot mine = slot(scheduleX, "SNP");
    Slot theirs = slot(scheduleY, "SNP");
    for (Bundle.BundleType type : List.of(Bundle.BundleType.TRANSACTION, Bundle.BundleType.BATCH)) {
      Bundle bundle = transaction(mine, theirs).setType(type);
      assertRefused(() -> gp.transaction().withBundle(bundle).execute(), "0550");
    }
    assertThat(count("Slot", mine.getIdentifierFirstRep())).isZero();
    assertThat(count("Slot", theirs.getIdentifierFirstRep())).isZero();
  }

  /**
   * A conditional create that matches answers with the stored resource: of a patient of another
   * structure, that would show it. Refused whether it matches or not (a refusal only on a match
   * would tell that the patient exists), plain or inside a transaction; the refusal names neither
   * the match nor its id. The same body without a condition is an ordinary create, allowed.
   */
  @Test
  void gpSoftware_conditionalCreateOfAPatient_isRefusedWhetherItMatchesOrNot_andShowsNothing() {
    IGenericClient gp = secure(DevPkiFiles.GP_SOFTWARE.id());
    Patient body = HubClient.example("Patient-ex-patient-ins.json");
    Identifier ins = body.getIdentifierFirstRep();
    int before = count("Patient", ins);
    assertThat(before).as("the patient stored for another structure holds this INS").isPositive();
    String matching = "identifier=" + ins.getSystem() + "|" + ins.getValue();
    String matchingNothing =
        "identifier=" + ins.getSystem() + "|" + (100_000_000_000_000L + SEQUENCE.incrementAndGet());

    for (String condition : List.of(matching, matchingNothing)) {
      assertRefusedWithoutTheMatch(
          () -> gp.create().resource(body).conditionalByUrl("Patient?" + condition).execute());
      Bundle transaction = transaction(body.copy());
      transaction.getEntryFirstRep().getRequest().setIfNoneExist(condition);
      assertRefusedWithoutTheMatch(() -> gp.transaction().withBundle(transaction).execute());
      Bundle batch = transaction(body.copy()).setType(Bundle.BundleType.BATCH);
      batch.getEntryFirstRep().getRequest().setIfNoneExist("Patient?" + condition);
      assertRefusedWithoutTheMatch(() -> gp.transaction().withBundle(batch).execute());
    }
    assertThat(count("Patient", ins)).as("nothing stored").isEqualTo(before);

    assertThat(gp.create().resource(body).execute().getCreated()).isTrue();
    assertThat(count("Patient", ins)).isEqualTo(before + 1);
  }

  /** 403 HUB-0550 saying a conditional create was refused, without the matching patient's id. */
  private void assertRefusedWithoutTheMatch(Runnable call) {
    assertRefused(call, "0550");
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            BaseServerResponseException.class,
            e -> {
              String diagnostics =
                  ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics();
              assertThat(diagnostics)
                  .contains("create with If-None-Exist Patient")
                  .doesNotContain(patient);
            });
  }

  @Test
  void gpSoftware_readsTheAppointmentsAndOrdersOfItsStructure_notAnotherOnes() {
    IGenericClient gp = secure(DevPkiFiles.GP_SOFTWARE.id());
    assertThat(gp.read().resource(Appointment.class).withId(appointmentX).execute().getStatus())
        .isEqualTo(AppointmentStatus.BOOKED);
    Bundle mine =
        gp.search()
            .forResource(Appointment.class)
            .where(Appointment.SLOT.hasId(slotX))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(mine.getEntry()).isNotEmpty();
    assertThat(gp.read().resource(ServiceRequest.class).withId(orderXtoR).execute()).isNotNull();

    assertRefused(
        () -> gp.read().resource(Appointment.class).withId(appointmentY).execute(), "0550");
    assertRefused(
        () ->
            gp.search()
                .forResource(Appointment.class)
                .where(Appointment.SLOT.hasId(slotOfAppointmentY))
                .returnBundle(Bundle.class)
                .execute(),
        "0550");
    assertRefused(
        () -> gp.read().resource(ServiceRequest.class).withId(orderYtoY).execute(), "0550");
    assertRefused(() -> search(gp, "Patient"), "0550");
    assertRefused(() -> search(gp, "AuditEvent"), "0550");

    IGenericClient other = secure(GP_Y.id());
    assertThat(other.read().resource(Appointment.class).withId(appointmentY).execute()).isNotNull();
    assertRefused(
        () -> other.read().resource(Appointment.class).withId(appointmentX).execute(), "0550");
  }

  // ---- radiology --------------------------------------------------------------------------------

  @Test
  void snp_theSasBroadcasts_xsSoftwareAnswersAndSubscribesForItsOwnRole_only() {
    // roleX takes SNP alerts; the patient's médecin traitant is roleX.
    PractitionerRole volunteer =
        open.read().resource(PractitionerRole.class).withId(roleX).execute();
    volunteer.getExtension().removeIf(e -> HubProfiles.EXT_SNP_PARTICIPATION.equals(e.getUrl()));
    org.hl7.fhir.r4.model.Extension snp =
        volunteer.addExtension().setUrl(HubProfiles.EXT_SNP_PARTICIPATION);
    snp.addExtension("participating", new org.hl7.fhir.r4.model.BooleanType(true));
    snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, "alerts", null));
    open.update().resource(volunteer).execute();
    MtFixtures.Gp gp =
        new MtFixtures.Gp(
            new IdType(roleX).getIdPart(), new IdType(practitionerX).getIdPart(), null);

    IGenericClient sas = secure(DevPkiFiles.SAS_PLATFORM.id());
    SnpFixtures broadcasting = new SnpFixtures(sas);
    String request =
        broadcasting.request(
            broadcasting.patient(gp), MtFixtures.Place.anywhere(), Duration.ofHours(40));
    String task = broadcasting.broadcastOf(request);
    broadcaster.advanceDue(Instant.now());
    assertThat(
            open.read()
                .resource(Task.class)
                .withId(task)
                .execute()
                .getExtensionsByUrl(HubProfiles.EXT_SNP_WAVE))
        .hasSize(1);

    IGenericClient softwareX = secure(DevPkiFiles.GP_SOFTWARE.id());
    IGenericClient softwareY = secure(GP_Y.id());
    Parameters accept = SnpFixtures.acceptAt(gp, Instant.now().plusSeconds(3600));
    assertThatThrownBy(() -> SnpFixtures.answer(softwareY, task, accept))
        .isInstanceOfSatisfying(
            BaseServerResponseException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(403);
              assertThat(
                      ((OperationOutcome) e.getOperationOutcome())
                          .getIssueFirstRep()
                          .getDiagnostics())
                  .startsWith("HUB-0449");
            });
    Parameters answered = SnpFixtures.answer(softwareX, task, accept);
    assertThat(answered.getParameter("appointment")).isNotNull();
    assertThat(
            softwareX
                .search()
                .byUrl("Communication?recipient=" + roleX)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .as("X's software reads the alert of X's role")
        .isNotEmpty();

    org.hl7.fhir.r4.model.Subscription mine = alertsOf(roleX);
    org.hl7.fhir.r4.model.IdType subscription =
        (org.hl7.fhir.r4.model.IdType) softwareX.create().resource(mine).execute().getId();
    assertRefused(() -> softwareX.create().resource(alertsOf(roleY)).execute(), "0550");
    org.hl7.fhir.r4.model.Subscription wider = alertsOf(roleX);
    wider.setCriteria("Communication?category=" + HubProfiles.CS_SNP_MESSAGE + "|alert");
    assertRefused(() -> softwareX.create().resource(wider).execute(), "0550");
    assertRefused(
        () -> softwareY.delete().resourceById(subscription.toUnqualifiedVersionless()).execute(),
        "0550");
    softwareX.delete().resourceById(subscription.toUnqualifiedVersionless()).execute();
  }

  private static org.hl7.fhir.r4.model.Subscription alertsOf(String role) {
    org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
    subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason("Alertes SNP");
    subscription.setCriteria("Communication?recipient=" + role);
    subscription
        .getChannel()
        .setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
        .setEndpoint("https://cabinet.example.fr/alertes")
        .setPayload("application/fhir+json");
    return subscription;
  }

  @Test
  void reservedImagingSlots_seenAndBookedByTheListedStructureOnly_andTheListIsData() {
    HealthcareService imaging = HubClient.example("HealthcareService-ex-cpts-snp.json");
    imaging.getIdentifierFirstRep().setValue(unique("imaging"));
    imaging.setProvidedBy(new Reference(orgR));
    imaging.getType().clear();
    imaging.setName("Imagerie en circuit court");
    org.hl7.fhir.r4.model.Extension reserved =
        imaging.addExtension().setUrl(HubProfiles.EXT_RESERVED_TO);
    reserved.addExtension("organization", new Reference(orgX));
    String service = create(imaging);
    Schedule ofDevice = schedule(create(device(orgR)));
    ofDevice.addActor(new Reference(service));
    String schedule = create(ofDevice);
    String reservedSlot = create(slot(schedule, "PUBLIC"));
    String slotSearch = "Slot?schedule=" + schedule;

    IGenericClient softwareX = secure(DevPkiFiles.GP_SOFTWARE.id());
    IGenericClient softwareY = secure(GP_Y.id());
    IGenericClient radiology = secure(DevPkiFiles.RADIOLOGY.id());
    assertThat(slotIds(softwareX.search().byUrl(slotSearch).returnBundle(Bundle.class).execute()))
        .containsExactly(new IdType(reservedSlot).getIdPart());
    assertThat(slotIds(radiology.search().byUrl(slotSearch).returnBundle(Bundle.class).execute()))
        .as("the structure that publishes them")
        .hasSize(1);
    assertThat(slotIds(softwareY.search().byUrl(slotSearch).returnBundle(Bundle.class).execute()))
        .as("not listed: the search answers without them")
        .isEmpty();
    assertThatThrownBy(() -> softwareY.read().resource(Slot.class).withId(reservedSlot).execute())
        .isInstanceOf(BaseServerResponseException.class);

    Appointment byY = appointment(reservedSlot);
    byY.addBasedOn(new Reference(orderYtoY));
    assertRefused(() -> softwareY.create().resource(byY).execute(), "0550");
    assertThat(open.read().resource(Slot.class).withId(reservedSlot).execute().getStatus())
        .isEqualTo(Slot.SlotStatus.FREE);

    // The reservation is data: listing Y lets Y see them at once.
    HealthcareService stored =
        open.read().resource(HealthcareService.class).withId(service).execute();
    stored
        .getExtensionByUrl(HubProfiles.EXT_RESERVED_TO)
        .addExtension("organization", new Reference(orgY));
    open.update().resource(stored).execute();
    assertThat(slotIds(softwareY.search().byUrl(slotSearch).returnBundle(Bundle.class).execute()))
        .hasSize(1);

    Appointment byX = appointment(reservedSlot);
    byX.addBasedOn(new Reference(orderXtoR));
    assertThat(softwareX.create().resource(byX).execute().getCreated()).isTrue();
  }

  @Test
  void radiology_itsDevicesAgendas_ordersAddressedToIt_andResults() {
    IGenericClient ris = secure(DevPkiFiles.RADIOLOGY.id());
    assertThat(ris.create().resource(slot(scheduleR, "PUBLIC")).execute().getCreated()).isTrue();
    assertRefused(() -> ris.create().resource(slot(scheduleX, "PUBLIC")).execute(), "0550");
    assertRefused(() -> ris.create().resource(device(orgX)).execute(), "0550");

    ServiceRequest order = ris.read().resource(ServiceRequest.class).withId(orderXtoR).execute();
    order.addIdentifier(accession());
    ris.update().resource(order).execute();
    assertRefused(
        () -> ris.read().resource(ServiceRequest.class).withId(orderYtoY).execute(), "0550");
    assertRefused(() -> search(ris, "Patient"), "0550");

    Bundle results = results(orderXtoR);
    Bundle answer = ris.transaction().withBundle(results).execute();
    assertThat(answer.getEntry()).hasSize(3);
    Bundle otherResults = results(orderYtoY);
    assertRefused(() -> ris.transaction().withBundle(otherResults).execute(), "0550");
    assertThat(
            count(
                "ImagingStudy",
                ((ImagingStudy) otherResults.getEntry().get(1).getResource())
                    .getIdentifierFirstRep()))
        .isZero();

    // The prescriber's software reads the results of its order.
    IGenericClient gp = secure(DevPkiFiles.GP_SOFTWARE.id());
    Bundle reports =
        gp.search()
            .forResource(DiagnosticReport.class)
            .where(DiagnosticReport.BASED_ON.hasId(orderXtoR))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(reports.getEntry()).hasSize(1);
    assertRefused(
        () ->
            secure(GP_Y.id())
                .search()
                .forResource(DiagnosticReport.class)
                .where(DiagnosticReport.BASED_ON.hasId(orderXtoR))
                .returnBundle(Bundle.class)
                .execute(),
        "0550");
  }

  // ---- CPTS console -----------------------------------------------------------------------------

  @Test
  void cptsConsole_directory_patients_auditTrail_andOperations() {
    IGenericClient cpts = secure(DevPkiFiles.CPTS_CONSOLE.id());
    assertThat(cpts.create().resource(practitioner("Annuaire")).execute().getCreated()).isTrue();
    assertThat(cpts.read().resource(Patient.class).withId(patient).execute()).isNotNull();
    String today = LocalDate.now(PARIS).toString();
    assertThat(
            cpts.search()
                .byUrl("AuditEvent?date=ge" + today + "&date=le" + today)
                .returnBundle(Bundle.class)
                .execute())
        .isNotNull();
    assertThat(
            cpts.operation()
                .onServer()
                .named(SasOutboxOperation.NAME)
                .withNoParameters(Parameters.class)
                .useHttpGet()
                .execute())
        .isNotNull();

    assertRefused(() -> cpts.create().resource(slot(scheduleX, "SNP")).execute(), "0550");
    assertRefused(() -> cpts.create().resource(imagingOrder(roleX, orgR)).execute(), "0550");
    assertRefused(
        () -> cpts.read().resource(Appointment.class).withId(appointmentX).execute(), "0550");
  }

  // ---- the development mode ---------------------------------------------------------------------

  @Test
  void developmentMode_saysSoOnMetadata_theSecureNodeDoesNot() {
    CapabilityStatement insecure = open.capabilities().ofType(CapabilityStatement.class).execute();
    assertThat(insecure.getImplementation().getDescription()).contains(InsecureModeWarning.TEXT);
    assertThat(insecure.getDescription()).isEqualTo(InsecureModeWarning.TEXT);
    CapabilityStatement secure =
        secure(DevPkiFiles.SAS_PLATFORM.id())
            .capabilities()
            .ofType(CapabilityStatement.class)
            .execute();
    assertThat(secure.getImplementation().getDescription()).doesNotContain("INSECURE");
    assertThat(String.valueOf(secure.getDescription())).doesNotContain("INSECURE");
  }

  // ---- the data: three structures
  // -----------------------------------------------------------------

  private void publish() {
    orgX = organization(x);
    orgY = organization(y);
    orgR = organization(r);
    practitionerX = create(practitioner("Praticien X"));
    gpIdnpsX =
        open.read()
            .resource(Practitioner.class)
            .withId(practitionerX)
            .execute()
            .getIdentifierFirstRep()
            .getValue();
    String locationX = create(location(orgX));
    PractitionerRole practisingAtX = role(orgX, practitionerX);
    practisingAtX.addLocation(new Reference(locationX));
    roleX = create(practisingAtX);
    String practitionerY = create(practitioner("Praticien Y"));
    roleY = create(role(orgY, practitionerY));
    Schedule ofX = schedule(roleX);
    ofX.addActor(new Reference(practitionerX));
    scheduleX = create(ofX);
    scheduleY = create(schedule(roleY));
    String device = create(device(orgR));
    scheduleR = create(schedule(device));
    Instant tomorrow = LocalDate.now(PARIS).plusDays(1).atTime(10, 0).atZone(PARIS).toInstant();
    slotX =
        create(
            BookingFixtures.snpSlot(scheduleX, unique("slot"), tomorrow, Duration.ofMinutes(20)));
    publicSlotX = create(slot(scheduleX, "PUBLIC"));
    slotY = create(slot(scheduleY, "SNP"));
    patient = BookingFixtures.createPatient(open);
    appointmentX = create(appointment(create(slot(scheduleX, "SNP"))));
    slotOfAppointmentY = create(slot(scheduleY, "SNP"));
    appointmentY = create(appointment(slotOfAppointmentY));
    orderXtoR = create(imagingOrder(roleX, orgR));
    orderYtoY = create(imagingOrder(roleY, orgY));
  }

  private String organization(String idnst) {
    Organization organization = HubClient.example("Organization-ex-cabinet-kercado.json");
    organization.getIdentifier().get(0).setValue(idnst);
    organization.getIdentifier().get(1).setValue(idnst.substring(1));
    return open.create()
        .resource(organization)
        .conditional()
        .where(
            new TokenClientParam("identifier").exactly().systemAndCode(FrIdentifiers.IDNST, idnst))
        .execute()
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  private static Practitioner practitioner(String family) {
    return ConformantPractitioners.of(
        "8" + String.format("%011d", 90_000_000_000L + SEQUENCE.incrementAndGet()), family, "Test");
  }

  private static Practitioner regulator() {
    Practitioner regulator = HubClient.example("Practitioner-ex-regulateur-sas.json");
    regulator.getIdentifierFirstRep().setValue(UUID.randomUUID().toString());
    return regulator;
  }

  private static PractitionerRole role(String organization, String practitioner) {
    PractitionerRole role = HubClient.example("PractitionerRole-ex-dr-le-gall-kercado.json");
    role.getIdentifierFirstRep().setValue(unique("role"));
    role.setPractitioner(new Reference(practitioner));
    role.setOrganization(new Reference(organization));
    role.getLocation().clear();
    return role;
  }

  private static Location location(String organization) {
    Location location = HubClient.example("Location-ex-lieu-kercado.json");
    location.getIdentifierFirstRep().setValue(unique("location"));
    location.setManagingOrganization(new Reference(organization));
    return location;
  }

  private static Device device(String organization) {
    Device device = HubClient.example("Device-ex-echographe.json");
    device.getIdentifierFirstRep().setValue(unique("device"));
    device.setOwner(new Reference(organization));
    return device;
  }

  private static Schedule schedule(String actor) {
    Schedule schedule = new Schedule();
    schedule.addIdentifier().setSystem(HubIdentifiers.SCHEDULE).setValue(unique("schedule"));
    schedule.setActive(true);
    schedule.addActor(new Reference(actor));
    return schedule;
  }

  private static final AtomicLong NEXT_SLOT = new AtomicLong();

  private static Slot slot(String schedule, String type) {
    Instant start =
        ZonedDateTime.of(2031, 6, 2, 8, 0, 0, 0, PARIS)
            .toInstant()
            .plus(Duration.ofMinutes(20 * NEXT_SLOT.getAndIncrement()));
    Slot slot = BookingFixtures.snpSlot(schedule, unique("slot"), start, Duration.ofMinutes(20));
    slot.getMeta().getSecurityFirstRep().setCode(type);
    return slot;
  }

  private Appointment appointment(String slot) {
    return BookingFixtures.viaSas(
        BookingFixtures.appointment(
            slot,
            AppointmentStatus.BOOKED,
            patient,
            gpIdnpsX,
            java.util.Date.from(Instant.parse("2031-06-02T06:00:00Z")),
            java.util.Date.from(Instant.parse("2031-06-02T06:20:00Z"))));
  }

  private ServiceRequest imagingOrder(String requester, String performer) {
    ServiceRequest order = HubClient.example("ServiceRequest-ex-demande-echographie.json");
    order.getIdentifier().clear();
    order.setSubject(new Reference(patient));
    order.setRequester(new Reference(requester));
    order.getPerformer().clear();
    order.addPerformer(new Reference(performer));
    return order;
  }

  private static Identifier accession() {
    ServiceRequest example = HubClient.example("ServiceRequest-ex-demande-echographie.json");
    return example.getIdentifierFirstRep().setValue(unique("ACC"));
  }

  /** The radiology server's results push: report, study and image link, one transaction. */
  private Bundle results(String order) {
    Endpoint endpoint = HubClient.example("Endpoint-ex-wado-radiologie.json");
    String endpointUrl = "urn:uuid:" + UUID.randomUUID();
    ImagingStudy study = HubClient.example("ImagingStudy-ex-etude-echographie.json");
    study.getIdentifierFirstRep().setValue("urn:oid:1.2.250.1.999.1." + SEQUENCE.incrementAndGet());
    study.setSubject(new Reference(patient));
    study.getBasedOn().clear();
    study.addBasedOn(new Reference(order));
    study.getEndpoint().clear();
    study.addEndpoint(new Reference(endpointUrl));
    String studyUrl = "urn:uuid:" + UUID.randomUUID();
    DiagnosticReport report = HubClient.example("DiagnosticReport-ex-cr-echographie.json");
    report.setSubject(new Reference(patient));
    report.getBasedOn().clear();
    report.addBasedOn(new Reference(order));
    report.getImagingStudy().clear();
    report.addImagingStudy(new Reference(studyUrl));
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(bundle, endpointUrl, endpoint);
    add(bundle, studyUrl, study);
    add(bundle, "urn:uuid:" + UUID.randomUUID(), report);
    return bundle;
  }

  private String practitionerOf(String role) {
    return open.read()
        .resource(PractitionerRole.class)
        .withId(role)
        .execute()
        .getPractitioner()
        .getReference();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  private String create(IBaseResource resource) {
    return open.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
  }

  private static void add(Bundle bundle, String fullUrl, Resource resource) {
    bundle
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(resource)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl(resource.fhirType());
  }

  private static Bundle transaction(Resource... resources) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Resource resource : resources) {
      add(bundle, "urn:uuid:" + UUID.randomUUID(), resource);
    }
    return bundle;
  }

  private int count(String type, Identifier identifier) {
    return open.search()
        .forResource(type)
        .where(
            new TokenClientParam("identifier")
                .exactly()
                .systemAndCode(identifier.getSystem(), identifier.getValue()))
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .size();
  }

  private static List<String> slotIds(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Slot.class::isInstance)
        .map(slot -> slot.getIdElement().getIdPart())
        .sorted()
        .toList();
  }

  private static Bundle search(IGenericClient client, String type) {
    return client.search().forResource(type).returnBundle(Bundle.class).execute();
  }

  /** The generic client of a registered client through the "proxy", or anonymous (null). */
  private IGenericClient secure(String clientId) {
    IGenericClient client = HubClient.of(node.port);
    if (clientId != null) {
      AdditionalRequestHeadersInterceptor header = new AdditionalRequestHeadersInterceptor();
      header.addHeaderValue(HEADER, escaped(clientId));
      client.registerInterceptor(header);
    }
    return client;
  }

  private String escaped(String clientId) {
    DevPki.Issued issued = GP_Y.id().equals(clientId) ? gpY : pki.clients().get(clientId);
    return URLEncoder.encode(DevPki.pem(issued.certificate()), StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static void assertRefused(Runnable call, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            BaseServerResponseException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(403);
              OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
              assertThat(outcome.getIssueFirstRep().getCode())
                  .isEqualTo(OperationOutcome.IssueType.SECURITY);
              assertThat(outcome.getIssueFirstRep().getDiagnostics())
                  .startsWith("HUB-" + code + ": ");
            });
  }

  private static String diagnostics(String body) {
    return HubClient.FHIR
        .newJsonParser()
        .parseResource(OperationOutcome.class, body)
        .getIssueFirstRep()
        .getDiagnostics();
  }

  // ---- the SAS request, as the SAS sends it
  // -------------------------------------------------------

  private HttpResponse<String> sasSearch(String clientId) throws Exception {
    return sasSearchOn(node.port, clientId == null ? null : escaped(clientId));
  }

  private HttpResponse<String> sasSearchOn(int port, String header) throws Exception {
    DateTimeFormatter iso = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    ZonedDateTime from = ZonedDateTime.now(PARIS).withNano(0);
    ZonedDateTime to = LocalDate.now(PARIS).plusDays(2).atTime(23, 59, 59).atZone(PARIS);
    String query =
        "_include=Slot:schedule&_include:iterate=Schedule:actor"
            + "&start=ge"
            + enc(iso.format(from))
            + "&start=le"
            + enc(iso.format(to))
            + "&schedule.actor:Practitioner.identifier="
            + enc(FrIdentifiers.IDNPS + "|" + DEMO_GP)
            + "&status=free";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/Slot?" + query))
            .header("Accept", "application/fhir+json")
            .timeout(Duration.ofSeconds(60));
    if (header != null) {
      request.header(HEADER, header);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A GP of the demo territory the test hub loads, with free SNP slots from today to D+2. */
  private static final String DEMO_GP = "810000010000";

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** p50 and p90 in microseconds of 40 sequential calls, after 10 unmeasured ones. */
  private static long[] timings(ThrowingSupplier call) throws Exception {
    for (int i = 0; i < 10; i++) {
      call.get();
    }
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long start = System.nanoTime();
      assertThat(call.get().statusCode()).isEqualTo(200);
      micros.add((System.nanoTime() - start) / 1000);
    }
    Collections.sort(micros);
    return new long[] {micros.get(20), micros.get(36)};
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    HttpResponse<String> get() throws Exception;
  }
}
