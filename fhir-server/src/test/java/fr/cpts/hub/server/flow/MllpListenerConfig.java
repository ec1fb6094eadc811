package fr.cpts.hub.server.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the hub's MLLP listener on for the flows, on a free port, with the test radiology group as
 * its one source: runs before the context binds the hub's properties.
 */
class MllpListenerConfig implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  static final String SENDING_APPLICATION = "RIS-GOLFE";
  static final String SENDING_FACILITY = "RADIOLOGIE-GOLFE";
  static final String SOURCE_CODE = "radiologie-golfe";
  static final String WADO_RS_BASE = "https://pacs.demo.cpts-hub.fr/dicomweb";

  /** The listener's port, the same for every context of the test JVM. */
  static final int PORT = freePort();

  /** The IDNST of the radiology group whose RIS receives orders, and its RIS's port. */
  static final String RIS_IDNST = "312345678900042";

  static final int RIS_PORT = freePort();

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "mllp-listener",
                Map.of(
                    "hub.hl7v2.mllp.enabled",
                    "true",
                    "hub.hl7v2.mllp.port",
                    String.valueOf(PORT),
                    "hub.hl7v2.mllp.sources[0].sending-application",
                    SENDING_APPLICATION,
                    "hub.hl7v2.mllp.sources[0].sending-facility",
                    SENDING_FACILITY,
                    "hub.hl7v2.mllp.sources[0].code",
                    SOURCE_CODE,
                    "hub.hl7v2.mllp.sources[0].wado-rs-base",
                    WADO_RS_BASE,
                    "hub.hl7v2.mllp.sources[0].organization-idnst",
                    RIS_IDNST,
                    "hub.hl7v2.mllp.sources[0].order-host",
                    "localhost",
                    "hub.hl7v2.mllp.sources[0].order-port",
                    String.valueOf(RIS_PORT),
                    // The flows send the orders themselves (OrdersToRisIT), at chosen instants.
                    "hub.hl7v2.orders.poll-interval",
                    "1h")));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
