package fr.cpts.hub.server.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.server.notification.NotificationProperties.HttpsEndpoints;
import fr.cpts.hub.server.security.ClientCertificateProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType;
import org.springframework.stereotype.Component;

/**
 * What the hub accepts as a Subscription: a {@code rest-hook} channel to an absolute http(s)
 * endpoint (https only, in secure mode or as configured), with an empty payload or {@code
 * application/fhir+json}, headers of the form {@code Name: value}; or a {@code websocket} channel
 * (the client binds to it on {@code /websocket}; endpoint, payload and headers unused); and
 * criteria {@code Type?params} on a type the hub stores, whose parameters HAPI can parse. Anything
 * else is refused with 422 and an OperationOutcome quoting a {@code HUB-10xx} code, before anything
 * is stored.
 */
@Component
public class SubscriptionRules {

  /** The payload MIME type the hub sends resources in. */
  public static final String FHIR_JSON = "application/fhir+json";

  static final int MAX_CRITERIA_LENGTH = 2000;

  private final FhirContext fhirContext;
  private final DaoRegistry daos;
  private final MatchUrlService matchUrls;
  private final boolean httpsRequired;

  public SubscriptionRules(
      FhirContext fhirContext,
      DaoRegistry daos,
      MatchUrlService matchUrls,
      NotificationProperties properties,
      ClientCertificateProperties clientCertificates) {
    this.fhirContext = fhirContext;
    this.daos = daos;
    this.matchUrls = matchUrls;
    this.httpsRequired =
        properties.httpsEndpoints() == HttpsEndpoints.ALWAYS
            || (properties.httpsEndpoints() == HttpsEndpoints.SECURE_MODE
                && clientCertificates.enabled());
  }

  /** The resource type the criteria are on; checks nothing. */
  public static String resourceTypeOf(String criteria) {
    int question = criteria.indexOf('?');
    return (question < 0 ? criteria : criteria.substring(0, question)).trim();
  }

  /**
   * Checks a Subscription about to be stored.
   *
   * @throws UnprocessableEntityException (422) naming the first rule it breaks
   */
  public void check(Subscription subscription) {
    Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
    if (channel.getType() == SubscriptionChannelType.WEBSOCKET) {
      checkCriteria(subscription.getCriteria());
      return;
    }
    if (channel.getType() != SubscriptionChannelType.RESTHOOK) {
      throw refused(
          "HUB-1001",
          "Subscription.channel.type",
          "the hub notifies through rest-hook and websocket channels; got "
              + (channel.hasType() ? channel.getType().toCode() : "none"));
    }
    checkEndpoint(channel.getEndpoint());
    if (channel.hasPayload()
        && !FHIR_JSON.equals(channel.getPayload().split(";")[0].trim().toLowerCase(Locale.ROOT))) {
      throw refused(
          "HUB-1004",
          "Subscription.channel.payload",
          "the payload is empty (a notification without content) or "
              + FHIR_JSON
              + " (the resource, PUT under the endpoint); got "
              + channel.getPayload());
    }
    for (StringType header : channel.getHeader()) {
      String value = header.getValue();
      int colon = value == null ? -1 : value.indexOf(':');
      if (colon <= 0 || !value.substring(0, colon).trim().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw refused(
            "HUB-1005",
            "Subscription.channel.header",
            "each header is written 'Name: value' (an HTTP header the hub adds to each"
                + " notification)");
      }
    }
    checkCriteria(subscription.getCriteria());
  }

  private void checkEndpoint(String endpoint) {
    URI uri;
    try {
      uri = endpoint == null ? null : new URI(endpoint);
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null ? null : uri.getScheme();
    if (uri == null
        || uri.getHost() == null
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
      throw refused(
          "HUB-1002",
          "Subscription.channel.endpoint",
          "the endpoint is the absolute http(s) URL the hub notifies");
    }
    if (httpsRequired && !"https".equalsIgnoreCase(scheme)) {
      throw refused(
          "HUB-1003",
          "Subscription.channel.endpoint",
          "the endpoint must be an https URL (hub.notification.https-endpoints)");
    }
  }

  private void checkCriteria(String criteria) {
    if (criteria == null || criteria.isBlank() || criteria.length() > MAX_CRITERIA_LENGTH) {
      throw refused(
          "HUB-1006",
          "Subscription.criteria",
          "the criteria are a search URL Type?params of at most "
              + MAX_CRITERIA_LENGTH
              + " characters, e.g. DiagnosticReport?based-on:ServiceRequest.requester:"
              + "PractitionerRole.organization=Organization/123");
    }
    String type = resourceTypeOf(criteria);
    if (!criteria.contains("?")
        || !fhirContext.getResourceTypes().contains(type)
        || !daos.isResourceTypeSupported(type)) {
      throw refused(
          "HUB-1007",
          "Subscription.criteria",
          "the criteria start with a resource type the hub stores, then '?': got '" + type + "'");
    }
    try {
      matchUrls.translateMatchUrl(criteria, fhirContext.getResourceDefinition(type));
    } catch (InvalidRequestException | DataFormatException | IllegalArgumentException e) {
      // HAPI's reason may quote a parameter's value: it goes to the client, not to the log.
      throw refused(
          "HUB-1008",
          "Subscription.criteria",
          "the criteria's search parameters cannot be read",
          ": " + e.getMessage());
    }
  }

  private static UnprocessableEntityException refused(
      String code, String expression, String message) {
    return refused(code, expression, message, "");
  }

  /** The exception's message may be logged; {@code detail} goes into the OperationOutcome only. */
  private static UnprocessableEntityException refused(
      String code, String expression, String message, String detail) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.INVALID)
        .setDiagnostics(code + ": " + message + detail)
        .addExpression(expression);
    return new UnprocessableEntityException(code + ": " + message, outcome);
  }
}
