package fr.cpts.hub.server.security;

import org.springframework.scheduling.annotation.Scheduled;

/**
 * Re-reads the CRLs every {@code hub.security.client-certificates.crl-refresh} and the client
 * registry every {@code registry-refresh}. Each node reads for itself: nothing is shared.
 */
public class ClientCertificateRefreshJob {

  private final CertificateRevocationLists crls;
  private final ClientRegistry registry;

  ClientCertificateRefreshJob(CertificateRevocationLists crls, ClientRegistry registry) {
    this.crls = crls;
    this.registry = registry;
  }

  @Scheduled(
      fixedDelayString = "${hub.security.client-certificates.crl-refresh:15m}",
      initialDelayString = "${hub.security.client-certificates.crl-refresh:15m}")
  public void refreshCrls() {
    if (crls.configured()) {
      crls.refresh();
    }
  }

  @Scheduled(
      fixedDelayString = "${hub.security.client-certificates.registry-refresh:30s}",
      initialDelayString = "${hub.security.client-certificates.registry-refresh:30s}")
  public void refreshRegistry() {
    registry.refreshIfChanged();
  }
}
