package fr.cpts.hub.server.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The hub terminating TLS itself, on {@code server.port}: TLS 1.2 and 1.3 only, a client
 * certificate of a CA of {@code hub.security.client-certificates.ca} required in the handshake
 * (which needs {@code hub.security.client-certificates.enabled}); only asked for when {@code
 * hub.security.oidc.enabled} lets a professional call with a bearer token instead.
 *
 * @param enabled HTTPS with mutual TLS instead of plain HTTP
 * @param certificate the hub's server certificate chain (PEM file)
 * @param privateKey its private key (PEM file, PKCS#8 or PKCS#1)
 * @param privateKeyPassword the private key's password, if it is encrypted
 */
@Validated
@ConfigurationProperties("hub.security.tls")
public record TlsProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("") String certificate,
    @DefaultValue("") String privateKey,
    @DefaultValue("") String privateKeyPassword) {}
