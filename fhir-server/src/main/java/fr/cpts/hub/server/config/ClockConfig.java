package fr.cpts.hub.server.config;

import java.time.Clock;
import java.time.ZoneId;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hub's clock: Europe/Paris wall-clock time, replaceable in tests. */
@Configuration(proxyBeanMethods = false)
public class ClockConfig {

  /** The hub's zone id, as annotations need it. */
  public static final String PARIS_ID = "Europe/Paris";

  public static final ZoneId PARIS = ZoneId.of(PARIS_ID);

  @Bean
  Clock clock() {
    return Clock.system(PARIS);
  }
}
