package fr.cpts.hub.server.config;

/**
 * Marks a Spring bean as a HAPI plain provider of one of the hub's own {@code $operations}: {@link
 * FhirRestfulServerConfig} registers every such bean on the RestfulServer. Operations are wired as
 * beans, never by class name.
 */
public interface HubOperationProvider {}
