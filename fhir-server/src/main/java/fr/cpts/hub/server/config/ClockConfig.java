package fr.cpts.hub.server.config;

import java.time.Clock;
import java.time.ZoneId;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hub's clock: Europe/Paris wall-clock time, replaceable in tests. */
@Configuration(proxyBeanMethods = false)
public class ClockConfig {

  public static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Bean
  Clock clock() {
    return Clock.system(PARIS);
  }
}
