package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v25.datatype.CE;
import ca.uhn.hl7v2.model.v25.datatype.TQ;
import ca.uhn.hl7v2.model.v25.datatype.XCN;
import ca.uhn.hl7v2.model.v25.group.SIU_S12_GENERAL_RESOURCE;
import ca.uhn.hl7v2.model.v25.group.SIU_S12_PATIENT;
import ca.uhn.hl7v2.model.v25.group.SIU_S12_PERSONNEL_RESOURCE;
import ca.uhn.hl7v2.model.v25.group.SIU_S12_RESOURCES;
import ca.uhn.hl7v2.model.v25.group.SIU_S12_SERVICE;
import ca.uhn.hl7v2.model.v25.message.SIU_S12;
import ca.uhn.hl7v2.model.v25.segment.AIS;
import ca.uhn.hl7v2.model.v25.segment.SCH;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;

/**
 * A scheduling message of the RIS, SIU^S12 (new booking), S13 (rescheduled), S14 (modified), S15
 * (cancelled), S17 (deleted), S26 (no-show), to a transaction of one conditional update of the
 * Appointment by the RIS's appointment number, so that each later message of the same appointment
 * updates it.
 *
 * <p>Where each field comes from:
 *
 * <ul>
 *   <li>identifier: SCH-2 (filler appointment id) in {@link RadiologySource#appointmentSystem()};
 *   <li>status: the trigger event: S12, S13, S14 {@code booked}; S15, S17 {@code cancelled}; S26
 *       {@code noshow}; cancellation reason: SCH-6;
 *   <li>start: AIS-4, else SCH-11.4; end: SCH-11.5, else start + AIS-7/AIS-8, else start +
 *       SCH-9/SCH-10 (units {@code min}, {@code h}, {@code s}; minutes when absent);
 *   <li>participants: the patient by the INS of PID-3 (conditional reference), every professional
 *       of AIP-3 with an IDNPS (at least one: the hub's Appointment profile wants one), the imaging
 *       device of AIG-3 by the hub's device identifier;
 *   <li>service: AIS-3; appointment type: SCH-8 when ROUTINE or WALKIN (table 0276); reason ({@code
 *       description}): SCH-7 text;
 *   <li>order ({@code basedOn}): SCH-26 when it is the hub's number, else SCH-27 as accession
 *       number ({@link OrderNumbers}); absent when neither is given (a booking made at the RIS).
 * </ul>
 *
 * The Slot is not referenced: the RIS does not know the hub's slot ids; linking the booking to the
 * slot it takes is the hub's booking logic.
 */
public final class SiuMapper implements Hl7v2InboundMapper {

  private static final List<String> EVENTS = List.of("S12", "S13", "S14", "S15", "S17", "S26");

  private final RadiologySource source;

