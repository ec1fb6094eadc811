package fr.cpts.hub.server.sas.outbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.sas.outbox.SasOutboxMessage.Kind;
import java.time.Clock;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.springframework.stereotype.Component;

/**
 * Records in the outbox each stored version of an appointment made through the SAS ({@link
 * SasAppointmentView#isSasAppointment}): its creation, and every later change (booked, cancelled,
 * fulfilled, noshow...), in the transaction that stores it. It sends nothing itself ({@link
 * SasOutboxSender} does) and does nothing when no SAS endpoint is configured.
 */
@Component
@Interceptor
public class SasOutboxInterceptor implements HubStorageInterceptor {

  private final SasOutbox outbox;
  private final SasOutboxProperties properties;
  private final Clock clock;

  public SasOutboxInterceptor(SasOutbox outbox, SasOutboxProperties properties, Clock clock) {
    this.outbox = outbox;
    this.properties = properties;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    record(resource, Kind.CREATE);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    record(resource, Kind.UPDATE);
  }

  private void record(IBaseResource resource, Kind kind) {
    if (properties.enabled()
        && resource instanceof Appointment appointment
        && SasAppointmentView.isSasAppointment(appointment)) {
      outbox.enqueue(
          appointment.getIdElement().getIdPart(),
          appointment.getIdElement().getVersionIdPartAsLong(),
          kind,
          clock.instant());
    }
  }
}
