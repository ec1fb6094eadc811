package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.zaxxer.hikari.HikariDataSource;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.HubApplication;
import fr.cpts.hub.server.notification.NotificationSender;
import fr.cpts.hub.server.snp.SnpBroadcaster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two hub nodes on one database, as in a scaled-out deployment: the test's hub and a second one
 * started here on the same database (the same PostgreSQL, or the same in-memory H2). Nothing one
 * node knows is missing on the other: fifty bookings of one slot spread over both nodes give one
 * appointment; a booking on one node is seen by the SAS search of the other; a change to a
 * professional made on one node is in the other's answer at once; a Subscription registered on one
 * node and a result stored on the other are notified by either; SNP acceptances spread over both
 * nodes have one winner, and either node sends a broadcast's waves.
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodesIT {

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired SnpBroadcaster broadcaster;

  private ConfigurableApplicationContext secondNode;
  private int secondPort;

  @BeforeAll
  void startSecondNode() {
    HikariDataSource shared = (HikariDataSource) dataSource;
    // As command-line arguments: they take precedence over application.yaml (the H2 file).
    secondNode =
        new SpringApplicationBuilder(HubApplication.class)
            .run(
                "--server.port=0",
                "--spring.datasource.url=" + shared.getJdbcUrl(),
                "--spring.datasource.username=" + shared.getUsername(),
                "--spring.datasource.password="
                    + (shared.getPassword() == null ? "" : shared.getPassword()),
                "--hub.data-dir=target/second-node",
                "--hub.demo.enabled=false",
                "--hub.schedule.extend-cron=-",
                "--hub.sas.outbox.poll-interval=1h",
                "--hub.notification.poll-interval=1h",
                "--hub.snp.tick=1h");
    assertThat(secondNode.getBean(DataSource.class))
        .extracting(d -> ((HikariDataSource) d).getJdbcUrl())
        .isEqualTo(shared.getJdbcUrl());
    secondPort = ((WebServerApplicationContext) secondNode).getWebServer().getPort();
  }

  @AfterAll
  void stopSecondNode() {
    if (secondNode != null) {
      secondNode.close();
    }
  }

  @Test
  void fiftyBookingsOfOneSlotOverBothNodes_exactlyOneSucceeds() throws Exception {
    BookingFixtures fixtures = new BookingFixtures(HubClient.of(port));
    String slot = fixtures.freeSlot();
    int clients = 50;
    List<BookingFixtures.Answer> answers =
        fixtures.bookAtOnce(slot, clients, i -> i % 2 == 0 ? port : secondPort);

    assertThat(answers)
        .filteredOn(a -> a.status() != 201 && a.status() != 409)
        .extracting(a -> a.status() + " " + a.error().getMessage())
        .as("answers other than 201 and 409")
        .isEmpty();
    assertThat(BookingFixtures.byStatus(answers))
        .containsExactly(entry(201, 1L), entry(409, (long) clients - 1));
    for (int node : new int[] {port, secondPort}) {
      IGenericClient client = HubClient.of(node);
      assertThat(
              client
                  .search()
                  .byUrl("Appointment?slot=" + slot + "&_summary=count")
                  .returnBundle(Bundle.class)
                  .execute()
                  .getTotal())
          .isEqualTo(1);
      assertThat(client.read().resource(Slot.class).withId(slot).execute().getStatus())
          .isEqualTo(Slot.SlotStatus.BUSY);
    }
  }

  @Test
  void snpAcceptancesOverBothNodes_oneWins_andEitherNodeSendsTheWaves() throws Exception {
    IGenericClient client = HubClient.of(port);
    SnpFixtures snp = new SnpFixtures(client);
    MtFixtures.Place home = MtFixtures.Place.anywhere();
    MtFixtures.gp(client, "SUR-PLACE", home, false, null);
    List<MtFixtures.Gp> volunteers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      volunteers.add(snp.volunteer("VOLONTAIRE-" + i, home.north(1 + i * 0.5), "alerts"));
    }
    String request = snp.request(snp.patient(null), home, Duration.ofHours(40));
    String task = snp.broadcastOf(request);
    Instant now = Instant.now();
    secondNode.getBean(SnpBroadcaster.class).advanceDue(now);
    broadcaster.advanceDue(now);
    Task broadcast = client.read().resource(Task.class).withId(task).execute();
    assertThat(broadcast.getExtensionsByUrl(HubProfiles.EXT_SNP_WAVE))
        .as("wave 1 (no médecin traitant) by the second node, wave 2 by the first")
        .hasSize(2);

    ExecutorService pool = Executors.newFixedThreadPool(volunteers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < volunteers.size(); i++) {
      MtFixtures.Gp gp = volunteers.get(i);
      int node = i % 2 == 0 ? port : secondPort;
      runs.add(
          pool.submit(
              () -> {
                IGenericClient own = HubClient.of(node);
                go.await();
                return SnpFixtures.status(
                    own, task, SnpFixtures.acceptAt(gp, Instant.now().plusSeconds(3600)));
              }));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> run : runs) {
      statuses.add(run.get());
    }
    pool.shutdown();

    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(volunteers.size() - 1);
    for (int node : new int[] {port, secondPort}) {
      assertThat(
              HubClient.of(node)
                  .search()
                  .byUrl("Appointment?based-on=" + request + "&_summary=count")
                  .returnBundle(Bundle.class)
                  .execute()
                  .getTotal())
          .isEqualTo(1);
    }
  }

  @Test
  void whatOneNodeWrites_theOtherNodesSasSearchAnswersAtOnce() {
    BookingFixtures fixtures = new BookingFixtures(HubClient.of(port));
    fixtures.freeSlot();
    String slot = fixtures.freeSlot();
    String query =
        "Slot?_include=Slot:schedule&_include:iterate=Schedule:actor"
            + "&start=ge2031-03-01T00:00:00&start=le2031-12-31T23:59:59"
            + "&schedule.actor:Practitioner.identifier="
            + FrIdentifiers.IDNPS
            + "|"
            + BookingFixtures.GP_IDNPS
            + "&status=free";
    IGenericClient second = HubClient.of(secondPort);
    Bundle before = second.search().byUrl(query).returnBundle(Bundle.class).execute();

    // A booking on the first node: the second node's answer loses the slot.
    HubClient.of(port)
        .create()
        .resource(fixtures.sasAppointment(slot, AppointmentStatus.BOOKED))
        .execute();
    Bundle after = second.search().byUrl(query).returnBundle(Bundle.class).execute();
    assertThat(after.getTotal()).isEqualTo(before.getTotal() - 1);
    assertThat(after.getEntry())
        .noneMatch(e -> e.getResource().getIdElement().getIdPart().equals(slot.split("/")[1]));

    // The professional renamed on the first node: the second node's answer says so at once,
    // though it has this professional's previous version in its cache.
    Practitioner practitioner =
        after.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Practitioner.class::isInstance)
            .map(Practitioner.class::cast)
            .findFirst()
            .orElseThrow();
    IGenericClient first = HubClient.of(port);
    Practitioner stored =
        first
            .read()
            .resource(Practitioner.class)
            .withId(practitioner.getIdElement().getIdPart())
            .execute();
    String family = stored.getNameFirstRep().getFamily();
    stored.getNameFirstRep().setFamily("DEUX-NOEUDS");
    stored.setId(stored.getIdElement().toUnqualifiedVersionless());
    first.update().resource(stored).execute();
    try {
      Bundle renamed = second.search().byUrl(query).returnBundle(Bundle.class).execute();
      assertThat(
              renamed.getEntry().stream()
                  .map(Bundle.BundleEntryComponent::getResource)
                  .filter(Practitioner.class::isInstance)
                  .map(r -> ((Practitioner) r).getNameFirstRep().getFamily()))
          .containsExactly("DEUX-NOEUDS");
    } finally {
      Practitioner again =
          first
              .read()
              .resource(Practitioner.class)
              .withId(practitioner.getIdElement().getIdPart())
              .execute();
      again.getNameFirstRep().setFamily(family);
      again.setId(again.getIdElement().toUnqualifiedVersionless());
      first.update().resource(again).execute();
    }
  }

  @Test
  void subscriptionOnTheSecondNode_resultOnTheFirst_notifiedByTheSecond() {
    ImagingOrders orders = new ImagingOrders(HubClient.of(port));
    ImagingOrders.Practice practice = orders.practice();
    IGenericClient second = HubClient.of(secondPort);
    try (NotificationReceiver receiver = new NotificationReceiver()) {
      Subscription subscription = new Subscription();
      subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
      subscription.setReason("Deux noeuds");
      subscription.setCriteria(ImagingOrders.resultsOf(practice));
      subscription
          .getChannel()
          .setType(Subscription.SubscriptionChannelType.RESTHOOK)
          .setEndpoint(receiver.endpoint())
          .setPayload("application/fhir+json");
      IIdType id = second.create().resource(subscription).execute().getId();
      try {
        IdType report = orders.report(orders.order(practice));
        // Nothing pending on the node that matched it is needed: the second node's sender
        // finds the notification in the database.
        secondNode.getBean(NotificationSender.class).deliverDue(Instant.now());
        assertThat(receiver.received())
            .extracting(NotificationReceiver.Received::path)
            .containsExactly("/notify/DiagnosticReport/" + report.getIdPart());
      } finally {
        second.delete().resourceById(id.toUnqualifiedVersionless()).execute();
      }
    }
  }
}
