package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.flow.MtFixtures.Gp;
import fr.cpts.hub.server.flow.MtFixtures.Place;
import fr.cpts.hub.server.notification.NotificationSender;
import fr.cpts.hub.server.snp.SnpBroadcaster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * SNP requests broadcast to volunteer professionals (issue 8), as the regulator and the
 * professionals' software call the hub: the waves (the médecin traitant, then the volunteers near
 * the patient's commune, then further), the answers (one decline, two acceptances at once: one
 * wins), the Appointment, the others told it is closed, each professional's software notified of
 * its own messages only; the escalation of a request nobody took in time; the indicators; bad
 * answers and writes refused with nothing changed. The tests drive the waves and the notifications
 * themselves ({@link SnpBroadcaster#advanceDue}, {@link NotificationSender#deliverDue}) at chosen
 * instants.
 */
@HubIntegrationTest
class SnpBroadcastIT {

  @LocalServerPort int port;
  @Autowired SnpBroadcaster broadcaster;
  @Autowired NotificationSender sender;
  @Autowired Clock clock;

  private IGenericClient client;
  private SnpFixtures snp;
  private final List<NotificationReceiver> receivers = new ArrayList<>();
  private final List<IdType> subscriptions = new ArrayList<>();

  @BeforeEach
  void setUp() {
    client = HubClient.of(port);
    snp = new SnpFixtures(client);
  }

  @AfterEach
  void tearDown() {
    subscriptions.forEach(id -> client.delete().resourceById(id).execute());
    receivers.forEach(NotificationReceiver::close);
  }

  @Test
  void completeBroadcast_mtSilent_wave2_oneDecline_twoConcurrentAccepts_oneWins() throws Exception {
    Place home = Place.anywhere();
    // Someone in the patient's commune: where the commune is, for the searches around it.
    MtFixtures.gp(client, "SUR-PLACE", home, false, null);
    Gp mt = snp.volunteer("TRAITANT", home.north(3), "alerts");
    Gp decliner = snp.volunteer("PROCHE-UN", home.north(2), "alerts");
    Gp withSlot = snp.volunteer("PROCHE-DEUX", home.north(4), "alerts");
    Gp withTime = snp.volunteer("PROCHE-TROIS", home.north(5), "alerts", "teleconsultation");
    Gp far = snp.volunteer("LOIN", home.north(20), "alerts");
    Gp slotsOnly = snp.volunteer("CRENEAUX", home.north(1), "slots");
    NotificationReceiver withSlotSoftware = receiver();
    NotificationReceiver farSoftware = receiver();
    subscribe("Communication?recipient=" + withSlot.role(), withSlotSoftware);
    subscribe("Communication?recipient=" + far.role(), farSoftware);
    String slot = snp.slotOf(withSlot, Duration.ofHours(3));

    String request = snp.request(snp.patient(mt), home, Duration.ofHours(47));
    String task = snp.broadcastOf(request);
    Task created = read(task);
    assertThat(created.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
    assertThat(created.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("broadcast");
    assertThat(created.getRestriction().getPeriod().getEnd()).isNotNull();

    Instant t0 = clock.instant();
    broadcaster.advanceDue(t0);
    assertThat(waves(read(task))).containsExactly(Map.entry(1, List.of(mt.roleId())));
    assertThat(read(task).getStatus()).isEqualTo(Task.TaskStatus.INPROGRESS);

    broadcaster.advanceDue(t0.plus(Duration.ofMinutes(10)));
    assertThat(waves(read(task))).as("the médecin traitant has 30 minutes").hasSize(1);

    broadcaster.advanceDue(t0.plus(Duration.ofMinutes(31)));
    Map<Integer, List<String>> waves = waves(read(task));
    assertThat(waves).hasSize(2);
    assertThat(waves.get(2))
        .as("the volunteers answering alerts within 10 km, not the médecin traitant again")
        .containsExactlyInAnyOrder(decliner.roleId(), withSlot.roleId(), withTime.roleId())
        .doesNotContain(far.roleId(), slotsOnly.roleId());

    Parameters declined =
        SnpFixtures.answer(client, task, SnpFixtures.answer(decliner, "declined"));
    assertThat(
            ((Task) declined.getParameter("task").getResource())
                .getBusinessStatus()
                .getCodingFirstRep()
                .getCode())
        .isEqualTo("broadcast");

    // Two acceptances at the same time: exactly one wins.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    Future<Integer> bySlot =
        pool.submit(
            () -> {
              IGenericClient own = HubClient.of(port);
              go.await();
              return SnpFixtures.status(own, task, SnpFixtures.acceptWithSlot(withSlot, slot));
            });
    Future<Integer> byTime =
        pool.submit(
            () -> {
              IGenericClient own = HubClient.of(port);
              go.await();
              return SnpFixtures.status(
                  own, task, SnpFixtures.acceptAt(withTime, Instant.now().plusSeconds(7200)));
            });
    go.countDown();
    List<Integer> statuses = List.of(bySlot.get(), byTime.get());
    pool.shutdown();
    assertThat(statuses).containsExactlyInAnyOrder(200, 409);
    Gp winner = bySlot.get() == 200 ? withSlot : withTime;
    Gp loser = winner == withSlot ? withTime : withSlot;

    Task accepted = read(task);
    assertThat(accepted.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
    assertThat(accepted.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("accepted");
    assertThat(accepted.getOwner().getReference()).isEqualTo(winner.role());
    Reference booked = (Reference) accepted.getOutputFirstRep().getValue();
    Appointment appointment =
        client.read().resource(Appointment.class).withId(booked.getReferenceElement()).execute();
    assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
    assertThat(appointment.getBasedOnFirstRep().getReference()).isEqualTo(request);
    assertThat(appointment.getParticipant())
        .extracting(p -> p.getActor().getReference())
        .contains(winner.role(), "Practitioner/" + winner.practitionerId());
    Slot bookedSlot = client.read().resource(Slot.class).withId(new IdType(slot)).execute();
    assertThat(bookedSlot.getStatus())
        .isEqualTo(winner == withSlot ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);

    assertThat(recipients(request, "alert"))
        .containsExactlyInAnyOrder(mt.role(), decliner.role(), withSlot.role(), withTime.role());
    assertThat(recipients(request, "closed"))
        .as("everyone else alerted is told it is closed")
        .containsExactlyInAnyOrder(mt.role(), decliner.role(), loser.role());

    // Too late, or never asked.
    assertThat(SnpFixtures.status(client, task, SnpFixtures.answer(loser, "declined")))
        .isEqualTo(409);
    assertThat(SnpFixtures.status(client, task, SnpFixtures.acceptAt(far, Instant.now())))
        .isEqualTo(409);
    broadcaster.advanceDue(t0.plus(Duration.ofHours(3)));
    assertThat(waves(read(task))).as("a closed request sends no wave 3").hasSize(2);

    sender.deliverDue(clock.instant());
    assertThat(withSlotSoftware.received())
        .as("its own messages only: the alert, and the closing if it lost")
        .hasSize(winner == withSlot ? 1 : 2)
        .allMatch(r -> r.path().startsWith("/notify/Communication/"));
    assertThat(farSoftware.received()).as("never alerted, never notified").isEmpty();
  }

  @Test
  void requestNobodyTakes_isEscalatedAtItsDeadline_toItsRequester() {
    Place home = Place.anywhere();
    MtFixtures.gp(client, "SUR-PLACE", home, false, null);
    Gp silent = snp.volunteer("SILENCIEUX", home.north(1), "alerts");
    String request = snp.request(snp.patient(null), home, Duration.ofHours(12));
    String task = snp.broadcastOf(request);
    Instant deadline = read(task).getRestriction().getPeriod().getEnd().toInstant();
    assertThat(Duration.between(Instant.now(), deadline))
        .as("the request's own window ends before the 48 hours")
        .isLessThan(Duration.ofHours(13));

    Instant t0 = clock.instant();
    broadcaster.advanceDue(t0);
    broadcaster.advanceDue(t0);
    Map<Integer, List<String>> waves = waves(read(task));
    assertThat(waves.get(1)).as("no médecin traitant").isEmpty();
    assertThat(waves.get(2)).as("at once, wave 1 alerted nobody").contains(silent.roleId());

    broadcaster.advanceDue(deadline.minusSeconds(1));
    assertThat(read(task).getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("broadcast");
    broadcaster.advanceDue(deadline);
    Task escalated = read(task);
    assertThat(escalated.getStatus()).isEqualTo(Task.TaskStatus.FAILED);
    assertThat(escalated.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("escalated");
    assertThat(escalated.getOwner().getIdentifier().getValue())
        .isEqualTo(SnpFixtures.REGULATOR_IDNPS);
    List<Communication> toRegulator = messages(request, "escalated");
    assertThat(toRegulator).hasSize(1);
    assertThat(toRegulator.get(0).getRecipientFirstRep().getIdentifier().getValue())
        .isEqualTo(SnpFixtures.REGULATOR_IDNPS);
    assertThat(recipients(request, "closed")).contains(silent.role());

    assertThat(SnpFixtures.status(client, task, SnpFixtures.acceptAt(silent, Instant.now())))
        .as("escalated: nobody can take it any more")
        .isEqualTo(409);
  }

  @Test
  void badAnswersAndWrites_areRefusedWithTheirCode_andChangeNothing() {
    Place home = Place.anywhere();
    MtFixtures.gp(client, "SUR-PLACE", home, false, null);
    Gp asked = snp.volunteer("ALERTE", home.north(1), "alerts");
    Gp other = snp.volunteer("AUTRE", home.north(80), "alerts");
    String patient = snp.patient(asked);
    String request = snp.request(patient, home, Duration.ofHours(40));

    Task noRequester = SnpFixtures.broadcast(request);
    noRequester.setRequester(null);
    assertRefused(() -> client.create().resource(noRequester).execute(), 422, "HUB-0442");
    Task notAnSnpRequest = SnpFixtures.broadcast(patient);
    assertRefused(() -> client.create().resource(notAnSnpRequest).execute(), 422, "HUB-0441");

    String task = snp.broadcastOf(request);
    broadcaster.advanceDue(clock.instant());
    assertThat(waves(read(task)).get(1)).containsExactly(asked.roleId());
    long version = read(task).getIdElement().getVersionIdPartAsLong();

    assertRefused(
        () -> SnpFixtures.answer(client, task, SnpFixtures.answer(asked, "maybe")),
        400,
        "HUB-0446");
    assertRefused(
        () -> SnpFixtures.answer(client, task, SnpFixtures.answer(asked, "accepted")),
        400,
        "HUB-0446");
    assertRefused(
        () -> SnpFixtures.answer(client, task, SnpFixtures.acceptAt(other, Instant.now())),
        422,
        "HUB-0443");
    assertRefused(
        () -> SnpFixtures.answer(client, "999999999", SnpFixtures.answer(asked, "declined")),
        404,
        "HUB-0440");
    Task meddled = read(task);
    meddled.setOwner(new Reference(other.role()));
    assertRefused(() -> client.update().resource(meddled).execute(), 409, "HUB-0447");
    assertThat(read(task).getIdElement().getVersionIdPartAsLong())
        .as("nothing stored")
        .isEqualTo(version);

    SnpFixtures.answer(client, task, SnpFixtures.answer(asked, "declined"));
    assertRefused(
        () -> SnpFixtures.answer(client, task, SnpFixtures.answer(asked, "declined")),
        422,
        "HUB-0445");

    Task cancelling = read(task);
    cancelling.setStatus(Task.TaskStatus.CANCELLED);
    cancelling.getStatusReason().setText("Le patient a trouvé un rendez-vous");
    cancelling.getExtension().clear();
    client.update().resource(cancelling).execute();
    Task cancelled = read(task);
    assertThat(cancelled.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("cancelled");
    assertThat(cancelled.getExtensionsByUrl(HubProfiles.EXT_SNP_WAVE))
        .as("what the hub recorded is kept")
        .hasSize(1);
    assertThat(recipients(request, "closed")).containsExactly(asked.role());
    assertRefused(
        () -> SnpFixtures.answer(client, task, SnpFixtures.acceptAt(asked, Instant.now())),
        409,
        "HUB-0444");
  }

  @Test
  void indicators_countThePeriodsRequests_andRefuseAnInvertedPeriod() {
    LocalDate today = LocalDate.now(ClockConfig.PARIS);
    Parameters before = indicators(today, today);

    Place home = Place.anywhere();
    MtFixtures.gp(client, "SUR-PLACE", home, false, null);
    Gp taker = snp.volunteer("PRENEUR", home.north(1), "alerts");
    String accepted = snp.broadcastOf(snp.request(snp.patient(taker), home, Duration.ofHours(40)));
    String cancelled = snp.broadcastOf(snp.request(snp.patient(null), home, Duration.ofHours(40)));
    snp.broadcastOf(snp.request(snp.patient(null), home, Duration.ofHours(40)));
    broadcaster.advanceDue(clock.instant());
    SnpFixtures.answer(
        client, accepted, SnpFixtures.acceptAt(taker, Instant.now().plusSeconds(3600)));
    Task cancelling = read(cancelled);
    cancelling.setStatus(Task.TaskStatus.CANCELLED);
    client.update().resource(cancelling).execute();

    Parameters after = indicators(today, today);
    assertThat(count(after, "requests") - count(before, "requests")).isEqualTo(3);
    assertThat(count(after, "accepted") - count(before, "accepted")).isEqualTo(1);
    assertThat(
            count(after, "accepted-within-objective") - count(before, "accepted-within-objective"))
        .isEqualTo(1);
    assertThat(count(after, "cancelled") - count(before, "cancelled")).isEqualTo(1);
    assertThat(count(after, "professionals-participating"))
        .isGreaterThan(count(before, "professionals-participating"));
    assertThat(after.getParameter("median-minutes-to-accept")).isNotNull();

    assertRefused(() -> indicators(today, today.minusDays(1)), 400, "HUB-0450");
  }

  // ---- helpers --------------------------------------------------------------------------------

  private Task read(String id) {
    return client.read().resource(Task.class).withId(id).execute();
  }

  /** Wave number to the PractitionerRole ids it alerted. */
  private static Map<Integer, List<String>> waves(Task task) {
    return task.getExtensionsByUrl(HubProfiles.EXT_SNP_WAVE).stream()
        .collect(
            Collectors.toMap(
                w ->
                    ((org.hl7.fhir.r4.model.PositiveIntType) w.getExtensionByUrl("wave").getValue())
                        .getValue(),
                w ->
                    w.getExtensionsByUrl("alerted").stream()
                        .map(Extension::getValue)
                        .map(r -> ((Reference) r).getReferenceElement().getIdPart())
                        .toList(),
                (a, b) -> a,
                java.util.TreeMap::new));
  }

  private List<Communication> messages(String request, String category) {
    Bundle found =
        client
            .search()
            .byUrl(
                "Communication?based-on="
                    + request
                    + "&category="
                    + HubProfiles.CS_SNP_MESSAGE
                    + "|"
                    + category
                    + "&_count=100")
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> (Communication) e.getResource()).toList();
  }

  private List<String> recipients(String request, String category) {
    return messages(request, category).stream()
        .map(c -> c.getRecipientFirstRep().getReference())
        .toList();
  }

  private Parameters indicators(LocalDate start, LocalDate end) {
    Parameters in = new Parameters();
    in.addParameter("start", new DateType(start.toString()));
    in.addParameter("end", new DateType(end.toString()));
    return client.operation().onServer().named("$snp-indicators").withParameters(in).execute();
  }

  private static int count(Parameters out, String name) {
    return ((IntegerType) out.getParameter(name).getValue()).getValue();
  }

  private NotificationReceiver receiver() {
    NotificationReceiver receiver = new NotificationReceiver();
    receivers.add(receiver);
    return receiver;
  }

  private void subscribe(String criteria, NotificationReceiver receiver) {
    Subscription subscription = new Subscription();
    subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason("Alertes SNP du médecin");
    subscription.setCriteria(criteria);
    subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK);
    subscription.getChannel().setEndpoint(receiver.endpoint());
    subscription.getChannel().setPayload("application/fhir+json");
    subscriptions.add(
        (IdType)
            client.create().resource(subscription).execute().getId().toUnqualifiedVersionless());
  }

  private static void assertRefused(Runnable call, int status, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOf(BaseServerResponseException.class)
        .satisfies(
            e -> {
              BaseServerResponseException refused = (BaseServerResponseException) e;
              assertThat(refused.getStatusCode()).isEqualTo(status);
              IBaseResource body = refused.getOperationOutcome();
              assertThat(body).isInstanceOf(OperationOutcome.class);
              assertThat(((OperationOutcome) body).getIssueFirstRep().getDiagnostics())
                  .contains(code);
            });
  }
}
