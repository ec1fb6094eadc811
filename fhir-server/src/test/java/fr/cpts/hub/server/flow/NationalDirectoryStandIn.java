package fr.cpts.hub.server.flow;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;

/**
 * A FHIR server standing in for the national directory's API (Annuaire Santé) in the flows: HAPI's
 * plain RestfulServer in its own Tomcat on a free port, no Spring, no database. It serves
 * Practitioners searched by {@code _lastUpdated} (their {@code meta.lastUpdated} as set by the
 * test), PractitionerRoles by {@code practitioner} with {@code
 * _include=PractitionerRole:organization}, Organizations by {@code _id}, in pages ({@code _count},
 * {@code Bundle.link next}). It refuses a request without the API key header (401), can be told to
 * answer 503 to the next requests, and records when each request arrived and what it asked.
 */
final class NationalDirectoryStandIn {

  static final String API_KEY = "test-key-" + java.util.UUID.randomUUID();
  static final String HEADER = "ESANTE-API-KEY";

  /** One request received: when (System.nanoTime), its query, and the answer's status. */
  record Call(long nanos, String query, int status) {}

  private final int port;
  private final Map<String, Practitioner> practitioners = new ConcurrentHashMap<>();
  private final Map<String, PractitionerRole> roles = new ConcurrentHashMap<>();
  private final Map<String, Organization> organizations = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private Tomcat tomcat;

  NationalDirectoryStandIn() {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  String base() {
    return "http://localhost:" + port + "/fhir";
  }

  synchronized void start() {
    try {
      Tomcat server = new Tomcat();
      server.setBaseDir(Files.createTempDirectory("national-directory-stand-in").toString());
      server.setPort(port);
      server.getConnector();
      Context context = server.addContext("", null);
      RestfulServer fhir = new KeyCheckingServer();
      fhir.registerProviders(new Practitioners(), new Roles(), new Organizations());
      FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(100);
      paging.setDefaultPageSize(50);
      paging.setMaximumPageSize(1000);
      fhir.setPagingProvider(paging);
      Tomcat.addServlet(context, "fhir", fhir);
      context.addServletMappingDecoded("/fhir/*", "fhir");
      server.start();
      tomcat = server;
    } catch (IOException | LifecycleException e) {
      throw new IllegalStateException("the national directory stand-in did not start", e);
    }
  }

  synchronized void stop() {
    if (tomcat == null) {
      return;
    }
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException(e);
    }
    tomcat = null;
  }

  /** Forgets every resource and every call. */
  void reset() {
    practitioners.clear();
    roles.clear();
    organizations.clear();
    calls.clear();
    unavailable.set(0);
  }

  void forgetCalls() {
    calls.clear();
  }

  void put(Practitioner practitioner) {
    practitioners.put(practitioner.getIdElement().getIdPart(), practitioner);
  }

  void put(PractitionerRole role) {
    roles.put(role.getIdElement().getIdPart(), role);
  }

  void put(Organization organization) {
    organizations.put(organization.getIdElement().getIdPart(), organization);
  }

  /** The next {@code count} requests (with the right key) get 503. */
  void unavailableFor(int count) {
    unavailable.set(count);
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The plain server, behind a check of the key and the 503s it was told to give. */
  private final class KeyCheckingServer extends RestfulServer {
    KeyCheckingServer() {
      super(HubClient.FHIR);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      long at = System.nanoTime();
      String query =
          java.net.URLDecoder.decode(
              request.getRequestURI()
                  + (request.getQueryString() == null ? "" : "?" + request.getQueryString()),
              StandardCharsets.UTF_8);
      if (!API_KEY.equals(request.getHeader(HEADER))) {
        calls.add(new Call(at, query, 401));
        refuse(response, 401, "HUB stand-in: missing or wrong " + HEADER);
        return;
      }
      if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        calls.add(new Call(at, query, 503));
        refuse(response, 503, "HUB stand-in: unavailable");
        return;
      }
      calls.add(new Call(at, query, 200));
      super.service(request, response);
    }

    private void refuse(HttpServletResponse response, int status, String why) throws IOException {
      response.setStatus(status);
      response.setContentType("application/fhir+json");
      response
          .getOutputStream()
          .write(
              ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                      + "\"code\":\"security\",\"diagnostics\":\""
                      + why
                      + "\"}]}")
                  .getBytes(StandardCharsets.UTF_8));
    }
  }

  /** {@code Practitioner?_lastUpdated=ge...}. */
  public class Practitioners implements IResourceProvider {
    @Override
    public Class<Practitioner> getResourceType() {
      return Practitioner.class;
    }

    @Search
    public List<IBaseResource> search(
        @OptionalParam(name = Constants.PARAM_LASTUPDATED) DateRangeParam lastUpdated) {
      List<IBaseResource> found = new ArrayList<>();
      practitioners.values().stream()
          .sorted(java.util.Comparator.comparing(p -> p.getIdElement().getIdPart()))
          .filter(
              p ->
                  lastUpdated == null
                      || lastUpdated.getLowerBoundAsInstant() == null
                      || !p.getMeta().getLastUpdated().before(lastUpdated.getLowerBoundAsInstant()))
          .forEach(p -> found.add(p.copy()));
      return found;
    }
  }

  /** {@code PractitionerRole?practitioner=...&_include=PractitionerRole:organization}. */
  public class Roles implements IResourceProvider {
    @Override
    public Class<PractitionerRole> getResourceType() {
      return PractitionerRole.class;
    }

    @Search
    public List<IBaseResource> search(
        @OptionalParam(name = PractitionerRole.SP_PRACTITIONER) ReferenceOrListParam practitioner,
        @IncludeParam(allow = "PractitionerRole:organization") Set<Include> includes,
        RequestDetails request) {
      Set<String> wanted = new java.util.HashSet<>();
      if (practitioner != null) {
        for (ReferenceParam reference : practitioner.getValuesAsQueryTokens()) {
          wanted.add(reference.getIdPart());
        }
      }
      List<IBaseResource> found = new ArrayList<>();
      roles.values().stream()
          .sorted(java.util.Comparator.comparing(r -> r.getIdElement().getIdPart()))
          .filter(
              r ->
                  wanted.isEmpty()
                      || wanted.contains(r.getPractitioner().getReferenceElement().getIdPart()))
          .forEach(
              r -> {
                PractitionerRole copy = r.copy();
                Organization organization =
                    organizations.get(copy.getOrganization().getReferenceElement().getIdPart());
                if (organization != null && includes != null && !includes.isEmpty()) {
                  copy.getOrganization().setResource(organization.copy());
                }
                found.add(copy);
              });
      return found;
    }
  }

  /** {@code Organization?_id=a,b}. */
  public class Organizations implements IResourceProvider {
    @Override
    public Class<Organization> getResourceType() {
      return Organization.class;
    }

    @Search
    public List<IBaseResource> search(@OptionalParam(name = "_id") TokenOrListParam ids) {
      Set<String> wanted = new java.util.HashSet<>();
      if (ids != null) {
        for (TokenParam id : ids.getValuesAsQueryTokens()) {
          wanted.add(id.getValue());
        }
      }
      List<IBaseResource> found = new ArrayList<>();
      organizations.values().stream()
          .filter(o -> wanted.isEmpty() || wanted.contains(o.getIdElement().getIdPart()))
          .forEach(o -> found.add(o.copy()));
      return found;
    }
  }

  static Date date(java.time.Instant instant) {
    return Date.from(instant);
  }
}
