package fr.cpts.hub.server.sas;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Component;

/**
 * Keeps the SAS slot read model ({@link SasSlotReadModel}) in step with every Slot, Schedule and
 * Practitioner write, in the transaction that stores it (pre-commit): a committed slot change is in
 * the read model, a rolled-back one is not, on every node at once since the read model is in the
 * shared database. It changes no resource.
 */
@Component
@Interceptor
public class SasSlotReadModelInterceptor implements HubStorageInterceptor {

  private final SasSlotReadModel readModel;
  private final DaoRegistry daos;

  public SasSlotReadModelInterceptor(SasSlotReadModel readModel, DaoRegistry daos) {
    this.readModel = readModel;
    this.daos = daos;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    stored(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    stored(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    if (resource instanceof Slot slot) {
      readModel.removeSlot(slot.getIdElement().getIdPart());
    } else if (resource instanceof Schedule schedule) {
      readModel.removeSchedule(schedule.getIdElement().getIdPart());
    }
  }

  void stored(IBaseResource resource) {
    if (resource instanceof Slot slot) {
      String scheduleId = SasAnswerView.idOf(slot.getSchedule());
      if (scheduleId == null || !slot.hasStart() || slot.getStatus() == null) {
        readModel.removeSlot(slot.getIdElement().getIdPart());
      } else {
        readModel.putSlot(
            slot.getIdElement().getIdPart(),
            scheduleId,
            slot.getStart().toInstant(),
            slot.getStatus().toCode());
      }
    } else if (resource instanceof Schedule schedule) {
      Optional<Reference> practitioner =
          schedule.getActor().stream()
              .filter(a -> "Practitioner".equals(a.getReferenceElement().getResourceType()))
              .findFirst();
      Optional<String> idnps = practitioner.flatMap(this::idnpsOf);
      if (idnps.isEmpty()) {
        readModel.removeSchedule(schedule.getIdElement().getIdPart());
      } else {
        readModel.putSchedule(
            schedule.getIdElement().getIdPart(),
            practitioner.get().getReferenceElement().getIdPart(),
            idnps.get());
      }
    } else if (resource instanceof Practitioner practitioner) {
      idnps(practitioner)
          .ifPresent(
              value ->
                  readModel.renamePractitioner(practitioner.getIdElement().getIdPart(), value));
    }
  }

  private Optional<String> idnpsOf(Reference reference) {
    Practitioner practitioner =
        daos.getResourceDao(Practitioner.class)
            .read(
                reference.getReferenceElement().toUnqualifiedVersionless(),
                new SystemRequestDetails());
    return idnps(practitioner);
  }

  private static Optional<String> idnps(Practitioner practitioner) {
    return practitioner.getIdentifier().stream()
        .filter(i -> FrIdentifiers.IDNPS.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst();
  }
}
