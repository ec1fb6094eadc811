package fr.cpts.hub.server.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns on the hub's scheduled jobs (the SAS outbox's delivery, ...). Each job is safe to run on
 * every node at once: it coordinates through the database, never through memory.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class SchedulingConfig {}