  public SiuMapper(RadiologySource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public Bundle map(Message message, MappingContext context) throws Hl7v2MappingException {
    String event = Segments.requireType(message, "SIU", EVENTS);
    if (!(message instanceof SIU_S12 siu)) {
      throw new Hl7v2MappingException(
          Hl7v2Error.WRONG_MESSAGE_TYPE, "MSH-9", "not an SIU_S12 structure");
    }
    try {
      return map(siu, event, context);
    } catch (HL7Exception e) {
      throw Hl7v2MappingException.unreadable(e);
    }
  }

  private Bundle map(SIU_S12 siu, String event, MappingContext context)
      throws HL7Exception, Hl7v2MappingException {
    SCH sch = siu.getSCH();
    if (Segments.isEmpty(sch)) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_SEGMENT, "SCH", "a scheduling message has its SCH segment");
    }
    String number = OrderNumbers.value(sch.getFillerAppointmentID()).orElse(null);
    if (number == null) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD, "SCH-2", "no filler appointment id: the RIS's number");
    }

    Appointment appointment = new Appointment();
    appointment.getMeta().addProfile(HubProfiles.APPOINTMENT);
    appointment.addIdentifier(
        new Identifier().setSystem(source.appointmentSystem()).setValue(number));
    appointment.setStatus(
        switch (event) {
          case "S15", "S17" -> AppointmentStatus.CANCELLED;
          case "S26" -> AppointmentStatus.NOSHOW;
          default -> AppointmentStatus.BOOKED;
        });
    if (appointment.getStatus() == AppointmentStatus.CANCELLED
        && !Codes.isEmpty(sch.getEventReason())) {
      appointment.setCancelationReason(Codes.concept(sch.getEventReason()));
    }

    List<AIS> services = new ArrayList<>();
    List<XCN> personnel = new ArrayList<>();
    List<CE> devices = new ArrayList<>();
    for (SIU_S12_RESOURCES resources : siu.getRESOURCESAll()) {
      for (SIU_S12_SERVICE service : resources.getSERVICEAll()) {
        if (!Segments.isEmpty(service.getAIS())) {
          services.add(service.getAIS());
        }
      }
      for (SIU_S12_PERSONNEL_RESOURCE person : resources.getPERSONNEL_RESOURCEAll()) {
        if (!Segments.isEmpty(person.getAIP())) {
          personnel.addAll(List.of(person.getAIP().getPersonnelResourceID()));
        }
      }
      for (SIU_S12_GENERAL_RESOURCE general : resources.getGENERAL_RESOURCEAll()) {
        if (!Segments.isEmpty(general.getAIG())) {
          devices.add(general.getAIG().getResourceID());
        }
      }
    }

    // When
    TQ timing =
        sch.getAppointmentTimingQuantity().length > 0 ? sch.getAppointmentTimingQuantity(0) : null;
    Optional<OffsetDateTime> start = Optional.empty();
    if (!services.isEmpty()) {
      start =
          V2DateTime.instant(
              services.get(0).getStartDateTime().getTime().getValue(), context.zone(), "AIS-4");
    }
    if (start.isEmpty() && timing != null) {
      start =
          V2DateTime.instant(
              timing.getStartDateTime().getTime().getValue(), context.zone(), "SCH-11.4");
    }
    if (start.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD, "AIS-4", "no start time (AIS-4, or SCH-11.4)");
    }
    Optional<OffsetDateTime> end = Optional.empty();
    if (timing != null) {
      end =
          V2DateTime.instant(
              timing.getEndDateTime().getTime().getValue(), context.zone(), "SCH-11.5");
    }
    if (end.isEmpty() && !services.isEmpty()) {
      end =
          duration(
                  services.get(0).getDuration().getValue(),
                  services.get(0).getDurationUnits(),
                  "AIS-7")
              .map(start.get()::plus);
    }
    if (end.isEmpty()) {
      end =
          duration(
                  sch.getAppointmentDuration().getValue(),
                  sch.getAppointmentDurationUnits(),
                  "SCH-9")
              .map(start.get()::plus);
    }
    if (end.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD,
          "SCH-11.5",
          "no end time (SCH-11.5) nor duration (AIS-7, SCH-9)");
    }
    if (!end.get().isAfter(start.get())) {
      throw new Hl7v2MappingException(
          Hl7v2Error.INVALID_VALUE, "SCH-11.5", "the appointment ends before it starts");
    }
    appointment.setStartElement(new InstantType(format(start.get())));
    appointment.setEndElement(new InstantType(format(end.get())));
    appointment.setMinutesDuration((int) Duration.between(start.get(), end.get()).toMinutes());

    // What
    if (!services.isEmpty() && !Codes.isEmpty(services.get(0).getUniversalServiceIdentifier())) {
      appointment.addServiceType(Codes.concept(services.get(0).getUniversalServiceIdentifier()));
    }
    String type = Codes.trim(sch.getAppointmentType().getIdentifier().getValue());
    if (type != null && (type.equalsIgnoreCase("ROUTINE") || type.equalsIgnoreCase("WALKIN"))) {
      appointment.setAppointmentType(
          Codes.concept(FrCodeSystems.V2_0276, type.toUpperCase(Locale.ROOT)));
    }
    if (!Codes.isEmpty(sch.getAppointmentReason())) {
      CodeableConcept reason = Codes.concept(sch.getAppointmentReason());
      appointment.setDescription(
          reason.hasText() ? reason.getText() : reason.getCodingFirstRep().getCode());
    }

    // Who
    List<SIU_S12_PATIENT> patients = siu.getPATIENTAll();
    if (patients.isEmpty() || Segments.isEmpty(patients.get(0).getPID())) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_SEGMENT, "PID", "the booking names its patient in a PID segment");
    }
    appointment
        .addParticipant()
        .setActor(InsIdentifier.patientReference(patients.get(0).getPID()))
        .setStatus(ParticipationStatus.ACCEPTED);
    Set<String> seen = new HashSet<>();
    for (XCN xcn : personnel) {
      Optional<Identifier> idnps = ProfessionalIdentifier.idnps(xcn);
      if (idnps.isPresent() && seen.add(idnps.get().getValue())) {
        appointment
            .addParticipant()
            .setActor(
                ProfessionalIdentifier.reference(
                    idnps.get(),
                    xcn.getFamilyName().getSurname().getValue(),
                    xcn.getGivenName().getValue()))
            .setStatus(ParticipationStatus.ACCEPTED);
      }
    }
    if (seen.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD,
          "AIP-3",
          "no professional with an IDNPS (an Appointment of the hub names one)");
    }
    for (CE device : devices) {
      String id = Codes.trim(device.getIdentifier().getValue());
      if (id != null) {
        Reference actor =
            new Reference()
                .setIdentifier(new Identifier().setSystem(HubIdentifiers.DEVICE).setValue(id));
        String name = Codes.trim(device.getText().getValue());
        if (name != null) {
          actor.setDisplay(name);
        }
        appointment.addParticipant().setActor(actor).setStatus(ParticipationStatus.ACCEPTED);
      }
    }

    // Why
    Optional<String> hubNumber = Optional.empty();
    for (var placer : sch.getPlacerOrderNumber()) {
      hubNumber = hubNumber.or(() -> OrderNumbers.hubNumber(placer));
    }
    Optional<String> accession = Optional.empty();
    for (var filler : sch.getFillerOrderNumber()) {
      accession = accession.or(() -> OrderNumbers.value(filler));
    }
    OrderNumbers.serviceRequest(hubNumber, accession, source).ifPresent(appointment::addBasedOn);

    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    Conditional.put(transaction, appointment, source.appointmentSystem(), number);
    return transaction;
  }

  private static Optional<Duration> duration(String amount, CE units, String location)
      throws Hl7v2MappingException {
    String value = Codes.trim(amount);
    if (value == null) {
      return Optional.empty();
    }
    long count;
    try {
      count = Math.round(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.INVALID_VALUE, location, "the duration is not a number", e);
    }
    String unit = Codes.trim(units.getIdentifier().getValue());
    String u = unit == null ? "min" : unit.toLowerCase(Locale.ROOT);
    return Optional.of(
        switch (u) {
          case "min", "mn", "m", "minute", "minutes" -> Duration.ofMinutes(count);
          case "h", "hr", "hour", "hours" -> Duration.ofHours(count);
          case "s", "sec", "second", "seconds" -> Duration.ofSeconds(count);
          default ->
              throw new Hl7v2MappingException(
                  Hl7v2Error.INVALID_VALUE, location, "duration unit '" + unit + "' is unknown");
        });
  }

  private static String format(OffsetDateTime time) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
  }
}
