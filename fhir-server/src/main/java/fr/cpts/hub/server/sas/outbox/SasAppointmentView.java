package fr.cpts.hub.server.sas.outbox;

import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentParticipantComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Appointment as the SAS platform receives it (FrAppointmentSAS, INT_R03): its identifier (the
 * SAS's own when it booked, else the hub's), status, start and end, the regulator as appointment
 * operator and the professional by IDNPS, both typed in FR Core 1.1's {@code fr-v2-0203}. The
 * patient stays in the hub: the SAS profile does not carry one.
 */
public final class SasAppointmentView {

  private SasAppointmentView() {}

  /** Whether the hub sends this appointment to the SAS: it was made by a regulator. */
  public static boolean isSasAppointment(Appointment appointment) {
    return appointment.hasExtension(FrExtensions.APPOINTMENT_OPERATOR);
  }

  /** The identifier the SAS knows the appointment by. */
  public static Identifier identifier(Appointment stored) {
    return stored.getIdentifier().stream()
        .filter(i -> i.hasSystem() && i.hasValue())
        .findFirst()
        .map(i -> new Identifier().setSystem(i.getSystem()).setValue(i.getValue()))
        .orElseGet(
            () ->
                new Identifier()
                    .setSystem(HubIdentifiers.APPOINTMENT)
                    .setValue(stored.getIdElement().getIdPart()));
  }

  /**
   * @param practitionerIdnps the IDNPS of a {@code Practitioner/...} reference, when a participant
   *     is referenced rather than identified
   */
  public static Appointment of(
      Appointment stored, Function<Reference, Optional<String>> practitionerIdnps) {
    Appointment view = new Appointment();
    view.getMeta().addProfile(SasProfiles.APPOINTMENT);
    Extension operator = stored.getExtensionByUrl(FrExtensions.APPOINTMENT_OPERATOR);
    if (operator != null && operator.getValue() instanceof Reference regulator) {
      Identifier id = regulator.getIdentifier();
      view.addExtension(
          SasProfiles.APPOINTMENT_OPERATOR_EXTENSION,
          new Reference()
              .setIdentifier(
                  typed(id, FrIdentifiers.IDNPS.equals(id.getSystem()) ? "IDNPS" : "INTRN")));
    }
    view.addIdentifier(identifier(stored));
    view.setStatus(stored.getStatus());
    view.setStartElement(stored.getStartElement().copy());
    view.setEndElement(stored.getEndElement().copy());
    for (AppointmentParticipantComponent participant : stored.getParticipant()) {
      Reference actor = participant.getActor();
      Optional<String> idnps =
          FrIdentifiers.IDNPS.equals(actor.getIdentifier().getSystem())
              ? Optional.ofNullable(actor.getIdentifier().getValue())
              : "Practitioner".equals(actor.getReferenceElement().getResourceType())
                  ? practitionerIdnps.apply(actor)
                  : Optional.empty();
      idnps.ifPresent(
          value ->
              view.addParticipant()
                  .setActor(
                      new Reference()
                          .setIdentifier(
                              typed(
                                  new Identifier().setSystem(FrIdentifiers.IDNPS).setValue(value),
                                  "IDNPS")))
                  .setStatus(Appointment.ParticipationStatus.ACCEPTED));
    }
    return view;
  }

  private static Identifier typed(Identifier identifier, String code) {
    return new Identifier()
        .setType(new CodeableConcept(new Coding(SasProfiles.FR_V2_0203, code, null)))
        .setSystem(identifier.getSystem())
        .setValue(identifier.getValue());
  }
}
