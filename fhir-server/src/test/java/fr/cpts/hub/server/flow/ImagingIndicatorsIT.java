package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The imaging short circuit's indicators (issue 6) on a known data set, in months of 2032 that no
 * other flow books: imaging appointments per month, distinct prescribers; cancelled ones and
 * appointments without an imaging order do not count.
 */
@HubIntegrationTest
class ImagingIndicatorsIT {

  @LocalServerPort int port;

  @Test
  void knownDataSet_givesTheAppointmentsPerMonth_andTheDistinctPrescribers() {
    IGenericClient client = HubClient.of(port);
    ImagingOrders orders = new ImagingOrders(client);
    ImagingOrders.Practice a = orders.practice();
    ImagingOrders.Practice b = orders.practice();
    book(client, orders.order(a), "2032-05-10T09:00:00+02:00", AppointmentStatus.BOOKED);
    book(client, orders.order(a), "2032-05-31T23:30:00+02:00", AppointmentStatus.FULFILLED);
    book(client, orders.order(b), "2032-06-03T14:00:00+02:00", AppointmentStatus.BOOKED);
    book(client, orders.order(b), "2032-06-04T14:00:00+02:00", AppointmentStatus.CANCELLED);
    book(client, orders.order(a), "2032-08-01T09:00:00+02:00", AppointmentStatus.BOOKED);
    IdType order = orders.order(a);
    Appointment withoutOrder = appointment(client, order, "2032-06-05T10:00:00+02:00");
    withoutOrder.getBasedOn().clear();
    client.create().resource(withoutOrder).execute();

    Parameters out = indicators(client, "2032-05", "2032-07");

    assertThat(months(out)).containsExactly("2032-05=2", "2032-06=1", "2032-07=0");
    assertThat(((IntegerType) out.getParameter("appointments").getValue()).getValue()).isEqualTo(3);
    assertThat(((IntegerType) out.getParameter("prescribers").getValue()).getValue())
        .as("the practitioners of a and b")
        .isEqualTo(2);
  }

  @Test
  void badPeriods_areRefusedWith400_quotingHub0650() {
    IGenericClient client = HubClient.of(port);
    for (String[] period :
        List.of(
            new String[] {"2032-13", "2032-14"},
            new String[] {"2032-06", "2032-05"},
            new String[] {"2030-01", "2032-06"})) {
      assertThatThrownBy(() -> indicators(client, period[0], period[1]))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e ->
                  assertThat(
                          ((OperationOutcome) e.getOperationOutcome())
                              .getIssueFirstRep()
                              .getDiagnostics())
                      .startsWith("HUB-0650"));
    }
  }

  private static void book(
      IGenericClient client, IdType order, String start, AppointmentStatus status) {
    Appointment appointment = appointment(client, order, start);
    appointment.setStatus(status);
    client.create().resource(appointment).execute();
  }

  private static Appointment appointment(IGenericClient client, IdType order, String start) {
    ServiceRequest stored = client.read().resource(ServiceRequest.class).withId(order).execute();
    OffsetDateTime at = OffsetDateTime.parse(start);
    Appointment appointment = new Appointment();
    appointment.setStatus(AppointmentStatus.BOOKED);
    appointment.addBasedOn(new Reference(order.toUnqualifiedVersionless()));
    appointment.setStart(Date.from(at.toInstant()));
    appointment.setEnd(Date.from(at.plusMinutes(30).toInstant()));
    appointment
        .addParticipant()
        .setActor(stored.getSubject())
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    appointment
        .addParticipant()
        .setActor(stored.getRequester())
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    return appointment;
  }

  private static Parameters indicators(IGenericClient client, String start, String end) {
    Parameters in = new Parameters();
    in.addParameter("start", new StringType(start));
    in.addParameter("end", new StringType(end));
    return client
        .operation()
        .onServer()
        .named("$imaging-indicators")
        .withParameters(in)
        .useHttpGet()
        .execute();
  }

  private static List<String> months(Parameters out) {
    return out.getParameter().stream()
        .filter(p -> p.getName().equals("month"))
        .map(
            p ->
                p.getPart().get(0).getValue().primitiveValue()
                    + "="
                    + p.getPart().get(1).getValue().primitiveValue())
        .toList();
  }
}
