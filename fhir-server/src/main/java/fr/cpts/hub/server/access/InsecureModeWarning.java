package fr.cpts.hub.server.access;

import fr.cpts.hub.server.security.ClientCertificateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says loudly when the hub runs in the insecure development mode: no client identified ({@code
 * hub.security.client-certificates.enabled=false}), so no access rule applies and every request is
 * allowed. A WARN at start-up, and the same words in {@code /metadata}'s implementation description
 * ({@link fr.cpts.hub.server.interceptor.CapabilityStatementInterceptor}).
 */
@Component
public class InsecureModeWarning {

  /** The warning, in the log and on /metadata. */
  public static final String TEXT =
      "INSECURE DEVELOPMENT MODE: no client is identified and no access rule applies, every"
          + " request is allowed; never expose this hub. Secure mode:"
          + " hub.security.client-certificates.enabled=true (README, Secure mode)";

  private static final Logger log = LoggerFactory.getLogger(InsecureModeWarning.class);

  private final boolean insecure;

  public InsecureModeWarning(ClientCertificateProperties clientCertificates) {
    this.insecure = !clientCertificates.enabled();
  }

  /** Whether the hub runs without any identity mechanism. */
  public boolean insecure() {
    return insecure;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void warn() {
    if (insecure) {
      log.warn(TEXT);
    }
  }
}
