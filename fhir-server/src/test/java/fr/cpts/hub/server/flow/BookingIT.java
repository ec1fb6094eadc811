package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Booking: a GP software or the SAS posts an Appointment on a free Slot; the slot becomes busy in
 * the same transaction; a second booking of the same slot is refused with 409, even when fifty
 * arrive at once; cancelling frees the slot.
 */
@HubIntegrationTest
class BookingIT {

  @LocalServerPort int port;

  private IGenericClient client;
  private BookingFixtures fixtures;
  private String patientId;

  @BeforeEach
  void publishScheduleAndPatient() {
    client = HubClient.of(port);
    fixtures = new BookingFixtures(client);
    patientId = fixtures.patientId;
  }

  @Test
  void book_freeSlot_isCreatedWith201_andTheSlotBecomesBusy() {
    String slot = freeSlot();

    MethodOutcome outcome =
        client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute();

    assertThat(outcome.getCreated()).isTrue();
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
    Appointment stored =
        client.read().resource(Appointment.class).withId(outcome.getId()).execute();
    assertThat(stored.getParticipant())
        .extracting(
            p ->
                p.getActor().hasReference()
                    ? p.getActor().getReference()
                    : p.getActor().getIdentifier().getValue())
        .containsExactlyInAnyOrder(patientId, BookingFixtures.GP_IDNPS);
  }

  @Test
  void book_whenSlotAlreadyBooked_isRejectedWith409_andNothingIsStored() {
    String slot = freeSlot();
    client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute();

    assertThatThrownBy(
            () -> client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute())
        .isInstanceOf(ResourceVersionConflictException.class)
        .satisfies(e -> assertThat(outcomeText(e)).contains("HUB-0411").contains("not free"));
    assertThat(appointmentsOn(slot)).isEqualTo(1);
  }

  @Test
  void book_fiftyClientsAtOnceOnOneSlot_exactlyOneGets201_theOthers409() throws Exception {
    String slot = freeSlot();
    int clients = 50;
    List<BookingFixtures.Answer> answers = fixtures.bookAtOnce(slot, clients, i -> port);

    for (BookingFixtures.Answer answer : answers) {
      if (answer.error() != null) {
        assertThat(outcomeText(answer.error())).containsAnyOf("HUB-0411", "HUB-0413", "HAPI-");
      }
    }
    assertThat(BookingFixtures.byStatus(answers))
        .containsExactly(entry(201, 1L), entry(409, (long) clients - 1));
    assertThat(appointmentsOn(slot)).isEqualTo(1);
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
  }

  @Test
  void cancel_freesTheSlot_whichCanBeBookedAgain() {
    String slot = freeSlot();
    IdType id =
        (IdType)
            client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute().getId();
    Appointment appointment =
        client.read().resource(Appointment.class).withId(id.toUnqualifiedVersionless()).execute();

    appointment.setStatus(AppointmentStatus.CANCELLED);
    client.update().resource(appointment).execute();

    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.FREE);
    assertThat(
            client
                .create()
                .resource(appointment(slot, AppointmentStatus.BOOKED))
                .execute()
                .getCreated())
        .isTrue();
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
  }

  @Test
  void fulfilledAndNoshow_areRecorded_andKeepTheSlotBusy() {
    for (AppointmentStatus outcome :
        List.of(AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)) {
      String slot = freeSlot();
      IdType id =
          (IdType)
              client
                  .create()
                  .resource(appointment(slot, AppointmentStatus.BOOKED))
                  .execute()
                  .getId();
      Appointment appointment =
          client.read().resource(Appointment.class).withId(id.toUnqualifiedVersionless()).execute();
      appointment.setStatus(outcome);
      client.update().resource(appointment).execute();

      assertThat(
              client
                  .read()
                  .resource(Appointment.class)
                  .withId(id.toUnqualifiedVersionless())
                  .execute()
                  .getStatus())
          .isEqualTo(outcome);
      assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
    }
  }

  @Test
  void deleteSlot_withAnAppointment_isRefused() {
    String slot = freeSlot();
    client.create().resource(appointment(slot, AppointmentStatus.BOOKED)).execute();

    assertThatThrownBy(() -> client.delete().resourceById(new IdType(slot)).execute())
        .isInstanceOf(ResourceVersionConflictException.class);
    assertThat(status(slot)).isEqualTo(Slot.SlotStatus.BUSY);
  }

  @Test
  void book_unknownSlot_isRefusedWith422() {
    assertThatThrownBy(
            () ->
                client
                    .create()
                    .resource(appointment("Slot/does-not-exist", AppointmentStatus.BOOKED))
                    .execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .satisfies(e -> assertThat(outcomeText(e)).contains("HUB-0412"));
  }

  private String freeSlot() {
    return fixtures.freeSlot();
  }

  private Appointment appointment(String slot, AppointmentStatus status) {
    return fixtures.sasAppointment(slot, status);
  }

  private Slot.SlotStatus status(String slot) {
    return client.read().resource(Slot.class).withId(slot).execute().getStatus();
  }

  private int appointmentsOn(String slot) {
    return client
        .search()
        .byUrl("Appointment?slot=" + slot + "&_summary=count")
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private static String outcomeText(Throwable e) {
    if (e instanceof BaseServerResponseException response
        && response.getOperationOutcome() instanceof OperationOutcome outcome) {
      return outcome.getIssue().stream()
          .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
          .toList()
          .toString();
    }
    return String.valueOf(e.getMessage());
  }
}
