package fr.cpts.hub.server.security;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Clients identified by their certificate (mutual TLS, on the hub's own TLS or behind a reverse
 * proxy); see README, "Secure mode".
 *
 * @param enabled every FHIR request must carry a client certificate of a registered client; off
 *     (the development default): no client is identified
 * @param ca the trusted CA certificates, one PEM file (roots and intermediates one after the other;
 *     each is trusted as an anchor): the IGC-Santé chain in production
 * @param crls where the CAs' CRLs are read: file paths or http(s) URLs (PEM or DER); none: no
 *     revocation check (a warning at start-up)
 * @param crlRefresh how often the CRLs are read again
 * @param crlTimeout connect and read timeout of a CRL download
 * @param registry the client registry (YAML) mapping a certificate's CN and OU to a client and its
 *     role
 * @param registryRefresh how often the registry file is checked for changes
 * @param proxyHeader the request header in which a trusted reverse proxy forwards the client's
 *     verified certificate (URL-encoded PEM, as nginx's {@code $ssl_client_escaped_cert})
 * @param trustedProxies the addresses or CIDR ranges of the reverse proxies whose certificate
 *     header is accepted; none (the default): the header is refused from everyone
 */
@Validated
@ConfigurationProperties("hub.security.client-certificates")
public record ClientCertificateProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("") String ca,
    List<String> crls,
    @DefaultValue("15m") Duration crlRefresh,
    @DefaultValue("10s") Duration crlTimeout,
    @DefaultValue("") String registry,
    @DefaultValue("30s") Duration registryRefresh,
    @DefaultValue("X-SSL-Client-Cert") @NotBlank String proxyHeader,
    List<String> trustedProxies) {

  public ClientCertificateProperties {
    crls = crls == null ? List.of() : crls.stream().filter(c -> !c.isBlank()).toList();
    trustedProxies =
        trustedProxies == null
            ? List.of()
            : trustedProxies.stream().filter(p -> !p.isBlank()).toList();
  }
}
