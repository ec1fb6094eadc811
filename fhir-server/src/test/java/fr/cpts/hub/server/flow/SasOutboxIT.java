package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import fr.cpts.hub.server.sas.outbox.SasOutbox;
import fr.cpts.hub.server.sas.outbox.SasOutboxProperties;
import fr.cpts.hub.server.sas.outbox.SasOutboxSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Appointments back to the SAS (INT_R03): the hub is the client, a HAPI plain server stands in for
 * the SAS platform. The flows drive the delivery themselves ({@link SasOutboxSender#deliverDue} at
 * chosen instants) instead of waiting for the timer.
 */
@HubIntegrationTest
class SasOutboxIT {

  @LocalServerPort int port;
  @Autowired SasOutboxSender sender;
  @Autowired SasOutbox outbox;
  @Autowired SasOutboxProperties properties;
  @Autowired DaoRegistry daos;
  @Autowired Clock clock;

  private final SasStandIn sas = SasStandIn.INSTANCE;
  private IGenericClient client;
  private BookingFixtures fixtures;

  @BeforeEach
  void setUp() {
    sas.up();
    client = HubClient.of(port);
    fixtures = new BookingFixtures(client);
  }

  @AfterEach
  void sasBackUp() {
    sas.up();
  }

  @Test
  void sasAppointment_isPostedOnCreation_thenPutOnEachChange_inTheSasProfile() {
    Appointment booked = fixtures.sasAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED);
    String sasId = booked.getIdentifierFirstRep().getValue();
    IdType id = book(booked);

    sender.deliverDue(clock.instant());
    change(id, AppointmentStatus.FULFILLED);
    sender.deliverDue(clock.instant());

    assertThat(sas.receivedFor(sasId))
        .extracting(SasStandIn.Received::method)
        .containsExactly("POST", "PUT");
    Appointment received = sas.stored(sasId);
    assertThat(received.getStatus()).isEqualTo(AppointmentStatus.FULFILLED);
    assertThat(received.getMeta().getProfile())
        .extracting(p -> p.getValue())
        .containsExactly(SasProfiles.APPOINTMENT);
    assertThat(received.getExtensionByUrl(SasProfiles.APPOINTMENT_OPERATOR_EXTENSION)).isNotNull();
    assertThat(received.getParticipant())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getActor().getIdentifier().getSystem()).isEqualTo(FrIdentifiers.IDNPS);
              assertThat(p.getActor().getIdentifier().getValue())
                  .isEqualTo(BookingFixtures.GP_IDNPS);
              assertThat(p.getActor().getIdentifier().getType().getCodingFirstRep().getSystem())
                  .isEqualTo(SasProfiles.FR_V2_0203);
            });
    assertThat(received.getStart()).isNotNull();
    assertThat(messages(id.getIdPart()))
        .extracting(m -> part(m, "state"), m -> part(m, "kind"), m -> part(m, "version"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sent", "update", "2"),
            org.assertj.core.groups.Tuple.tuple("sent", "create", "1"));
  }

  @Test
  void sasDown_messageStaysPendingWithBackoff_thenIsSentWhenSasIsBack() {
    sas.down();
    Appointment booked = fixtures.sasAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED);
    String sasId = booked.getIdentifierFirstRep().getValue();
    IdType id = book(booked);
    Instant now = clock.instant();

    sender.deliverDue(now);
    assertThat(messages(id.getIdPart()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(part(m, "state")).isEqualTo("pending");
              assertThat(part(m, "attempts")).isEqualTo("1");
              assertThat(part(m, "lastError")).isEqualTo("SAS unreachable");
            });
    // Not due again before its back-off has passed.
    sender.deliverDue(now.plusSeconds(1));
    assertThat(part(messages(id.getIdPart()).get(0), "attempts")).isEqualTo("1");
    sender.deliverDue(now.plus(properties.firstRetry()).plusSeconds(1));
    assertThat(part(messages(id.getIdPart()).get(0), "attempts")).isEqualTo("2");

    sas.up();
    sender.deliverDue(now.plus(Duration.ofHours(2)));

    assertThat(sas.receivedFor(sasId))
        .extracting(SasStandIn.Received::method)
        .containsExactly("POST");
    assertThat(messages(id.getIdPart()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(part(m, "state")).isEqualTo("sent");
              assertThat(part(m, "attempts")).isEqualTo("3");
            });
  }

  @Test
  void hubRestartedWithPendingMessages_aNewNodeSendsThemInOrder() {
    sas.down();
    Appointment booked = fixtures.sasAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED);
    String sasId = booked.getIdentifierFirstRep().getValue();
    IdType id = book(booked);
    change(id, AppointmentStatus.CANCELLED);
    sender.deliverDue(clock.instant());
    assertThat(messages(id.getIdPart()))
        .hasSize(2)
        .allSatisfy(m -> assertThat(part(m, "state")).isEqualTo("pending"));

    // A node that knows nothing of the first: all it has is the database.
    SasOutboxSender restarted = new SasOutboxSender(outbox, properties, daos, clock);
    sas.up();
    restarted.deliverDue(clock.instant().plus(Duration.ofHours(2)));

    assertThat(sas.receivedFor(sasId))
        .extracting(SasStandIn.Received::method)
        .containsExactly("POST", "PUT");
    assertThat(sas.stored(sasId).getStatus()).isEqualTo(AppointmentStatus.CANCELLED);
    assertThat(messages(id.getIdPart()))
        .allSatisfy(m -> assertThat(part(m, "state")).isEqualTo("sent"));
  }

  @Test
  void sasRefusesTheMessage_itFailsAtOnce_withoutRetry() {
    Appointment booked = fixtures.sasAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED);
    IdType id = book(booked);
    sas.refuseNextRequest();

    sender.deliverDue(clock.instant());

    assertThat(messages(id.getIdPart()))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(part(m, "state")).isEqualTo("failed");
              assertThat(part(m, "attempts")).isEqualTo("1");
              assertThat(part(m, "lastError")).isEqualTo("HTTP 422");
            });
    assertThat(failedMessages())
        .extracting(m -> part(m, "appointment"))
        .contains("Appointment/" + id.getIdPart());
  }

  @Test
  void twoNodesDeliveringAtOnce_sendEachMessageOnce() throws Exception {
    sas.down();
    List<String> sasIds =
        java.util.stream.IntStream.range(0, 8)
            .mapToObj(
                i -> {
                  Appointment a =
                      fixtures.sasAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED);
                  book(a);
                  return a.getIdentifierFirstRep().getValue();
                })
            .toList();
    sas.up();
    SasOutboxSender other = new SasOutboxSender(outbox, properties, daos, clock);
    Instant later = clock.instant().plus(Duration.ofMinutes(1));

    CompletableFuture<Integer> first =
        CompletableFuture.supplyAsync(() -> sender.deliverDue(later));
    CompletableFuture<Integer> second =
        CompletableFuture.supplyAsync(() -> other.deliverDue(later));
    first.get();
    second.get();

    for (String sasId : sasIds) {
      assertThat(sas.receivedFor(sasId))
          .extracting(SasStandIn.Received::method)
          .containsExactly("POST");
    }
  }

  @Test
  void gpAppointment_withoutOperator_isNotSentToTheSas() {
    IdType id = book(fixtures.gpAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED));
    assertThat(messages(id.getIdPart())).isEmpty();
  }

  @Test
  void rolledBackTransaction_leavesNoMessage() {
    Appointment booked = fixtures.sasAppointment(fixtures.freeSlot(), AppointmentStatus.BOOKED);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(booked)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Appointment");
    // Not conformant (no identifier, no name): the whole transaction is refused.
    transaction
        .addEntry()
        .setResource(new Practitioner())
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Practitioner");
    int before = messages(null).size();

    assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
        .isInstanceOf(BaseServerResponseException.class);

    assertThat(messages(null)).hasSize(before);
  }

  @Test
  void outboxOperation_withAnUnknownState_is400() {
    assertThatThrownBy(
            () ->
                client
                    .operation()
                    .onServer()
                    .named("$sas-outbox")
                    .withSearchParameter(
                        Parameters.class, "state", new ca.uhn.fhir.rest.param.StringParam("lost"))
                    .useHttpGet()
                    .execute())
        .isInstanceOf(BaseServerResponseException.class)
        .satisfies(
            e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(400));
  }

  private IdType book(Appointment appointment) {
    return (IdType)
        client.create().resource(appointment).execute().getId().toUnqualifiedVersionless();
  }

  private void change(IdType id, AppointmentStatus status) {
    Appointment stored = client.read().resource(Appointment.class).withId(id).execute();
    stored.setStatus(status);
    client.update().resource(stored).execute();
  }

  private List<ParametersParameterComponent> messages(String appointmentId) {
    var operation = client.operation().onServer().named("$sas-outbox");
    Parameters answer =
        appointmentId == null
            ? operation.withNoParameters(Parameters.class).useHttpGet().execute()
            : operation
                .withSearchParameter(
                    Parameters.class,
                    "appointment",
                    new ca.uhn.fhir.rest.param.StringParam(appointmentId))
                .useHttpGet()
                .execute();
    return answer.getParameter();
  }

  private List<ParametersParameterComponent> failedMessages() {
    return client
        .operation()
        .onServer()
        .named("$sas-outbox")
        .withSearchParameter(
            Parameters.class, "state", new ca.uhn.fhir.rest.param.StringParam("failed"))
        .useHttpGet()
        .execute()
        .getParameter();
  }

  private static String part(ParametersParameterComponent message, String name) {
    return message.getPart().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .map(
            p ->
                p.getValue() instanceof org.hl7.fhir.r4.model.Reference r
                    ? r.getReference()
                    : p.getValue().primitiveValue())
        .orElse(null);
  }
}
