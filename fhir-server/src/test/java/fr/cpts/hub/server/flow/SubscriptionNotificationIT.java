package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.notification.Notification;
import fr.cpts.hub.server.notification.Notification.Matching;
import fr.cpts.hub.server.notification.Notification.State;
import fr.cpts.hub.server.notification.NotificationOutbox;
import fr.cpts.hub.server.notification.NotificationProperties;
import fr.cpts.hub.server.notification.NotificationSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A prescriber's software registers one FHIR Subscription (rest-hook) for its organisation and is
 * notified of the results of the orders its practitioners requested, at a real HTTP endpoint (the
 * JDK's server): not of another organisation's; retried while it is down, delivered once it is
 * back, also by a node that knows nothing of the first; given up into the Subscription's error
 * state on a refusal and sent again when it is reactivated; prescriber and radiologist exchange
 * Communications about an order, each notified; bad Subscriptions are refused with 422. The flows
 * drive the delivery themselves ({@link NotificationSender#deliverDue} at chosen instants).
 */
@HubIntegrationTest
class SubscriptionNotificationIT {

  @LocalServerPort int port;
  @Autowired NotificationSender sender;
  @Autowired NotificationOutbox outbox;
  @Autowired NotificationProperties properties;
  @Autowired DaoRegistry daos;
  @Autowired MatchUrlService matchUrls;
  @Autowired ca.uhn.fhir.context.FhirContext fhirContext;
  @Autowired Clock clock;

  private IGenericClient client;
  private ImagingOrders orders;
  private final List<NotificationReceiver> receivers = new ArrayList<>();
  private final List<IdType> subscriptions = new ArrayList<>();

  @BeforeEach
  void setUp() {
    client = HubClient.of(port);
    orders = new ImagingOrders(client);
  }

  @AfterEach
  void tearDown() {
    subscriptions.forEach(id -> client.delete().resourceById(id).execute());
    receivers.forEach(NotificationReceiver::close);
  }

  @Test
  void resultsOfAnOrderOfItsOrganisation_areNotified_notThoseOfAnotherOrganisation() {
    ImagingOrders.Practice mine = orders.practice();
    ImagingOrders.Practice other = orders.practice();
    NotificationReceiver receiver = receiver();
    IdType subscription =
        subscribe(
            ImagingOrders.resultsOf(mine),
            receiver,
            s ->
                s.getChannel()
                    .setPayload("application/fhir+json")
                    .addHeader("Authorization: Bearer prescriber-token"));
    assertThat(
            client.read().resource(Subscription.class).withId(subscription).execute().getStatus())
        .as("requested becomes active")
        .isEqualTo(SubscriptionStatus.ACTIVE);

    IdType myOrder = orders.order(mine);
    IdType otherOrder = orders.order(other);
    IdType myReport = orders.report(myOrder);
    IdType otherReport = orders.report(otherOrder);
    sender.deliverDue(clock.instant());

    assertThat(receiver.received())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("PUT");
              assertThat(r.path()).isEqualTo("/notify/DiagnosticReport/" + myReport.getIdPart());
              assertThat(r.authorization()).isEqualTo("Bearer prescriber-token");
              DiagnosticReport sent =
                  HubClient.FHIR.newJsonParser().parseResource(DiagnosticReport.class, r.body());
              assertThat(sent.getStatus()).isEqualTo(DiagnosticReportStatus.FINAL);
              assertThat(sent.getBasedOnFirstRep().getReferenceElement().getIdPart())
                  .isEqualTo(myOrder.getIdPart());
            });
    assertThat(notifications(subscription))
        .extracting(Notification::resourceId, Notification::matching, Notification::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                myReport.getIdPart(), Matching.TO_CHECK, State.SENT),
            org.assertj.core.groups.Tuple.tuple(
                otherReport.getIdPart(), Matching.TO_CHECK, State.UNMATCHED));
    assertThat(client.read().resource(ServiceRequest.class).withId(myOrder).execute().getStatus())
        .isEqualTo(ServiceRequestStatus.COMPLETED);

    // Delivered once: a later pass sends nothing again.
    sender.deliverDue(clock.instant().plusSeconds(60));
    assertThat(receiver.received()).hasSize(1);
  }

  @Test
  void receiverDown_isRetriedWithADoublingWait_andNotifiedOnceBackUp() {
    ImagingOrders.Practice mine = orders.practice();
    NotificationReceiver receiver = receiver();
    IdType subscription = subscribe(ImagingOrders.resultsOf(mine), receiver, s -> {});
    receiver.down();
    orders.report(orders.order(mine));
    Instant first = clock.instant();
    Duration wait = properties.firstRetry();

    sender.deliverDue(first);
    assertThat(theNotification(subscription))
        .satisfies(
            n -> {
              assertThat(n.state()).isEqualTo(State.PENDING);
              assertThat(n.attempts()).isEqualTo(1);
              assertThat(n.lastError()).isEqualTo("receiver unreachable");
            });
    sender.deliverDue(first.plus(wait).minusSeconds(1));
    assertThat(theNotification(subscription).attempts()).as("not due yet").isEqualTo(1);
    Instant second = first.plus(wait).plusSeconds(1);
    sender.deliverDue(second);
    assertThat(theNotification(subscription).attempts()).isEqualTo(2);
    sender.deliverDue(second.plus(wait).plusSeconds(1));
    assertThat(theNotification(subscription).attempts()).as("the wait has doubled").isEqualTo(2);

    receiver.up();
    sender.deliverDue(second.plus(wait.multipliedBy(2)).plusSeconds(1));

    assertThat(receiver.received())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.path()).isEqualTo("/notify");
              assertThat(r.body()).as("no payload").isEmpty();
            });
    assertThat(theNotification(subscription))
        .satisfies(
            n -> {
              assertThat(n.state()).isEqualTo(State.SENT);
              assertThat(n.attempts()).isEqualTo(3);
            });
  }

  @Test
  void hubRestartedWithAPendingNotification_aNewNodeDeliversIt() {
    ImagingOrders.Practice mine = orders.practice();
    NotificationReceiver receiver = receiver();
    IdType subscription = subscribe(ImagingOrders.resultsOf(mine), receiver, s -> {});
    receiver.down();
    orders.report(orders.order(mine));
    sender.deliverDue(clock.instant());
    assertThat(theNotification(subscription).state()).isEqualTo(State.PENDING);

    // A node that knows nothing of the first: all it has is the database.
    NotificationSender restarted =
        new NotificationSender(outbox, properties, daos, matchUrls, fhirContext, clock);
    receiver.up();
    restarted.deliverDue(clock.instant().plus(Duration.ofHours(2)));

    assertThat(receiver.received()).hasSize(1);
    assertThat(theNotification(subscription).state()).isEqualTo(State.SENT);
  }

  @Test
  void receiverRefuses_theNotificationIsGivenUp_theSubscriptionInError_andResentOnceReactivated() {
    ImagingOrders.Practice mine = orders.practice();
    NotificationReceiver receiver = receiver();
    IdType subscription = subscribe(ImagingOrders.resultsOf(mine), receiver, s -> {});
    receiver.answer(410);
    IdType report = orders.report(orders.order(mine));

    sender.deliverDue(clock.instant());

    assertThat(theNotification(subscription))
        .satisfies(
            n -> {
              assertThat(n.state()).isEqualTo(State.FAILED);
              assertThat(n.lastError()).isEqualTo("HTTP 410");
            });
    Subscription inError =
        client.read().resource(Subscription.class).withId(subscription).execute();
    assertThat(inError.getStatus()).isEqualTo(SubscriptionStatus.ERROR);
    assertThat(inError.getError())
        .startsWith("HUB-1010")
        .contains("DiagnosticReport/" + report.getIdPart())
        .contains("HTTP 410");

    // While in error, a new result waits; the subscriber fixes its endpoint and asks again.
    orders.report(orders.order(mine));
    sender.deliverDue(clock.instant().plusSeconds(1));
    assertThat(receiver.received()).hasSize(1);
    receiver.answer(200);
    inError.setStatus(SubscriptionStatus.REQUESTED);
    inError.setError(null);
    inError.setId(inError.getIdElement().toUnqualifiedVersionless());
    client.update().resource(inError).execute();
    sender.deliverDue(clock.instant().plusSeconds(2));

    assertThat(receiver.received()).hasSize(3);
    assertThat(notifications(subscription))
        .hasSize(2)
        .allSatisfy(n -> assertThat(n.state()).isEqualTo(State.SENT));
  }

  @Test
  void communicationsAboutAnOrder_notifyTheRecipientSide_each() {
    ImagingOrders.Practice prescriber = orders.practice();
    IdType radiology = orders.organization();
    IdType order = orders.order(prescriber);
    NotificationReceiver prescriberSoftware = receiver();
    NotificationReceiver radiologyServer = receiver();
    // The prescriber's software, for its organisation (a chain: checked by the database); the
    // radiology group's, for messages to it (matched in memory).
    IdType toPrescriber =
        subscribe(
            "Communication?recipient:PractitionerRole.organization="
                + prescriber.organization().getValue(),
            prescriberSoftware,
            s -> s.getChannel().setPayload("application/fhir+json"));
    IdType toRadiology =
        subscribe(
            "Communication?recipient=" + radiology.getValue(),
            radiologyServer,
            s -> s.getChannel().setPayload("application/fhir+json"));

    IdType question =
        communicate(
            order,
            prescriber.role(),
            radiology,
            null,
            "Pouvez-vous préciser le caractère compliqué de la lithiase ?");
    sender.deliverDue(clock.instant());
    IdType answer =
        communicate(
            order,
            radiology,
            prescriber.role(),
            question,
            "Pas de signe de cholécystite ; pas d'urgence chirurgicale.");
    sender.deliverDue(clock.instant());

    assertThat(radiologyServer.received())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path()).isEqualTo("/notify/Communication/" + question.getIdPart());
              Communication sent =
                  HubClient.FHIR.newJsonParser().parseResource(Communication.class, r.body());
              assertThat(sent.getPayloadFirstRep().getContentStringType().getValue())
                  .startsWith("Pouvez-vous");
              assertThat(sent.getAboutFirstRep().getReferenceElement().getIdPart())
                  .isEqualTo(order.getIdPart());
            });
    assertThat(prescriberSoftware.received())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path()).isEqualTo("/notify/Communication/" + answer.getIdPart());
              Communication sent =
                  HubClient.FHIR.newJsonParser().parseResource(Communication.class, r.body());
              assertThat(sent.getInResponseToFirstRep().getReferenceElement().getIdPart())
                  .isEqualTo(question.getIdPart());
            });
    assertThat(notifications(toPrescriber))
        .extracting(Notification::resourceId, Notification::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(question.getIdPart(), State.UNMATCHED),
            org.assertj.core.groups.Tuple.tuple(answer.getIdPart(), State.SENT));
    assertThat(notifications(toRadiology))
        .as("matched in memory: no notification recorded for the answer")
        .extracting(Notification::resourceId, Notification::matching)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(question.getIdPart(), Matching.MATCHED));
  }

  @Test
  void anyResourceType_taskAlertsForOneDoctor_reachOnlyThatDoctorsSoftware() {
    // The shape the SNP broadcast (issue 8) uses: a Task owned by the doctor it alerts.
    ImagingOrders.Practice doctor = orders.practice();
    ImagingOrders.Practice colleague = orders.practice();
    IdType order = orders.order(doctor);
    PractitionerRole role =
        client.read().resource(PractitionerRole.class).withId(doctor.role()).execute();
    PractitionerRole otherRole =
        client.read().resource(PractitionerRole.class).withId(colleague.role()).execute();
    NotificationReceiver software = receiver();
    IdType subscription =
        subscribe(
            "Task?owner=" + role.getPractitioner().getReference(),
            software,
            s -> s.getChannel().setPayload("application/fhir+json"));

    IdType mine = create(task(order, role.getPractitioner()));
    create(task(order, otherRole.getPractitioner()));
    sender.deliverDue(clock.instant());

    assertThat(software.received())
        .extracting(NotificationReceiver.Received::path)
        .containsExactly("/notify/Task/" + mine.getIdPart());
    assertThat(notifications(subscription))
        .extracting(Notification::matching)
        .as("matched in memory, at write time")
        .containsExactly(Matching.MATCHED);
  }

  private static Task task(IdType order, Reference owner) {
    Task task = new Task();
    task.getMeta().addProfile(HubProfiles.TASK);
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setCode(
        new CodeableConcept(new Coding(HubProfiles.CS_TASK_TYPE, "imaging-fulfilment", null)));
    task.setFocus(new Reference(order));
    task.setAuthoredOn(new Date());
    task.setOwner(new Reference(owner.getReference()));
    return task;
  }

  @Test
  void communicationNotAboutAnOrder_isRefusedByItsProfile() {
    ImagingOrders.Practice prescriber = orders.practice();
    IdType radiology = orders.organization();
    Communication message = communication(null, prescriber.role(), radiology, null, "Bonjour");
    message.getAbout().clear();
    message.addAbout(new Reference(prescriber.organization()));

    assertThatThrownBy(() -> client.create().resource(message).execute())
        .isInstanceOf(BaseServerResponseException.class)
        .satisfies(
            e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(422));
  }

  @Test
  void badSubscriptions_areRefusedWith422_quotingTheirCode_andNothingIsStored() {
    NotificationReceiver receiver = receiver();
    String criteria = "DiagnosticReport?status=final";
    int before = subscriptionCount();

    assertRefused(
        "HUB-1001",
        subscription(criteria, receiver).setChannel(channel(SubscriptionChannelType.EMAIL)));
    assertRefused(
        "HUB-1002",
        with(subscription(criteria, receiver), s -> s.getChannel().setEndpoint("notify-me")));
    assertRefused(
        "HUB-1002",
        with(
            subscription(criteria, receiver),
            s -> s.getChannel().setEndpoint("ftp://receiver.example/notify")));
    assertRefused(
        "HUB-1004",
        with(
            subscription(criteria, receiver),
            s -> s.getChannel().setPayload("application/fhir+xml")));
    assertRefused(
        "HUB-1005",
        with(subscription(criteria, receiver), s -> s.getChannel().addHeader("no colon here")));
    assertRefused("HUB-1006", subscription("", receiver));
    assertRefused("HUB-1007", subscription("Nothing?status=final", receiver));
    assertRefused("HUB-1007", subscription("DiagnosticReport", receiver));
    assertRefused("HUB-1008", subscription("DiagnosticReport?no-such-parameter=1", receiver));

    assertThat(subscriptionCount()).isEqualTo(before);
  }

  // --- fixtures -------------------------------------------------------------------------------

  private NotificationReceiver receiver() {
    NotificationReceiver receiver = new NotificationReceiver();
    receivers.add(receiver);
    return receiver;
  }

  private Subscription subscription(String criteria, NotificationReceiver receiver) {
    Subscription subscription = new Subscription();
    subscription.setStatus(SubscriptionStatus.REQUESTED);
    subscription.setReason("Résultats d'imagerie des prescripteurs du cabinet");
    subscription.setCriteria(criteria);
    subscription.setChannel(channel(SubscriptionChannelType.RESTHOOK));
    subscription.getChannel().setEndpoint(receiver.endpoint());
    return subscription;
  }

  private static Subscription.SubscriptionChannelComponent channel(SubscriptionChannelType type) {
    return new Subscription.SubscriptionChannelComponent().setType(type);
  }

  private static Subscription with(Subscription subscription, Consumer<Subscription> change) {
    change.accept(subscription);
    return subscription;
  }

  private IdType subscribe(
      String criteria, NotificationReceiver receiver, Consumer<Subscription> change) {
    Subscription subscription = with(subscription(criteria, receiver), change);
    IdType id =
        (IdType)
            client.create().resource(subscription).execute().getId().toUnqualifiedVersionless();
    subscriptions.add(id);
    return id;
  }

  private void assertRefused(String code, Subscription subscription) {
    assertThatThrownBy(() -> client.create().resource(subscription).execute())
        .isInstanceOf(BaseServerResponseException.class)
        .satisfies(
            e -> {
              BaseServerResponseException refused = (BaseServerResponseException) e;
              assertThat(refused.getStatusCode()).isEqualTo(422);
              OperationOutcome outcome = (OperationOutcome) refused.getOperationOutcome();
              assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith(code + ": ");
            });
  }

  private int subscriptionCount() {
    return client
        .search()
        .forResource(Subscription.class)
        .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
        .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
        .execute()
        .getTotal();
  }

  private List<Notification> notifications(IdType subscription) {
    return outbox.find(subscription.getIdPart(), null, 100);
  }

  private Notification theNotification(IdType subscription) {
    List<Notification> found = notifications(subscription);
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private Communication communication(
      IdType order, IdType sender, IdType recipient, IdType inResponseTo, String text) {
    Communication message = new Communication();
    message.getMeta().addProfile(HubProfiles.COMMUNICATION_IMAGING);
    message.setStatus(Communication.CommunicationStatus.COMPLETED);
    if (order != null) {
      message.addAbout(new Reference(order));
    }
    if (inResponseTo != null) {
      message.addInResponseTo(new Reference(inResponseTo));
    }
    message.setSent(new Date());
    message.setSender(new Reference(sender));
    message.addRecipient(new Reference(recipient));
    message.addPayload().setContent(new org.hl7.fhir.r4.model.StringType(text));
    return message;
  }

  private IdType communicate(
      IdType order, IdType sender, IdType recipient, IdType inResponseTo, String text) {
    return create(communication(order, sender, recipient, inResponseTo, text));
  }

  private IdType create(org.hl7.fhir.r4.model.Resource resource) {
    return (IdType) client.create().resource(resource).execute().getId().toUnqualifiedVersionless();
  }
}
