package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.Initiator;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.imaging.Hl7v2MessagesOperation;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The radiology information system speaks HL7 v2 to the hub over MLLP, with HAPI's own client, as a
 * RIS would: results (ORU^R01) in ISO-8859-1 and in UTF-8 become the report, study and image link
 * and complete the order; scheduling (SIU^S12, S15) books and cancels the appointment; what cannot
 * be applied is answered AE/AR with its reason and kept, listed by {@code $hl7v2-messages}.
 */
@HubIntegrationTest
class MllpListenerIT {

  static final String INS_SYSTEM = "urn:oid:1.2.250.1.213.1.4.10";
  static final String RADIOLOGIST_IDNPS = "810000099101";
  static final String REPORT_SYSTEM =
      HubIdentifiers.IMAGING_REPORT + "/" + MllpListenerConfig.SOURCE_CODE;
  static final String ACCESSION_SYSTEM =
      HubIdentifiers.ACCESSION + "/" + MllpListenerConfig.SOURCE_CODE;

  /** A patient of the INS profile (as the guide's example), by the INS of the test system. */
  static final String PATIENT =
      """
      {"resourceType": "Patient",
       "meta": {"profile": ["https://fhir.cpts-hub.fr/StructureDefinition/hub-patient-ins"]},
       "extension": [
         {"url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-identity-reliability",
          "extension": [
            {"url": "identityStatus", "valueCoding": {
              "system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identity-status",
              "code": "QUAL"}},
            {"url": "validationDate", "valueDate": "2026-10-12"},
            {"url": "validationMode", "valueCoding": {
              "system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-mode-validation-identity",
              "code": "CN"}}]},
         {"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
          "valueAddress": {
            "extension": [{
              "url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code",
              "valueCoding": {
                "system": "https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM",
                "code": "56260"}}],
            "city": "Vannes"}}],
       "identifier": [{"use": "official",
         "type": {"coding": [{
           "system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203",
           "code": "INS-NIR-TEST"}]},
         "system": "urn:oid:1.2.250.1.213.1.4.10", "value": "{ins}"}],
       "name": [{"use": "official", "family": "MORVAN", "given": ["Jeanne"]}],
       "gender": "female", "birthDate": "1979-03-14"}
      """;

  @LocalServerPort int port;

  private IGenericClient client;
  private HapiContext hl7;
  private Connection connection;

  /** One order of one patient, with the numbers the messages carry. */
  record Order(String ins, String hubNumber, String accession, String studyUid, IdType id) {}

