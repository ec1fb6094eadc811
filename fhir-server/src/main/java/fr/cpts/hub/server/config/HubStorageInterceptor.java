package fr.cpts.hub.server.config;

/**
 * Marks a Spring bean as a HAPI interceptor of the JPA storage layer (STORAGE_* pointcuts): {@link
 * StorageInterceptorRegistrar} registers every such bean on HAPI's JPA interceptor service, so that
 * it sees every write, whether it comes through the REST endpoint, a transaction or the hub's own
 * loaders.
 */
public interface HubStorageInterceptor {}
