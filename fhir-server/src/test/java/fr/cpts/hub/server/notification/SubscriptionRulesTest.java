package fr.cpts.hub.server.notification;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.server.notification.NotificationProperties.HttpsEndpoints;
import fr.cpts.hub.server.security.ClientCertificateProperties;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.hl7.fhir.r4.model.Subscription.SubscriptionStatus;
import org.junit.jupiter.api.Test;

/**
 * When the hub demands an https endpoint: always, never, or in secure mode (client certificates
 * on). The channel is checked before the criteria, so these cases need no search parameters: a
 * payload the hub does not send ({@code HUB-1004}) shows that the endpoint itself was accepted.
 */
class SubscriptionRulesTest {

  static final FhirContext FHIR = FhirContext.forR4Cached();

  @Test
  void httpEndpoint_inSecureMode_isRefusedWithHub1003() {
    assertThatThrownBy(() -> rules(HttpsEndpoints.SECURE_MODE, true).check(http()))
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageStartingWith("HUB-1003");
  }

  @Test
  void httpEndpoint_whenHttpsIsAlwaysRequired_isRefusedWithHub1003() {
    assertThatThrownBy(() -> rules(HttpsEndpoints.ALWAYS, false).check(http()))
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageStartingWith("HUB-1003");
  }

  @Test
  void httpEndpoint_outsideSecureMode_orWhenNeverRequired_passesTheEndpointRule() {
    for (SubscriptionRules rules :
        List.of(rules(HttpsEndpoints.SECURE_MODE, false), rules(HttpsEndpoints.NEVER, true))) {
      assertThatThrownBy(() -> rules.check(http()))
          .isInstanceOf(UnprocessableEntityException.class)
          .hasMessageStartingWith("HUB-1004");
    }
  }

  @Test
  void httpsEndpoint_inSecureMode_passesTheEndpointRule() {
    Subscription subscription = http();
    subscription.getChannel().setEndpoint("https://logiciel.example/fhir");
    assertThatThrownBy(() -> rules(HttpsEndpoints.ALWAYS, true).check(subscription))
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageStartingWith("HUB-1004");
  }

  private static Subscription http() {
    Subscription subscription = new Subscription();
    subscription.setStatus(SubscriptionStatus.REQUESTED);
    subscription.setCriteria("DiagnosticReport?status=final");
    subscription
        .getChannel()
        .setType(SubscriptionChannelType.RESTHOOK)
        .setEndpoint("http://logiciel.example/fhir")
        .setPayload("text/plain");
    return subscription;
  }

  private static SubscriptionRules rules(HttpsEndpoints https, boolean secureMode) {
    NotificationProperties properties =
        new NotificationProperties(
            true,
            Duration.ofSeconds(2),
            Duration.ofSeconds(10),
            Duration.ofHours(1),
            12,
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            https);
    ClientCertificateProperties certificates =
        new ClientCertificateProperties(
            secureMode,
            "",
            List.of(),
            Duration.ofMinutes(15),
            Duration.ofSeconds(10),
            "",
            Duration.ofSeconds(30),
            "X-SSL-Client-Cert",
            List.of());
    return new SubscriptionRules(FHIR, new DaoRegistry(FHIR), null, properties, certificates);
  }
}
