package fr.cpts.hub.importer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The national directory's FHIR API (Annuaire Santé), read through HAPI's generic client: the API
 * key in the {@value #API_KEY_HEADER} header (HAPI's {@link AdditionalRequestHeadersInterceptor}),
 * every call held to the client-side limit ({@link CallRateLimit}), the next pages by their {@code
 * Bundle.link next}.
 *
 * <p>A call the API answers 429 or 5xx, or that cannot connect, is tried again after a wait that
 * doubles each time ({@code firstRetryWait}, at most {@value #MAX_WAIT_SECONDS} s, or the answer's
 * {@code Retry-After} when it gives one), up to {@code maxAttempts} attempts in all; then {@link
 * Failure} {@value #UNAVAILABLE}. A 401 or 403 (the key is wrong, expired or not allowed) stops at
 * once: {@link Failure} {@value #KEY_REFUSED}. Another 4xx is a query the API does not take:
 * {@value #QUERY_REFUSED}. Messages carry the status and the call, never an answer's body.
 *
 * <p>Read-only: it never writes to the national directory.
 */
final class NationalDirectoryApi {

  static final String API_KEY_HEADER = "ESANTE-API-KEY";
  static final String KEY_REFUSED = "HUB-0750";
  static final String UNAVAILABLE = "HUB-0751";
  static final String QUERY_REFUSED = "HUB-0755";

  static final int MAX_WAIT_SECONDS = 60;

  private static final Logger log = LoggerFactory.getLogger(NationalDirectoryApi.class);

  /** The API cannot be used: the sync stops, with this exit code. */
  static final class Failure extends RuntimeException {
    private final int exitCode;

    Failure(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  /** Waits between attempts; a test may count instead of sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** A professional's roles and the Organizations they reference, by {@code Organization/id}. */
  record Roles(
      Map<String, List<PractitionerRole>> byPractitioner,
      Map<String, Organization> organizations) {}

  private final IGenericClient client;
  private final int maxAttempts;
  private final Duration firstRetryWait;
  private final Sleeper sleeper;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  NationalDirectoryApi(
      IGenericClient client, int maxAttempts, Duration firstRetryWait, Sleeper sleeper) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt, not " + maxAttempts);
    }
    this.client = client;
    this.maxAttempts = maxAttempts;
    this.firstRetryWait = firstRetryWait;
    this.sleeper = sleeper;
  }

  /**
   * A client of the API at {@code base}: the key on every request, at most {@code callsPerSecond}
   * requests a second, no CapabilityStatement fetched first.
   */
  static IGenericClient client(String base, String apiKey, int callsPerSecond, int timeoutSeconds) {
    FhirContext fhir = FhirContext.forR4Cached();
    IRestfulClientFactory factory = fhir.getRestfulClientFactory();
    factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
    factory.setSocketTimeout(timeoutSeconds * 1000);
    factory.setConnectTimeout(10_000);
    IGenericClient client = fhir.newRestfulGenericClient(base);
    AdditionalRequestHeadersInterceptor key = new AdditionalRequestHeadersInterceptor();
    key.addHeaderValue(API_KEY_HEADER, apiKey);
    client.registerInterceptor(new CallRateLimit(callsPerSecond));
    client.registerInterceptor(key);
    return client;
  }

  String base() {
    return client.getServerBase();
  }

  /** The calls made so far, retries included. */
  long calls() {
    return calls.get();
  }

  /** The calls that were attempts after a failure. */
  long retries() {
    return retries.get();
  }

  /** The first page of {@code Practitioner?_lastUpdated=ge<since>}. */
  Bundle changedSince(Instant since, int count) {
    String url = "Practitioner?_lastUpdated=ge" + since + "&_count=" + count;
    return call(
        "Practitioner?_lastUpdated=ge" + since,
        () -> client.search().byUrl(url).returnBundle(Bundle.class).execute());
  }

  /** The next page of a search, or null after the last. */
  Bundle next(Bundle page) {
    if (page.getLink(Bundle.LINK_NEXT) == null) {
      return null;
    }
    return call("the next page", () -> client.loadPage().next(page).execute());
  }

  /** The Practitioners of a page (not what it included). */
  static List<Practitioner> practitioners(Bundle page) {
    return page.getEntry().stream()
        .map(BundleEntryComponent::getResource)
        .filter(Practitioner.class::isInstance)
        .map(Practitioner.class::cast)
        .toList();
  }

  /**
   * The roles of these practitioners (API ids) and their Organizations: {@code
   * PractitionerRole?practitioner=...&_include=PractitionerRole:organization}, every page; an
   * Organization the API did not include is read with {@code Organization?_id=}.
   */
  Roles rolesOf(List<String> practitionerIds, int count) {
    Map<String, List<PractitionerRole>> roles = new LinkedHashMap<>();
    Map<String, Organization> organizations = new LinkedHashMap<>();
    if (practitionerIds.isEmpty()) {
      return new Roles(roles, organizations);
    }
    String url =
        "PractitionerRole?practitioner="
            + practitionerIds.stream()
                .map(id -> "Practitioner/" + id)
                .collect(Collectors.joining(","))
            + "&_include=PractitionerRole:organization&_count="
            + count;
    Bundle page =
        call(
            "PractitionerRole?practitioner=",
            () -> client.search().byUrl(url).returnBundle(Bundle.class).execute());
    while (page != null) {
      for (BundleEntryComponent entry : page.getEntry()) {
        if (entry.getResource() instanceof PractitionerRole role) {
          String practitioner =
              role.getPractitioner().getReferenceElement().toUnqualifiedVersionless().getIdPart();
          roles.computeIfAbsent(practitioner, p -> new ArrayList<>()).add(role);
        } else if (entry.getResource() instanceof Organization organization) {
          organizations.put(
              "Organization/" + organization.getIdElement().getIdPart(), organization);
        }
      }
      page = next(page);
    }
    Set<String> missing =
        roles.values().stream()
            .flatMap(List::stream)
            .filter(PractitionerRole::hasOrganization)
            .map(r -> r.getOrganization().getReferenceElement().toUnqualifiedVersionless())
            .filter(id -> "Organization".equals(id.getResourceType()))
            .map(id -> id.getValue())
            .filter(id -> !organizations.containsKey(id))
            .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    if (!missing.isEmpty()) {
      String ids =
          missing.stream()
              .map(id -> id.substring("Organization/".length()))
              .collect(Collectors.joining(","));
      Bundle found =
          call(
              "Organization?_id=",
              () ->
                  client
                      .search()
                      .byUrl("Organization?_id=" + ids + "&_count=" + missing.size())
                      .returnBundle(Bundle.class)
                      .execute());
      while (found != null) {
        for (BundleEntryComponent entry : found.getEntry()) {
          if (entry.getResource() instanceof Organization organization) {
            organizations.put(
                "Organization/" + organization.getIdElement().getIdPart(), organization);
          }
        }
        found = next(found);
      }
    }
    return new Roles(roles, organizations);
  }

  private <T> T call(String what, Supplier<T> call) {
    Duration wait = firstRetryWait;
    for (int attempt = 1; ; attempt++) {
      calls.incrementAndGet();
      if (attempt > 1) {
        retries.incrementAndGet();
      }
      String failure;
      Duration retryAfter = null;
      try {
        return call.get();
      } catch (AuthenticationException | ForbiddenOperationException e) {
        throw new Failure(
            KEY_REFUSED
                + ": the national directory at "
                + base()
                + " refused the API key ("
                + e.getStatusCode()
                + "); check the key given in "
                + API_KEY_HEADER
                + " (its environment variable) and that it is still valid",
            ImportExitCode.API_KEY_REFUSED);
      } catch (FhirClientConnectionException e) {
        failure = "no connection";
      } catch (BaseServerResponseException e) {
        int status = e.getStatusCode();
        if (status != 429 && status < 500) {
          throw new Failure(
              QUERY_REFUSED
                  + ": the national directory answered "
                  + status
                  + " to "
                  + what
                  + "; nothing more was read",
              ImportExitCode.API_UNAVAILABLE);
        }
        failure = "HTTP " + status;
        retryAfter = retryAfter(e);
      }
      if (attempt >= maxAttempts) {
        throw new Failure(
            UNAVAILABLE
                + ": the national directory at "
                + base()
                + " is unavailable ("
                + failure
                + " to "
                + what
                + ", "
                + attempt
                + " attempts); what was read is written, run the sync again later",
            ImportExitCode.API_UNAVAILABLE);
      }
      Duration pause = retryAfter != null ? retryAfter : wait;
      log.warn(
          "National directory: {} to {}, attempt {} of {}; next in {} ms",
          failure,
          what,
          attempt,
          maxAttempts,
          pause.toMillis());
      try {
        sleeper.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Failure(UNAVAILABLE + ": interrupted", ImportExitCode.API_UNAVAILABLE);
      }
      wait = wait.multipliedBy(2);
      if (wait.getSeconds() > MAX_WAIT_SECONDS) {
        wait = Duration.ofSeconds(MAX_WAIT_SECONDS);
      }
    }
  }

  /** The answer's Retry-After in seconds, at most the longest wait; null when it gives none. */
  private static Duration retryAfter(BaseServerResponseException e) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if ("retry-after".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
        try {
          long seconds = Long.parseLong(header.getValue().get(0).trim());
          return Duration.ofSeconds(Math.max(0, Math.min(seconds, MAX_WAIT_SECONDS)));
        } catch (NumberFormatException notSeconds) {
          return null;
        }
      }
    }
    return null;
  }
}
