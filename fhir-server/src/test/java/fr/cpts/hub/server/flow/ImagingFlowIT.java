package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.notification.NotificationSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The imaging short circuit end to end (issue 6), as the GP's software and the radiology group's
 * server call the hub: the group publishes a device's agenda under its imaging service, slots
 * reserved to the health centre; the GP's software subscribes once for its organisation's results
 * and messages, orders, books a reserved slot; the group assigns the accession number, pushes the
 * results (report with PDF, study, image link) in one transaction; the order is completed, the GP's
 * software notified and able to pull everything; prescriber and radiologist exchange an opinion
 * about the order, each notified.
 */
@HubIntegrationTest
class ImagingFlowIT {

  @LocalServerPort int port;
  @Autowired NotificationSender sender;
  @Autowired Clock clock;

  private IGenericClient client;
  private final List<NotificationReceiver> receivers = new ArrayList<>();
  private final List<IdType> subscriptions = new ArrayList<>();

  @AfterEach
  void tearDown() {
    subscriptions.forEach(id -> client.delete().resourceById(id).execute());
    receivers.forEach(NotificationReceiver::close);
  }

  @Test
  void order_book_accession_results_notification_pull_andOpinion() {
    client = HubClient.of(port);
    ImagingOrders orders = new ImagingOrders(client);
    ImagingOrders.Practice gp = orders.practice();
    IdType group = orders.organization();

    // The radiology group: its imaging service, reserved to the GP's health centre, a device's
    // agenda under it, a half-day slot.
    HealthcareService imaging = HubClient.example("HealthcareService-ex-imagerie-reservee.json");
    imaging.getIdentifierFirstRep().setValue("imaging-" + UUID.randomUUID());
    imaging.setProvidedBy(new Reference(group));
    imaging.getExtensionByUrl(HubProfiles.EXT_RESERVED_TO).getExtension().clear();
    imaging
        .getExtensionByUrl(HubProfiles.EXT_RESERVED_TO)
        .addExtension("organization", new Reference(gp.organization()));
    IdType service = create(imaging);
    org.hl7.fhir.r4.model.Device device = HubClient.example("Device-ex-echographe.json");
    device.getIdentifierFirstRep().setValue("device-" + UUID.randomUUID());
    device.setOwner(new Reference(group));
    Schedule agenda = new Schedule();
    agenda.addIdentifier().setSystem(HubIdentifiers.SCHEDULE).setValue("us-" + UUID.randomUUID());
    agenda.setActive(true);
    agenda.addActor(new Reference(create(device)));
    agenda.addActor(new Reference(service));
    IdType schedule = create(agenda);
    Instant halfDay =
        Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    Slot slot =
        BookingFixtures.snpSlot(
            schedule.getValue(), "us-" + UUID.randomUUID(), halfDay, Duration.ofHours(4));
    slot.getMeta().getSecurityFirstRep().setCode("PUBLIC");
    IdType slotId = create(slot);

    // The GP's software subscribes once, for its organisation's results and messages.
    NotificationReceiver software = receiver();
    subscribe(ImagingOrders.resultsOf(gp), software);
    subscribe(
        "Communication?recipient:PractitionerRole.organization=" + gp.organization().getValue(),
        software);
    NotificationReceiver radiologyServer = receiver();
    subscribe("Communication?recipient=" + group.getValue(), radiologyServer);

    // Order and booking.
    IdType order = orders.order(gp, group);
    ServiceRequest ordered = client.read().resource(ServiceRequest.class).withId(order).execute();
    Appointment booking = new Appointment();
    booking.setStatus(Appointment.AppointmentStatus.BOOKED);
    booking.addBasedOn(new Reference(order));
    booking.addSlot(new Reference(slotId));
    booking.setStart(Date.from(halfDay));
    booking.setEnd(Date.from(halfDay.plus(Duration.ofMinutes(30))));
    booking
        .addParticipant()
        .setActor(ordered.getSubject())
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    booking
        .addParticipant()
        .setActor(new Reference(gp.role()))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    create(booking);
    assertThat(client.read().resource(Slot.class).withId(slotId).execute().getStatus())
        .isEqualTo(Slot.SlotStatus.BUSY);

    // The radiology side assigns the accession number.
    String accession = "ACC-" + UUID.randomUUID().toString().substring(0, 8);
    ordered
        .addIdentifier()
        .setType(
            new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN", null)))
        .setSystem("https://fhir.cpts-hub.fr/sid/accession/radiologie-golfe")
        .setValue(accession);
    client.update().resource(ordered).execute();

    // The results, in one transaction (IHE RAD IMR).
    String studyUid =
        "urn:oid:1.2.250.1.999.1." + Math.abs(UUID.randomUUID().getMostSignificantBits());
    Endpoint link = HubClient.example("Endpoint-ex-wado-radiologie.json");
    ImagingStudy study = HubClient.example("ImagingStudy-ex-etude-echographie.json");
    study.getIdentifierFirstRep().setValue(studyUid);
    study.setSubject(ordered.getSubject());
    study.getBasedOn().clear();
    study.addBasedOn(new Reference(order));
    study.getEndpoint().clear();
    study.addEndpoint(new Reference("urn:uuid:endpoint"));
    DiagnosticReport report = HubClient.example("DiagnosticReport-ex-cr-echographie.json");
    report.getIdentifier().clear();
    report.addIdentifier().setSystem(MllpListenerIT.REPORT_SYSTEM).setValue("CR-" + accession);
    report.getBasedOn().clear();
    report.addBasedOn(new Reference(order));
    report.setSubject(ordered.getSubject());
    report.getImagingStudy().clear();
    report.addImagingStudy(new Reference("urn:uuid:study"));
    Bundle results = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(results, "urn:uuid:endpoint", link);
    add(results, "urn:uuid:study", study);
    add(results, "urn:uuid:report", report);
    client.transaction().withBundle(results).execute();

    assertThat(client.read().resource(ServiceRequest.class).withId(order).execute().getStatus())
        .as("the final report completes the order")
        .isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
    sender.deliverDue(clock.instant());
    assertThat(software.received())
        .as("the GP's software is told of the report")
        .anyMatch(r -> r.path().startsWith("/notify/DiagnosticReport/"));

    // The GP's software pulls the order with its report, the study and the image link.
    Bundle pulled =
        client
            .search()
            .byUrl(
                "ServiceRequest?requester="
                    + gp.role().getValue()
                    + "&_id="
                    + order.getIdPart()
                    + "&_revinclude=DiagnosticReport:based-on&_revinclude=ImagingStudy:basedon")
            .returnBundle(Bundle.class)
            .execute();
    assertThat(pulled.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .contains("ServiceRequest", "DiagnosticReport", "ImagingStudy");
    ImagingStudy stored =
        pulled.getEntry().stream()
            .map(e -> e.getResource())
            .filter(ImagingStudy.class::isInstance)
            .map(ImagingStudy.class::cast)
            .findFirst()
            .orElseThrow();
    Endpoint images =
        client
            .read()
            .resource(Endpoint.class)
            .withId(stored.getEndpointFirstRep().getReferenceElement())
            .execute();
    assertThat(images.getConnectionType().getCode()).isEqualTo("dicom-wado-rs");
    assertThat(images.getAddress()).startsWith("https://");

    // The opinion: the GP asks, the radiologist answers; each side is notified.
    IdType question =
        create(message(order, gp.role(), group, null, "Faut-il compléter par un scanner ?"));
    IdType answer =
        create(message(order, group, gp.role(), question, "Non, l'échographie suffit."));
    sender.deliverDue(clock.instant());
    assertThat(radiologyServer.received())
        .extracting(NotificationReceiver.Received::path)
        .contains("/notify/Communication/" + question.getIdPart());
    assertThat(software.received())
        .extracting(NotificationReceiver.Received::path)
        .contains("/notify/Communication/" + answer.getIdPart());
  }

  private static Communication message(
      IdType order, IdType from, IdType to, IdType inResponseTo, String text) {
    Communication message = new Communication();
    message.getMeta().addProfile(HubProfiles.COMMUNICATION_IMAGING);
    message.setStatus(Communication.CommunicationStatus.COMPLETED);
    message.addAbout(new Reference(order));
    if (inResponseTo != null) {
      message.addInResponseTo(new Reference(inResponseTo));
    }
    message.setSent(new Date());
    message.setSender(new Reference(from));
    message.addRecipient(new Reference(to));
    message.addPayload().setContent(new StringType(text));
    return message;
  }

  private void subscribe(String criteria, NotificationReceiver receiver) {
    Subscription subscription = new Subscription();
    subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason("Résultats et messages d'imagerie du cabinet");
    subscription.setCriteria(criteria);
    subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK);
    subscription.getChannel().setEndpoint(receiver.endpoint());
    subscription.getChannel().setPayload("application/fhir+json");
    subscriptions.add(create(subscription));
  }

  private NotificationReceiver receiver() {
    NotificationReceiver receiver = new NotificationReceiver();
    receivers.add(receiver);
    return receiver;
  }

  private IdType create(Resource resource) {
    return (IdType) client.create().resource(resource).execute().getId().toUnqualifiedVersionless();
  }

  private static void add(Bundle bundle, String fullUrl, Resource resource) {
    bundle
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(resource)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl(resource.fhirType());
  }
}
