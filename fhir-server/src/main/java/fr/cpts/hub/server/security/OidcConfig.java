package fr.cpts.hub.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Professionals signed in with OpenID Connect, when {@code hub.security.oidc.enabled} is on: the
 * token verifier on the issuer's key set, the Practitioner lookup, the CPTS team file and the
 * interceptor applying them to every FHIR request, and the job re-reading the team file. A
 * configuration that is incomplete or a team file with an error stops the hub at start-up with
 * {@code HUB-0549}. The key set is fetched at the first token, not at start-up: an issuer out of
 * reach does not keep the hub from starting.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.security.oidc.enabled", havingValue = "true")
public class OidcConfig {

  private static final Logger log = LoggerFactory.getLogger(OidcConfig.class);

  @Bean
  BearerTokenVerifier bearerTokenVerifier(
      OidcProperties properties, ClientCertificateProperties certificates, Clock clock) {
    if (!certificates.enabled()) {
      // The access rules, and the anonymous requests of the public directory, are the secure
      // mode's: tokens without it would identify people on a hub that lets everyone in.
      throw new IllegalStateException(
          "HUB-0549: hub.security.oidc.enabled needs hub.security.client-certificates.enabled"
              + " (the secure mode, whose access rules apply to token callers too)");
    }
    BearerTokenVerifier verifier = BearerTokenVerifier.remote(properties, clock);
    log.info(
        "Bearer tokens accepted: issuer {}, keys {} (kept {}), audience {}, acr {}, national id in"
            + " {}, clock skew {}",
        properties.issuer(),
        properties.jwksUri(),
        properties.jwksRefresh(),
        properties.audience(),
        properties.acrValues(),
        properties.idClaim(),
        properties.clockSkew());
    return verifier;
  }

  @Bean
  CptsTeam cptsTeam(OidcProperties properties) {
    if (properties.cptsTeam().isBlank()) {
      log.info("hub.security.oidc.cpts-team is empty: no professional signs in as the CPTS team");
      return CptsTeam.none();
    }
    CptsTeam team = CptsTeam.load(CertificateFiles.path(properties.cptsTeam()));
    log.info("CPTS team: {} members", team.members().size());
    return team;
  }

  @Bean
  PractitionerLookup practitionerLookup(DaoRegistry daos, OidcProperties properties) {
    return new PractitionerLookup(daos, properties.professionalCache());
  }

  @Bean
  BearerTokenInterceptor bearerTokenInterceptor(
      BearerTokenVerifier verifier, PractitionerLookup practitioners, CptsTeam team) {
    return new BearerTokenInterceptor(verifier, practitioners, team);
  }

  @Bean
  CptsTeamRefreshJob cptsTeamRefreshJob(CptsTeam team) {
    return new CptsTeamRefreshJob(team);
  }

  /** Re-reads the CPTS team file every {@code hub.security.oidc.cpts-team-refresh}. */
  public static class CptsTeamRefreshJob {

    private final CptsTeam team;

    CptsTeamRefreshJob(CptsTeam team) {
      this.team = team;
    }

    @Scheduled(
        fixedDelayString = "${hub.security.oidc.cpts-team-refresh:30s}",
        initialDelayString = "${hub.security.oidc.cpts-team-refresh:30s}")
    public void refresh() {
      team.refreshIfChanged();
    }
  }
}
