package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.IdType;

/**
 * A FHIR server standing in for the SAS platform in the flows: HAPI's plain RestfulServer in its
 * own Tomcat on its own port, accepting Appointment creates (conditional) and conditional updates
 * and remembering what it received. It can be taken down (its port then refuses connections) and
 * brought back up on the same port, and told to refuse the next request with a 422.
 */
final class SasStandIn {

  /** One request the stand-in received. */
  record Received(String method, String identifier, Appointment appointment) {}

  static final SasStandIn INSTANCE = new SasStandIn();

  private final int port;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Appointment> byIdentifier = new ConcurrentHashMap<>();
  private final AtomicBoolean refuseNext = new AtomicBoolean();
  private final AtomicInteger ids = new AtomicInteger();
  private Tomcat tomcat;

  private SasStandIn() {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    up();
    Runtime.getRuntime().addShutdownHook(new Thread(this::down, "sas-stand-in-stop"));
  }

  String base() {
    return "http://localhost:" + port + "/fhir";
  }

  synchronized void up() {
    if (tomcat != null) {
      return;
    }
    try {
      Tomcat server = new Tomcat();
      server.setBaseDir(Files.createTempDirectory("sas-stand-in").toString());
      server.setPort(port);
      server.getConnector();
      Context context = server.addContext("", null);
      RestfulServer fhir = new RestfulServer(HubClient.FHIR);
      fhir.registerProvider(new Appointments());
      Tomcat.addServlet(context, "fhir", fhir);
      context.addServletMappingDecoded("/fhir/*", "fhir");
      server.start();
      tomcat = server;
    } catch (IOException | LifecycleException e) {
      throw new IllegalStateException("the SAS stand-in did not start", e);
    }
  }

  synchronized void down() {
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

  void refuseNextRequest() {
    refuseNext.set(true);
  }

  /** What it received for one appointment identifier value, in order. */
  List<Received> receivedFor(String identifierValue) {
    return received.stream().filter(r -> identifierValue.equals(r.identifier())).toList();
  }

  Appointment stored(String identifierValue) {
    return byIdentifier.get(identifierValue);
  }

  /** The Appointment endpoint of the stand-in. */
  public class Appointments implements IResourceProvider {

    @Override
    public Class<Appointment> getResourceType() {
      return Appointment.class;
    }

    @Create
    public MethodOutcome create(
        @ResourceParam Appointment appointment, @ConditionalUrlParam String ifNoneExist) {
      String identifier = receive("POST", appointment);
      Appointment existing = byIdentifier.get(identifier);
      if (existing != null && ifNoneExist != null) {
        return new MethodOutcome(existing.getIdElement()).setCreated(false);
      }
      appointment.setId(new IdType("Appointment", Integer.toString(ids.incrementAndGet())));
      byIdentifier.put(identifier, appointment);
      return new MethodOutcome(appointment.getIdElement()).setCreated(true);
    }

    @Update
    public MethodOutcome update(
        @IdParam IdType id,
        @ResourceParam Appointment appointment,
        @ConditionalUrlParam String conditional) {
      String identifier = receive("PUT", appointment);
      Appointment existing = byIdentifier.get(identifier);
      appointment.setId(
          existing != null
              ? existing.getIdElement()
              : new IdType("Appointment", Integer.toString(ids.incrementAndGet())));
      byIdentifier.put(identifier, appointment);
      return new MethodOutcome(appointment.getIdElement()).setCreated(existing == null);
    }

    private String receive(String method, Appointment appointment) {
      String identifier = appointment.getIdentifierFirstRep().getValue();
      if (refuseNext.getAndSet(false)) {
        received.add(new Received(method + " refused", identifier, appointment));
        throw new UnprocessableEntityException("refused by the SAS stand-in");
      }
      received.add(new Received(method, identifier, appointment));
      return identifier;
    }
  }
}
