package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.hl7v2.llp.MinLLPReader;
import ca.uhn.hl7v2.llp.MinLLPWriter;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.imaging.OrderOutbox;
import fr.cpts.hub.server.imaging.OrderSender;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Imaging orders out to the RIS (issue 6): when a GP's software orders an exam performed by a
 * radiology group whose RIS is configured, the hub sends it an ORM^O01 over MLLP, and a change of
 * status (cancelled) another; the RIS's ACK decides (AA sent, AR given up); a RIS down is retried
 * until it answers, nothing lost in between. The RIS here is a small MLLP server of the test,
 * framing with HAPI HL7 v2.
 */
@HubIntegrationTest
class OrdersToRisIT {

  @LocalServerPort int port;
  @Autowired OrderSender sender;
  @Autowired Clock clock;

  private FakeRis ris;

  @AfterEach
  void stopRis() throws IOException {
    if (ris != null) {
      ris.close();
    }
  }

  @Test
  void newOrder_isSentAsOrm_aCancellationToo_andARisDownIsRetriedUntilItAnswers() throws Exception {
    IGenericClient client = HubClient.of(port);
    ImagingOrders orders = new ImagingOrders(client);
    IdType group = radiologyGroup(client);
    ris = new FakeRis("AA");

    IdType order = orders.order(orders.practice(), group);
    assertThat(sender.sendDue(clock.instant())).isEqualTo(1);
    assertThat(ris.received()).hasSize(1);
    String orm = ris.received().get(0);
    assertThat(orm).contains("|ORM^O01").contains("ORC|NW|").contains("Échographie");
    assertThat(states(order)).containsExactly("SENT");

    ris.close();
    ServiceRequest stored = client.read().resource(ServiceRequest.class).withId(order).execute();
    stored.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
    client.update().resource(stored).execute();
    assertThat(sender.sendDue(clock.instant())).as("the RIS is down").isZero();
    assertThat(sender.messagesOf(order.getIdPart()))
        .extracting(OrderOutbox.Message::state, OrderOutbox.Message::attempts)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("SENT", 1),
            org.assertj.core.groups.Tuple.tuple("PENDING", 1));

    ris = new FakeRis("AA");
    assertThat(sender.sendDue(clock.instant().plus(Duration.ofHours(1)))).isEqualTo(1);
    assertThat(ris.received()).hasSize(1);
    assertThat(ris.received().get(0)).contains("ORC|CA|");
    assertThat(states(order)).containsExactly("SENT", "SENT");
  }

  @Test
  void orderTheRisRefuses_isGivenUpAtOnce_andAnOrderToAnotherGroupIsNotSent() throws Exception {
    IGenericClient client = HubClient.of(port);
    ImagingOrders orders = new ImagingOrders(client);
    ris = new FakeRis("AR");
    IdType refused = orders.order(orders.practice(), radiologyGroup(client));
    IdType elsewhere = orders.order(orders.practice(), orders.organization());

    sender.sendDue(clock.instant());

    assertThat(states(refused)).containsExactly("FAILED");
    assertThat(sender.messagesOf(refused.getIdPart()).get(0).lastError()).contains("AR");
    assertThat(sender.messagesOf(elsewhere.getIdPart())).isEmpty();
  }

  private List<String> states(IdType order) {
    return sender.messagesOf(order.getIdPart()).stream().map(OrderOutbox.Message::state).toList();
  }

  /** The radiology group whose RIS the test hub sends orders to (conditional create). */
  private static IdType radiologyGroup(IGenericClient client) {
    Organization group = new Organization();
    group
        .addIdentifier()
        .setSystem(FrIdentifiers.IDNST)
        .setValue(MllpListenerConfig.RIS_IDNST)
        .setType(
            new CodeableConcept(
                new Coding(FrIdentifiers.TYPE_SYSTEM, FrIdentifiers.TYPE_IDNST, null)));
    group.setActive(true);
    group.setName("Radiologie du Golfe (test)");
    return (IdType)
        client
            .create()
            .resource(group)
            .conditionalByUrl(
                "Organization?identifier="
                    + FrIdentifiers.IDNST
                    + "|"
                    + MllpListenerConfig.RIS_IDNST)
            .execute()
            .getId()
            .toUnqualifiedVersionless();
  }

  /** A RIS's MLLP listener answering every message with the given acknowledgement code. */
  private static final class FakeRis implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicReference<Thread> thread = new AtomicReference<>();

    FakeRis(String code) throws IOException {
      int port = MllpListenerConfig.RIS_PORT;
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new java.net.InetSocketAddress("localhost", port));
      Thread accepting =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket socket = server.accept()) {
                    String message =
                        new MinLLPReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)
                            .getMessage();
                    received.add(
                        new String(
                            message.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                    String control = message.split("\r")[0].split("\\|")[9];
                    new MinLLPWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1)
                        .writeMessage(
                            "MSH|^~\\&|RIS-GOLFE|RADIOLOGIE-GOLFE|CPTS-HUB|CPTS|20261202120000||ACK^O01|A"
                                + control
                                + "|P|2.5\rMSA|"
                                + code
                                + "|"
                                + control
                                + "\r");
                  } catch (Exception closed) {
                    // Closed by the test, or a broken exchange: the hub retries.
                  }
                }
              },
              "fake-ris");
      accepting.setDaemon(true);
      accepting.start();
      thread.set(accepting);
    }

    List<String> received() {
      return List.copyOf(received);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
