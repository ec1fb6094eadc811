package fr.cpts.hub.server.imaging;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.config.HubOutcomes;
import fr.cpts.hub.server.mt.MtRecords;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET [base]/$imaging-indicators?start=yyyy-mm&end=yyyy-mm}: for the months from start to
 * end, the imaging appointments booked ({@link ImagingIndicators}: Appointments based on an imaging
 * order, {@code hub-service-request-imaging}, neither cancelled nor entered in error, by the month
 * of their start in Paris) and the distinct prescribers of their orders (a PractitionerRole counts
 * as its Practitioner). Found by a HAPI search on the Appointments' date; each order read once. 400
 * HUB-0650 for a missing, malformed or inverted period, or one longer than 24 months.
 */
@Component
public class ImagingIndicatorsOperation implements HubOperationProvider {

  public static final String OPERATION = "$imaging-indicators";
  public static final String CANONICAL =
      HubIdentifiers.CANONICAL_BASE + "/OperationDefinition/imaging-indicators";
  static final int MAX_MONTHS = 24;

  private final MtRecords records;

  public ImagingIndicatorsOperation(MtRecords records) {
    this.records = records;
  }

  @Operation(name = OPERATION, idempotent = true, canonicalUrl = CANONICAL)
  public Parameters indicators(
      @OperationParam(name = "start", min = 1, max = 1) StringType start,
      @OperationParam(name = "end", min = 1, max = 1) StringType end) {
    YearMonth first = month(start);
    YearMonth last = month(end);
    if (first == null
        || last == null
        || last.isBefore(first)
        || first.plusMonths(MAX_MONTHS - 1L).isBefore(last)) {
      String message =
          "HUB-0650: give the period as start and end months (yyyy-mm), start <= end, at most "
              + MAX_MONTHS
              + " months";
      throw new InvalidRequestException(
          message, HubOutcomes.error(message, "start", IssueType.INVALID));
    }
    // As UTC instants: nothing in them to escape in a search URL.
    String from = first.atDay(1).atStartOfDay(ClockConfig.PARIS).toInstant().toString();
    String to = last.plusMonths(1).atDay(1).atStartOfDay(ClockConfig.PARIS).toInstant().toString();
    List<Appointment> appointments =
        records.search(Appointment.class, "Appointment?date=ge" + from + "&date=lt" + to);
    Map<String, Optional<ServiceRequest>> orders = new HashMap<>();
    Map<String, String> practitionerOfRole = new HashMap<>();
    List<ImagingIndicators.Booking> bookings = new ArrayList<>();
    for (Appointment appointment : appointments) {
      if (appointment.getStatus() == AppointmentStatus.CANCELLED
          || appointment.getStatus() == AppointmentStatus.ENTEREDINERROR
          || appointment.getStart() == null) {
        continue;
      }
      Optional<ServiceRequest> order =
          appointment.getBasedOn().stream()
              .filter(r -> "ServiceRequest".equals(r.getReferenceElement().getResourceType()))
              .map(
                  r ->
                      orders.computeIfAbsent(
                          r.getReferenceElement().toUnqualifiedVersionless().getValue(),
                          k ->
                              records
                                  .read(ServiceRequest.class, r)
                                  .filter(ImagingOrderProfile::isImagingOrder)))
              .flatMap(Optional::stream)
              .findFirst();
      if (order.isEmpty()) {
        continue;
      }
      bookings.add(
          new ImagingIndicators.Booking(
              YearMonth.from(appointment.getStart().toInstant().atZone(ClockConfig.PARIS)),
              prescriber(order.get().getRequester(), practitionerOfRole)));
    }
    ImagingIndicators indicators = ImagingIndicators.of(first, last, bookings);
    Parameters out = new Parameters();
    indicators
        .perMonth()
        .forEach(
            (month, count) -> {
              Parameters.ParametersParameterComponent part = out.addParameter().setName("month");
              part.addPart().setName("month").setValue(new StringType(month.toString()));
              part.addPart().setName("appointments").setValue(new IntegerType(count));
            });
    out.addParameter("appointments", new IntegerType(indicators.total()));
    out.addParameter("prescribers", new IntegerType(indicators.prescribers()));
    return out;
  }

  /** The prescriber as a Practitioner when the requester is a role, else the requester itself. */
  private String prescriber(Reference requester, Map<String, String> practitionerOfRole) {
    if (requester == null || requester.isEmpty()) {
      return null;
    }
    if (requester.hasIdentifier() && !requester.hasReference()) {
      return requester.getIdentifier().getSystem() + "|" + requester.getIdentifier().getValue();
    }
    String reference = requester.getReferenceElement().toUnqualifiedVersionless().getValue();
    if (!"PractitionerRole".equals(requester.getReferenceElement().getResourceType())) {
      return reference;
    }
    return practitionerOfRole.computeIfAbsent(
        reference,
        r ->
            records
                .read(PractitionerRole.class, requester)
                .filter(PractitionerRole::hasPractitioner)
                .map(p -> "Practitioner/" + p.getPractitioner().getReferenceElement().getIdPart())
                .orElse(r));
  }

  private static YearMonth month(StringType value) {
    if (value == null || !value.hasValue()) {
      return null;
    }
    try {
      return YearMonth.parse(value.getValue().trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
