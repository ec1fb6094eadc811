package fr.cpts.hub.server.sas;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.sas.SasSlotReadModel.SlotViews;
import java.time.Clock;
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
 * shared database. A free slot's SAS views are encoded here, once per write, instead of once per
 * search. It changes no resource.
 */
@Component
@Interceptor
public class SasSlotReadModelInterceptor implements HubStorageInterceptor {

  private final SasSlotReadModel readModel;
  private final DaoRegistry daos;
  private final FhirContext fhirContext;
  private final SasAnswerView view;

  public SasSlotReadModelInterceptor(
      SasSlotReadModel readModel, DaoRegistry daos, FhirContext fhirContext, Clock clock) {
    this.readModel = readModel;
    this.daos = daos;
    this.fhirContext = fhirContext;
    this.view = new SasAnswerView(clock.getZone());
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
            slot.getStatus().toCode(),
            slot.getStatus() == Slot.SlotStatus.FREE ? views(slot) : SlotViews.NONE);
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

  /** The slot's SAS views, encoded by HAPI as a search answer would encode them. */
  private SlotViews views(Slot slot) {
    IParser parser = fhirContext.newJsonParser();
    return SlotViews.of(
        parser.encodeResourceToString(view.slotView(slot, false)),
        parser.encodeResourceToString(view.slotView(slot, true)),
        SasAnswerView.serviceIds(slot));
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
