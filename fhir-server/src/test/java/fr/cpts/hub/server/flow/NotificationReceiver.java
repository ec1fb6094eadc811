package fr.cpts.hub.server.flow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber's rest-hook endpoint in the flows: the JDK's own HTTP server on a port of its own,
 * remembering every request it receives (method, path, the {@code Authorization} header, body) and
 * answering 200, or the status it is told to. It can be taken down (its port then refuses
 * connections) and brought back up on the same port.
 */
final class NotificationReceiver implements AutoCloseable {

  /** One request the receiver got. */
  record Received(String method, String path, String authorization, String body) {}

  private final int port;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;

  NotificationReceiver() {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    up();
  }

  /** The endpoint a Subscription names: {@code http://localhost:port/notify}. */
  String endpoint() {
    return "http://localhost:" + port + "/notify";
  }

  synchronized void up() {
    if (server != null) {
      return;
    }
    try {
      HttpServer started = HttpServer.create(new InetSocketAddress("localhost", port), 0);
      started.createContext("/", this::handle);
      started.start();
      server = started;
    } catch (IOException e) {
      throw new UncheckedIOException("the notification receiver did not start", e);
    }
  }

  synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Answers every further request with this status. */
  void answer(int httpStatus) {
    status.set(httpStatus);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    down();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Authorization"),
              body));
      exchange.sendResponseHeaders(status.get(), -1);
    }
  }
}
