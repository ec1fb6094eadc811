package fr.cpts.hub.server.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.security.ClientIdentity;
import fr.cpts.hub.server.security.ClientRole;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * Slots reserved to some prescribers, as data: a Slot is reserved when its Schedule has among its
 * actors a HealthcareService carrying the extension {@code hub-reserved-to} (the radiology group's
 * imaging service during the trial: to the health centre's Organization; later to a list of
 * Organizations or professions). Changing the extension changes who sees and books them, at once,
 * on every node: it is read from the database with each request.
 *
 * <p>Who may see and book a reserved slot: the CPTS team; the structure that publishes it (its
 * Schedule is the structure's); practice software whose structure's Organization is listed; a
 * professional signed in whose profession (TRE_G15, in {@code Practitioner.qualification}) is
 * listed, or one of whose roles is at a listed Organization. Nobody else: not the SAS platform, not
 * an anonymous caller.
 */
final class SlotReservations {

  private final StructureScope scope;

  SlotReservations(StructureScope scope) {
    this.scope = scope;
  }

  /** The reservation of a slot, if it has one. */
  Optional<Extension> reservationOf(Slot slot, RequestDetails request) {
    return scope
        .resolve(slot.getSchedule(), "Schedule", request)
        .map(Schedule.class::cast)
        .flatMap(schedule -> reservationOf(schedule, request));
  }

  private Optional<Extension> reservationOf(Schedule schedule, RequestDetails request) {
    for (Reference actor : schedule.getActor()) {
      if (!"HealthcareService".equals(StructureScope.typeOf(actor))) {
        continue;
      }
      Optional<Extension> reserved =
          scope
              .resolve(actor, "HealthcareService", request)
              .map(s -> ((HealthcareService) s).getExtensionByUrl(HubProfiles.EXT_RESERVED_TO));
      if (reserved.isPresent()) {
        return reserved;
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the caller may see (and book) the slot: any unreserved one, a reserved one if listed.
   */
  boolean maySee(Slot slot, ClientIdentity caller, RequestDetails request) {
    Optional<Extension> reservation = reservationOf(slot, request);
    if (reservation.isEmpty() || caller.is(ClientRole.CPTS_CONSOLE)) {
      return true;
    }
    if (caller.idnst() != null && scope.isSlot(slot, caller.idnst(), request)) {
      return true;
    }
    List<Reference> organizations =
        reservation.get().getExtensionsByUrl("organization").stream()
            .map(Extension::getValue)
            .filter(Reference.class::isInstance)
            .map(Reference.class::cast)
            .toList();
    if (caller.is(ClientRole.GP_SOFTWARE) && caller.idnst() != null) {
      return organizations.stream().anyMatch(o -> scope.isOrganization(o, caller.idnst(), request));
    }
    if (caller.fromToken() && caller.practitionerId() != null) {
      return professionListed(reservation.get(), caller, request)
          || rolesOf(caller, request).stream()
              .anyMatch(
                  role ->
                      role.hasOrganization()
                          && organizations.stream()
                              .anyMatch(
                                  o ->
                                      o.getReferenceElement()
                                          .toUnqualifiedVersionless()
                                          .getValue()
                                          .equals(
                                              role.getOrganization()
                                                  .getReferenceElement()
                                                  .toUnqualifiedVersionless()
                                                  .getValue())));
    }
    return false;
  }

  /** Whether the caller may book every reserved slot the Appointment holds. */
  boolean mayBook(Appointment appointment, ClientIdentity caller, RequestDetails request) {
    for (Reference reference : appointment.getSlot()) {
      Optional<Resource> slot = scope.resolve(reference, "Slot", request);
      if (slot.isPresent() && !maySee((Slot) slot.get(), caller, request)) {
        return false;
      }
    }
    return true;
  }

  private boolean professionListed(
      Extension reservation, ClientIdentity caller, RequestDetails request) {
    List<String> professions =
        reservation.getExtensionsByUrl("profession").stream()
            .map(Extension::getValue)
            .filter(Coding.class::isInstance)
            .map(c -> ((Coding) c).getCode())
            .toList();
    if (professions.isEmpty()) {
      return false;
    }
    return scope
        .resolve(new Reference("Practitioner/" + caller.practitionerId()), "Practitioner", request)
        .map(Practitioner.class::cast)
        .stream()
        .flatMap(p -> p.getQualification().stream())
        .flatMap(q -> q.getCode().getCoding().stream())
        .anyMatch(
            c ->
                FrCodeSystems.TRE_G15_PROFESSION.equals(c.getSystem())
                    && professions.contains(c.getCode()));
  }

  private List<PractitionerRole> rolesOf(ClientIdentity caller, RequestDetails request) {
    return scope.rolesOfPractitioner(caller.practitionerId(), request);
  }
}
