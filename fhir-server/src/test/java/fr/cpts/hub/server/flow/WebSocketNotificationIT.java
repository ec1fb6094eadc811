package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.server.notification.NotificationSender;
import fr.cpts.hub.server.notification.WebSocketNotifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The websocket channel of Subscriptions, as a doctor's software uses it for its SNP alerts (issue
 * 8) or any client for its criteria: bind on {@code /websocket}, be pinged of each match of its own
 * Subscription only; what matches while no client is bound waits in the outbox (the rest-hook
 * sender leaves it alone) and is sent once a client binds again.
 */
@HubIntegrationTest
class WebSocketNotificationIT {

  @LocalServerPort int port;
  @Autowired WebSocketNotifier notifier;
  @Autowired NotificationSender sender;
  @Autowired Clock clock;

  private IGenericClient client;
  private final List<IdType> subscriptions = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void setUp() {
    client = HubClient.of(port);
  }

  @AfterEach
  void tearDown() {
    sockets.forEach(Socket::close);
    subscriptions.forEach(id -> client.delete().resourceById(id).execute());
  }

  @Test
  void boundClient_isPingedOfItsOwnMatches_andGetsWhatItMissedWhenItBindsAgain() throws Exception {
    String family = "WS" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    String mine = subscribe("Patient?family=" + family, SubscriptionChannelType.WEBSOCKET);
    String other = subscribe("Patient?family=AUTRE" + family, SubscriptionChannelType.WEBSOCKET);

    Socket software = connect();
    software.send("bind " + mine);
    assertThat(software.next()).isEqualTo("bound " + mine);

    createPatient(family);
    createPatient("AUTRE" + family);
    notifier.deliverDue(clock.instant());
    assertThat(software.next()).isEqualTo("ping " + mine);
    assertThat(software.nothingMore()).as("not pinged of the other Subscription").isTrue();

    // Disconnected: a match waits; the rest-hook sender does not take it; a new bind gets it.
    software.close();
    createPatient(family);
    sender.deliverDue(clock.instant());
    notifier.deliverDue(clock.instant());
    Socket again = connect();
    again.send("bind Subscription/" + mine);
    assertThat(again.next()).isEqualTo("bound " + mine);
    assertThat(again.next()).as("what it missed, at once").isEqualTo("ping " + mine);
    assertThat(other).isNotEqualTo(mine);
  }

  @Test
  void bindingWhatIsNoWebsocketSubscription_isAnsweredWithAnError() throws Exception {
    String restHook = subscribe("Patient?family=NOWS", SubscriptionChannelType.RESTHOOK);
    Socket software = connect();
    software.send("bind 999999999");
    assertThat(software.next()).startsWith("error HUB-1021");
    software.send("bind " + restHook);
    assertThat(software.next()).startsWith("error HUB-1022");
    software.send("hello");
    assertThat(software.next()).startsWith("error HUB-1020");
  }

  private String subscribe(String criteria, SubscriptionChannelType type) {
    Subscription subscription = new Subscription();
    subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason("Alertes du logiciel du cabinet");
    subscription.setCriteria(criteria);
    subscription.getChannel().setType(type);
    if (type == SubscriptionChannelType.RESTHOOK) {
      subscription.getChannel().setEndpoint("http://localhost:9/notify");
    }
    IdType id =
        (IdType)
            client.create().resource(subscription).execute().getId().toUnqualifiedVersionless();
    subscriptions.add(id);
    return id.getIdPart();
  }

  private void createPatient(String family) {
    client
        .create()
        .resource(MtFixtures.patientWithoutIns(family, "Jeanne", "1975-03-02"))
        .execute();
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket();
    socket.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create("ws://localhost:" + port + "/websocket"), socket)
            .get(10, TimeUnit.SECONDS);
    sockets.add(socket);
    return socket;
  }

  /** A websocket client keeping every text it receives. */
  private static final class Socket implements WebSocket.Listener {
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    void send(String text) {
      socket.sendText(text, true).join();
    }

    String next() throws InterruptedException {
      String text = received.poll(10, TimeUnit.SECONDS);
      assertThat(text).as("a message within 10 s").isNotNull();
      return text;
    }

    boolean nothingMore() throws InterruptedException {
      return received.poll(1, TimeUnit.SECONDS) == null;
    }

    void close() {
      if (socket != null && !socket.isOutputClosed()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
      }
    }
  }
}
