package fr.cpts.hub.server.config;

/**
 * Marks a Spring bean as a HAPI plain provider of one of the hub's {@code $operations}: {@link
 * FhirRestfulServerConfig} registers every such bean on the RestfulServer.
 */
public interface HubOperationProvider {}
