package fr.cpts.hub.server.config;

/**
 * Marks a Spring bean as a HAPI interceptor of the hub's FHIR endpoint: {@link
 * FhirRestfulServerConfig} registers every such bean on the RestfulServer, in {@code @Order}.
 * Interceptors are wired as beans, never by class name.
 */
public interface HubInterceptor {}
