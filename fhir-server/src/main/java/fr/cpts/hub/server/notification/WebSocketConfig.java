package fr.cpts.hub.server.notification;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** The websocket endpoint of Subscriptions, {@code /websocket} (HAPI FHIR's path). */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

  /** The endpoint's path, beside the FHIR API's {@code /fhir}. */
  public static final String PATH = "/websocket";

  private final WebSocketBindings bindings;

  public WebSocketConfig(WebSocketBindings bindings) {
    this.bindings = bindings;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(bindings, PATH).setAllowedOrigins("*");
  }
}
