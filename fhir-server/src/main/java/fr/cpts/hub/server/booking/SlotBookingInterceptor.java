package fr.cpts.hub.server.booking;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.storage.ResourceRowLocks;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Component;

/**
 * Keeps slots and appointments in step, in the database transaction that stores the Appointment: an
 * Appointment that holds its slots (any status but {@code cancelled} and {@code entered-in-error})
 * makes each of them busy; cancelling it, or deleting it, frees them.
 *
 * <p>Booking a slot that is not free is refused with 409 and an OperationOutcome, and nothing is
 * stored. Two bookings of one slot at the same time, on one hub node or on several sharing one
 * database, cannot both succeed: each takes a row lock on the slot ({@link ResourceRowLocks})
 * before reading its status, so the second reads the first's result once the first commits. No lock
 * is held in memory.
 *
 * <p>It does not check who may book (the access rules do) nor the appointment's times against the
 * slot's (the profile does not require them to match).
 */
@Component
@Interceptor
public class SlotBookingInterceptor implements HubStorageInterceptor {

  private final DaoRegistry daos;
  private final ResourceRowLocks locks;

  public SlotBookingInterceptor(DaoRegistry daos, ResourceRowLocks locks) {
    this.daos = daos;
    this.locks = locks;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    if (resource instanceof Appointment appointment && holds(appointment)) {
      slotsOf(appointment).forEach(this::book);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated) {
    if (!(updated instanceof Appointment after) || !(previous instanceof Appointment before)) {
      return;
    }
    Set<String> held = holds(before) ? slotsOf(before) : Set.of();
    Set<String> holding = holds(after) ? slotsOf(after) : Set.of();
    for (String slot : holding) {
      if (!held.contains(slot)) {
        book(slot);
      }
    }
    for (String slot : held) {
      if (!holding.contains(slot)) {
        release(slot);
      }
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    if (resource instanceof Appointment appointment && holds(appointment)) {
      slotsOf(appointment).forEach(this::release);
    }
  }

  private void book(String slotId) {
    Slot slot = lockAndRead(slotId);
    if (slot.getStatus() != Slot.SlotStatus.FREE) {
      throw new ResourceVersionConflictException(
          "HUB-0411: Slot/"
              + slotId
              + " is not free (it is "
              + (slot.getStatus() == null ? "without status" : slot.getStatus().toCode())
              + "); search the free slots again and book another one");
    }
    store(slot, Slot.SlotStatus.BUSY);
  }

  private void release(String slotId) {
    Slot slot;
    try {
      slot = lockAndRead(slotId);
    } catch (UnprocessableEntityException gone) {
      return;
    }
    if (slot.getStatus() == Slot.SlotStatus.BUSY) {
      store(slot, Slot.SlotStatus.FREE);
    }
  }

  private void store(Slot slot, Slot.SlotStatus status) {
    slot.setStatus(status);
    slotDao().update(slot, new SystemRequestDetails());
  }

  private Slot lockAndRead(String slotId) {
    try {
      if (!locks.lock("Slot", slotId)) {
        throw new UnprocessableEntityException(
            "HUB-0412: the appointment's Slot/" + slotId + " does not exist");
      }
      return slotDao().read(new IdType("Slot", slotId), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      throw new UnprocessableEntityException(
          "HUB-0412: the appointment's Slot/" + slotId + " does not exist");
    } catch (ResourceRowLocks.LockTimeout e) {
      // A lock wait that timed out: another booking of this slot holds it.
      throw new ResourceVersionConflictException(
          "HUB-0413: Slot/" + slotId + " is being booked by someone else; try again");
    }
  }

  private IFhirResourceDao<Slot> slotDao() {
    return daos.getResourceDao(Slot.class);
  }

  private static boolean holds(Appointment appointment) {
    AppointmentStatus status = appointment.getStatus();
    return status != AppointmentStatus.CANCELLED && status != AppointmentStatus.ENTEREDINERROR;
  }

  private static Set<String> slotsOf(Appointment appointment) {
    Set<String> ids = new LinkedHashSet<>();
    for (Reference slot : appointment.getSlot()) {
      if (slot.hasReference() && "Slot".equals(slot.getReferenceElement().getResourceType())) {
        ids.add(slot.getReferenceElement().getIdPart());
      }
    }
    return ids;
  }
}
