package fr.cpts.hub.server.flow;

import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points the hub's SAS outbox at the {@link SasStandIn}: runs before the context binds the hub's
 * properties and adds the stand-in's URL as {@code hub.sas.outbox.endpoint}.
 */
class SasStandInConfig implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "sas-stand-in", Map.of("hub.sas.outbox.endpoint", SasStandIn.INSTANCE.base())));
  }
}