  @BeforeEach
  void connect() throws Exception {
    client = HubClient.of(port);
    hl7 = new DefaultHapiContext(new CanonicalModelClassFactory("2.5"));
    hl7.setValidationContext(ValidationContextFactory.noValidation());
    hl7.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
    // The client writes each message in the character set its MSH-18 names.
    hl7.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
    connection = null;
    for (int attempt = 0; connection == null; attempt++) {
      try {
        connection = hl7.newClient("localhost", MllpListenerConfig.PORT, false);
      } catch (Exception e) {
        if (attempt > 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @AfterEach
  void disconnect() throws Exception {
    if (connection != null) {
      connection.close();
    }
    hl7.close();
  }

  @Test
  void oruInIso88591_isAcknowledgedAa_storesReportStudyAndLink_andCompletesTheOrder()
      throws Exception {
    Order order = order();
    String message = oru(order, "8859/1", "RIS-" + shortId());

    Terser ack = send(message);

    assertAccepted(ack);
    assertThat(ack.get("/MSA-2")).isEqualTo(new Terser(parse(message)).get("/MSH-10"));
    DiagnosticReport report = report(order);
    assertThat(report.getStatus()).isEqualTo(DiagnosticReportStatus.FINAL);
    assertThat(report.getConclusion())
        .startsWith("Échographie abdominale : foie de taille normale, échostructure homogène.")
        .contains("Vésicule biliaire");
    assertThat(report.getBasedOnFirstRep().getReferenceElement().getIdPart())
        .isEqualTo(order.id().getIdPart());
    assertThat(report.getPresentedFormFirstRep().getContentType()).isEqualTo("application/pdf");
    ImagingStudy study = study(order);
    assertThat(study.getModalityFirstRep().getCode()).isEqualTo("US");
    Endpoint endpoint =
        client
            .read()
            .resource(Endpoint.class)
            .withId(study.getEndpointFirstRep().getReferenceElement())
            .execute();
    assertThat(endpoint.getAddress())
        .isEqualTo("https://pacs.demo.cpts-hub.fr/viewer/studies/" + order.studyUid());
    assertThat(readOrder(order).getStatus()).isEqualTo(ServiceRequestStatus.COMPLETED);
  }

  @Test
  void oruInUtf8_withAccents_isReadInUtf8_andTheImageLinkComesFromTheWadoRsBase() throws Exception {
    Order order = order();
    String message = oruUtf8(order, "RIS-" + shortId());

    Terser ack = send(message);

    assertAccepted(ack);
    DiagnosticReport report = report(order);
    assertThat(report.getConclusion())
        .isEqualTo(
            "Scanner thoracique sans injection.\nPas de nodule ni d'épanchement ; pas d'œdème.");
    ImagingStudy study = study(order);
    assertThat(study.getModalityFirstRep().getCode()).isEqualTo("CT");
    assertThat(study.getSeries()).hasSize(1);
    Endpoint endpoint =
        client
            .read()
            .resource(Endpoint.class)
            .withId(study.getEndpointFirstRep().getReferenceElement())
            .execute();
    assertThat(endpoint.getAddress())
        .isEqualTo(MllpListenerConfig.WADO_RS_BASE + "/studies/" + order.studyUid());
    assertThat(readOrder(order).getStatus()).isEqualTo(ServiceRequestStatus.COMPLETED);
  }

  @Test
  void sameMessageTwice_isAcknowledgedAaTwice_butAppliedOnce() throws Exception {
    Order order = order();
    String controlId = "RIS-" + shortId();
    String message = oru(order, "8859/1", controlId);

    assertAccepted(send(message));
    assertAccepted(send(message));

    Bundle reports = reports(order);
    assertThat(reports.getTotal()).isEqualTo(1);
    assertThat(reports.getEntryFirstRep().getResource().getMeta().getVersionId()).isEqualTo("1");
    assertThat(messagesOf(controlId, null))
        .extracting(m -> part(m, "state"))
        .containsExactlyInAnyOrder("processed", "duplicate");
  }

  @Test
  void oruWithoutIns_isAnsweredAe_withTheReason_andKeptAsFailed() throws Exception {
    Order order = order();
    String controlId = "RIS-" + shortId();
    String message =
        oru(order, "8859/1", controlId)
            .replace(
                "~" + order.ins() + "^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS", "");

    Terser ack = send(message);

    assertThat(ack.get("/MSA-1")).isEqualTo("AE");
    assertThat(ack.get("/MSA-3")).startsWith("HUB-0907");
    assertThat(ack.get("/ERR-2-1")).isEqualTo("PID");
    assertThat(ack.get("/ERR-2-3")).isEqualTo("3");
    assertThat(ack.get("/ERR-5-1")).isEqualTo("HUB-0907");
    assertThat(reports(order).getTotal()).isZero();
    assertThat(readOrder(order).getStatus()).isEqualTo(ServiceRequestStatus.ACTIVE);
    List<ParametersParameterComponent> failed = messagesOf(controlId, "failed");
    assertThat(failed)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(part(m, "ack")).isEqualTo("AE");
              assertThat(part(m, "errorCode")).isEqualTo("HUB-0907");
              assertThat(part(m, "type")).isEqualTo("ORU^R01");
              assertThat(part(m, "sendingApplication"))
                  .isEqualTo(MllpListenerConfig.SENDING_APPLICATION);
            });
    // The message itself is kept, as it came, and read in its character set.
    Parameters one =
        client
            .operation()
            .onServer()
            .named(Hl7v2MessagesOperation.NAME)
            .withParameter(Parameters.class, "id", new StringType(part(failed.get(0), "id")))
            .useHttpGet()
            .execute();
    assertThat(part(one.getParameterFirstRep(), "raw"))
        .contains("Échographie abdominale")
        .contains(controlId);
  }

  @Test
  void oruForAnUnknownOrder_isAnsweredAe_byTheHub_andKept() throws Exception {
    Order order = order();
    Order unknown =
        new Order(order.ins(), "SR-UNKNOWN-" + shortId(), "ACC-UNKNOWN-" + shortId(), uid(), null);
    String controlId = "RIS-" + shortId();

    Terser ack = send(oru(unknown, "8859/1", controlId));

    assertThat(ack.get("/MSA-1")).isEqualTo("AE");
    assertThat(ack.get("/MSA-3")).startsWith("HUB-0911");
    assertThat(ack.get("/ERR-5-1")).isEqualTo("HUB-0911");
    assertThat(reports(unknown).getTotal()).isZero();
    assertThat(messagesOf(controlId, "failed"))
        .singleElement()
        .satisfies(m -> assertThat(part(m, "errorCode")).isEqualTo("HUB-0911"));
  }

  @Test
  void messageOfAnUnknownSender_isRejectedAr_andKept() throws Exception {
    Order order = order();
    String controlId = "RIS-" + shortId();
    String message =
        oru(order, "8859/1", controlId)
            .replace("|RIS-GOLFE|RADIOLOGIE-GOLFE|", "|RIS-AUTRE|AILLEURS|");

    Terser ack = send(message);

    assertThat(ack.get("/MSA-1")).isEqualTo("AR");
    assertThat(ack.get("/ERR-5-1")).isEqualTo("HUB-0910");
    assertThat(reports(order).getTotal()).isZero();
    assertThat(messagesOf(controlId, "failed")).hasSize(1);
  }

  @Test
  void adtMessage_isRejectedAr_asAMessageTypeTheHubDoesNotTake() throws Exception {
    String controlId = "RIS-" + shortId();
    String message =
        "MSH|^~\\&|RIS-GOLFE|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS-GOLFE|20261202110500||ADT^A01^ADT_A01|"
            + controlId
            + "|P|2.5\rEVN|A01|20261202110500\rPID|1||279035612345678^^^ASIP&1.2.250.1.213.1.4.10&ISO^INS\r";

    Terser ack = send(message);

    assertThat(ack.get("/MSA-1")).isEqualTo("AR");
    assertThat(ack.get("/ERR-3-1")).isEqualTo("200");
    assertThat(ack.get("/ERR-5-1")).isEqualTo("HUB-0904");
    assertThat(messagesOf(controlId, "failed")).hasSize(1);
  }

  @Test
  void bytesThatAreNoHl7Message_areAnsweredAe_andKept() throws Exception {
    long before = failedWithCode("HUB-0901");
    String ack;
    // HAPI's client only sends messages it can parse: this one goes over a bare MLLP socket.
    try (Socket socket = new Socket("localhost", MllpListenerConfig.PORT)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(0x0b);
      out.write("Bonjour, ceci n'est pas un message HL7.\r".getBytes(StandardCharsets.UTF_8));
      out.write(new byte[] {0x1c, 0x0d});
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      for (int b = in.read(); b != 0x1c && b != -1; b = in.read()) {
        if (b != 0x0b) {
          answer.write(b);
        }
      }
      ack = answer.toString(StandardCharsets.US_ASCII);
    }

    assertThat(ack.split("\r")[1]).startsWith("MSA|AE||HUB-0901: ");
    assertThat(failedWithCode("HUB-0901")).isEqualTo(before + 1);
  }

  private long failedWithCode(String code) {
    Parameters answer =
        client
            .operation()
            .onServer()
            .named(Hl7v2MessagesOperation.NAME)
            .withParameter(Parameters.class, "state", new org.hl7.fhir.r4.model.CodeType("failed"))
            .useHttpGet()
            .execute();
    return answer.getParameter().stream().filter(m -> code.equals(part(m, "errorCode"))).count();
  }

  @Test
  void siuS12ThenS15_booksThenCancelsTheAppointment() throws Exception {
    Order order = order();
    String appointmentNumber = "RDV-" + shortId();

    Terser booked = send(siuS12(order, appointmentNumber, "RIS-" + shortId()));
    assertAccepted(booked);
    Appointment appointment = appointment(appointmentNumber);
    assertThat(appointment.getStatus()).isEqualTo(AppointmentStatus.BOOKED);
    assertThat(appointment.getBasedOnFirstRep().getReferenceElement().getIdPart())
        .isEqualTo(order.id().getIdPart());

    Terser cancelled = send(siuS15(order, appointmentNumber, "RIS-" + shortId()));
    assertAccepted(cancelled);
    Appointment after = appointment(appointmentNumber);
    assertThat(after.getIdElement().getIdPart()).isEqualTo(appointment.getIdElement().getIdPart());
    assertThat(after.getStatus()).isEqualTo(AppointmentStatus.CANCELLED);
  }

  @Test
  void finalReportPostedAsAFhirTransaction_completesTheOrderInTheSameTransaction() {
    Order order = order();
    Order other = order();
    DiagnosticReport preliminary = fhirReport(other, DiagnosticReportStatus.PRELIMINARY);
    DiagnosticReport report = fhirReport(order, DiagnosticReportStatus.FINAL);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(report)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("DiagnosticReport");
    transaction
        .addEntry()
        .setResource(preliminary)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("DiagnosticReport");

    client.transaction().withBundle(transaction).execute();

    assertThat(readOrder(order).getStatus()).isEqualTo(ServiceRequestStatus.COMPLETED);
    assertThat(readOrder(other).getStatus()).isEqualTo(ServiceRequestStatus.ACTIVE);
  }

  // --- the hub's data -------------------------------------------------------------------------

  /** A patient with an INS of the test system and an active imaging order, both new. */
  private Order order() {
    String ins =
        "2790356" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    Patient patient =
        HubClient.FHIR.newJsonParser().parseResource(Patient.class, PATIENT.replace("{ins}", ins));
    IdType patientId = (IdType) client.create().resource(patient).execute().getId();

    String hubNumber = "SR-" + shortId();
    String accession = "ACC-" + shortId();
    ServiceRequest order = new ServiceRequest();
    order.getMeta().addProfile(HubProfiles.SERVICE_REQUEST_IMAGING);
    order.addIdentifier().setSystem(HubIdentifiers.SERVICE_REQUEST).setValue(hubNumber);
    order
        .addIdentifier()
        .setType(
            new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN", null)))
        .setSystem(ACCESSION_SYSTEM)
        .setValue(accession);
    order.setStatus(ServiceRequestStatus.ACTIVE);
    order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    order.addCategory(
        new CodeableConcept(new Coding(HubProfiles.CS_REQUEST_CATEGORY, "imaging-order", null)));
    order.setCode(
        new CodeableConcept(new Coding("http://loinc.org", "24558-9", "US Abdomen"))
            .setText("Échographie abdominale"));
    order.setSubject(new Reference(patientId.toUnqualifiedVersionless()));
    order.setRequester(
        new Reference()
            .setIdentifier(
                new Identifier().setSystem(FrIdentifiers.IDNPS).setValue("810000000001")));
    order.addReasonCode().setText("Douleurs de l'hypochondre droit");
    IdType orderId = (IdType) client.create().resource(order).execute().getId();
    return new Order(ins, hubNumber, accession, uid(), orderId.toUnqualifiedVersionless());
  }

  private DiagnosticReport fhirReport(Order order, DiagnosticReportStatus status) {
    DiagnosticReport report = new DiagnosticReport();
    report.getMeta().addProfile(HubProfiles.DIAGNOSTIC_REPORT_IMAGING);
    report.addIdentifier().setSystem(REPORT_SYSTEM).setValue(order.accession());
    report.addBasedOn(new Reference(order.id()));
    report.setStatus(status);
    report.addCategory(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", null)));
    report.setCode(new CodeableConcept(new Coding("http://loinc.org", "24558-9", null)));
    report.setSubject(new Reference("Patient?identifier=" + INS_SYSTEM + "|" + order.ins()));
    report.setConclusion("Examen normal.");
    return report;
  }

  private ServiceRequest readOrder(Order order) {
    return client.read().resource(ServiceRequest.class).withId(order.id()).execute();
  }

  private Bundle reports(Order order) {
    return client
        .search()
        .forResource(DiagnosticReport.class)
        .where(
            DiagnosticReport.IDENTIFIER.exactly().systemAndCode(REPORT_SYSTEM, order.accession()))
        .returnBundle(Bundle.class)
        .execute();
  }

  private DiagnosticReport report(Order order) {
    Bundle reports = reports(order);
    assertThat(reports.getTotal()).isEqualTo(1);
    return (DiagnosticReport) reports.getEntryFirstRep().getResource();
  }

  private ImagingStudy study(Order order) {
    return theOne(
        ImagingStudy.class,
        ImagingStudy.IDENTIFIER
            .exactly()
            .systemAndCode("urn:dicom:uid", "urn:oid:" + order.studyUid()));
  }

  private Appointment appointment(String number) {
    return theOne(
        Appointment.class,
        Appointment.IDENTIFIER
            .exactly()
            .systemAndCode(
                HubIdentifiers.RIS_APPOINTMENT + "/" + MllpListenerConfig.SOURCE_CODE, number));
  }

  /** The one resource of this type that matches, asserting there is exactly one. */
  private <T extends Resource> T theOne(Class<T> type, ICriterion<?> criterion) {
    Bundle found =
        client.search().forResource(type).where(criterion).returnBundle(Bundle.class).execute();
    assertThat(found.getTotal()).as(type.getSimpleName()).isEqualTo(1);
    return type.cast(found.getEntryFirstRep().getResource());
  }

  private List<ParametersParameterComponent> messagesOf(String controlId, String state) {
    var operation = client.operation().onServer().named(Hl7v2MessagesOperation.NAME);
    Parameters answer =
        (state == null
                ? operation.withNoParameters(Parameters.class)
                : operation.withParameter(
                    Parameters.class, "state", new org.hl7.fhir.r4.model.CodeType(state)))
            .useHttpGet()
            .execute();
    return answer.getParameter().stream()
        .filter(m -> controlId.equals(part(m, "controlId")))
        .toList();
  }

  private static String part(ParametersParameterComponent message, String name) {
    return message.getPart().stream()
        .filter(p -> p.getName().equals(name))
        .map(p -> p.getValue().primitiveValue())
        .findFirst()
        .orElse(null);
  }

  // --- the messages, as the RIS writes them ----------------------------------------------------

  private Terser send(String er7) throws Exception {
    Initiator initiator = connection.getInitiator();
    initiator.setTimeout(60, TimeUnit.SECONDS);
    Message response = initiator.sendAndReceive(parse(er7));
    return new Terser(response);
  }

  private static void assertAccepted(Terser ack) throws Exception {
    assertThat(ack.get("/MSA-1")).as("MSA-1 (ERR-7: %s)", ack.get("/ERR-7")).isEqualTo("AA");
  }

  private Message parse(String er7) throws Exception {
    return hl7.getPipeParser().parse(er7);
  }

  private static String oru(Order order, String charset, String controlId) {
    return String.join(
        "\r",
        "MSH|^~\\&|RIS-GOLFE|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS-GOLFE|20261202110500||ORU^R01^ORU_R01|"
            + controlId
            + "|P|2.5|||||FRA|"
            + charset,
        "PID|1||IPP0004521^^^RIS-GOLFE&1.2.250.1.999.7.1&ISO^PI~"
            + order.ins()
            + "^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS||MORVAN^Jeanne^Marie Hélène^^^^L||19790314|F",
        "ORC|RE|" + order.hubNumber() + "^CPTS-HUB|" + order.accession() + "^RIS-GOLFE",
        "OBR|1|"
            + order.hubNumber()
            + "^CPTS-HUB|"
            + order.accession()
            + "^RIS-GOLFE|24558-9^Échographie abdominale^LN|||20261202091500|||||||||||"
            + order.accession()
            + "||||20261202110000||RUS|F|||||||"
            + RADIOLOGIST_IDNPS
            + "&KERVELLA&Loïc&&&Dr&&&ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO",
        "ZDS|" + order.studyUid() + "^RIS-GOLFE^Application^DICOM",
        "OBX|1|TX|18782-3^Compte rendu^LN||Échographie abdominale : foie de taille normale,"
            + " échostructure homogène.\\.br\\Vésicule biliaire : lithiase de 12 mm.||||||F",
        "OBX|2|ED|18748-4^Compte rendu d'échographie^LN||RIS-GOLFE^AP^PDF^Base64^JVBERi0xLjQKJcfsj6IKJSVFT0YK||||||F",
        "OBX|3|RP|IMAGES^Images de l'étude^L||https://pacs.demo.cpts-hub.fr/viewer/studies/"
            + order.studyUid()
            + "^RIS-GOLFE^IM^HTML||||||F",
        "");
  }

  private static String oruUtf8(Order order, String controlId) {
    return String.join(
        "\r",
        "MSH|^~\\&|RIS-GOLFE|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS-GOLFE|20261203164510+0100||ORU^R01^ORU_R01|"
            + controlId
            + "|P|2.5|||||FRA|UNICODE UTF-8",
        "PID|1||"
            + order.ins()
            + "^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS||LE BIHAN^Aurélien^^^^^L||19851207|M",
        "ORC|RE|" + order.hubNumber() + "^CPTS-HUB|" + order.accession() + "^RIS-GOLFE",
        "OBR|1|"
            + order.hubNumber()
            + "^CPTS-HUB|"
            + order.accession()
            + "^RIS-GOLFE|30745-4^Scanner thoracique^LN|||20261203150000+0100|||||||||||"
            + order.accession()
            + "||||20261203164000+0100||CT|F",
        "OBX|1|HD|110180^Study Instance UID^DCM||^" + order.studyUid() + "^ISO||||||F",
        "OBX|2|CE|121139^Modality^DCM||CT^Computed Tomography^DCM||||||F",
        "OBX|3|HD|112002^Series Instance UID^DCM|1|^" + order.studyUid() + ".1^ISO||||||F",
        "OBX|4|FT|18782-3^Compte rendu^LN||Scanner thoracique sans injection.\\.br\\Pas de nodule"
            + " ni d'épanchement ; pas d'œdème.||||||F",
        "");
  }

  private static String siuS12(Order order, String number, String controlId) {
    return String.join(
        "\r",
        "MSH|^~\\&|RIS-GOLFE|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS-GOLFE|20261201101500||SIU^S12^SIU_S12|"
            + controlId
            + "|P|2.5|||||FRA|8859/1",
        "SCH||"
            + number
            + "^RIS-GOLFE|||||^Douleurs de l'hypochondre droit, échographie demandée|ROUTINE^Routine^HL70276|20|min|||||||||||||||Booked|"
            + order.hubNumber()
            + "^CPTS-HUB|"
            + order.accession()
            + "^RIS-GOLFE",
        "PID|1||"
            + order.ins()
            + "^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS||MORVAN^Jeanne^^^^^L||19790314|F",
        "RGS|1",
        "AIS|1||24558-9^Échographie abdominale^LN|20261203140000|||20|min",
        "AIG|1||echo-mim-1^Échographe salle 1|US",
        "AIP|1||10000099101^KERVELLA^Loïc^^^Dr^^^^^^^RPPS|RAD^Radiologue",
        "");
  }

  private static String siuS15(Order order, String number, String controlId) {
    return String.join(
        "\r",
        "MSH|^~\\&|RIS-GOLFE|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS-GOLFE|20261202170000||SIU^S15^SIU_S12|"
            + controlId
            + "|P|2.5|||||FRA|UNICODE UTF-8",
        "SCH||"
            + number
            + "^RIS-GOLFE||||ANNUL^Annulé à la demande de la patiente|||||^^^20261203140000+0100^20261203142000+0100||||||||||||||Cancelled||"
            + order.accession()
            + "^RIS-GOLFE",
        "PID|1||"
            + order.ins()
            + "^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS||MORVAN^Jeanne^^^^^L||19790314|F",
        "RGS|1",
        "AIP|1||"
            + RADIOLOGIST_IDNPS
            + "^KERVELLA^Loïc^^^Dr^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS|RAD^Radiologue",
        "");
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
  }

  private static String uid() {
    return "1.2.250.1.999.1." + (1 + ThreadLocalRandom.current().nextInt(999_999_999));
  }
}
