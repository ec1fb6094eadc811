package fr.cpts.hub.server.schedule;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on Spring's scheduling, for {@link ScheduleHorizonJob}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ScheduleSlotsConfig {}
