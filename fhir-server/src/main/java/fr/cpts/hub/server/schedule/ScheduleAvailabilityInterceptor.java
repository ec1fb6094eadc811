package fr.cpts.hub.server.schedule;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.schedule.ScheduleSlotRegenerator.Result;
import java.time.Clock;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Schedule;
import org.springframework.stereotype.Component;

/**
 * Keeps a Schedule's slots in step with its recurrence rule: when a Schedule carrying FR Core
 * availability-time extensions is created, or a Schedule is updated that carries them or carried
 * them before, its slots are regenerated over the horizon by {@link ScheduleSlotRegenerator}, in
 * the Schedule's own database transaction. A rule that cannot be turned into slots, or a slot the
 * profiles refuse, fails the Schedule's write (422) and nothing is stored.
 *
 * <p>It hooks the pre-commit pointcuts, not the pre-storage ones: there the Schedule is stored, has
 * its id (the slots reference it by id, and a created Schedule has none before) and has passed the
 * profile validation, while its transaction is still open. An update that changes nothing is not
 * announced by HAPI and regenerates nothing. The counts of what was done are left in the
 * transaction's {@link TransactionDetails} for the {@code $import-ics} operation ({@link
 * #resultOf}).
 *
 * <p>It does not look at slots published by the practice software itself, nor at schedules without
 * rule, and it does not extend the horizon day after day: {@link ScheduleHorizonJob} does.
 */
@Component
@Interceptor
public class ScheduleAvailabilityInterceptor implements HubStorageInterceptor {

  private static final String RESULT_KEY = ScheduleAvailabilityInterceptor.class.getName() + ":";

  private final ScheduleSlotRegenerator regenerator;
  private final Clock clock;

  public ScheduleAvailabilityInterceptor(ScheduleSlotRegenerator regenerator, Clock clock) {
    this.regenerator = regenerator;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, TransactionDetails transaction) {
    if (resource instanceof Schedule schedule && ScheduleSlotRegenerator.hasRule(schedule)) {
      regenerate(schedule, transaction);
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(
      IBaseResource previous, IBaseResource updated, TransactionDetails transaction) {
    if (updated instanceof Schedule after
        && (ScheduleSlotRegenerator.hasRule(after)
            || previous instanceof Schedule before && ScheduleSlotRegenerator.hasRule(before))) {
      regenerate(after, transaction);
    }
  }

  /** What the regeneration of this schedule did in this transaction, if it ran. */
  public static Optional<Result> resultOf(TransactionDetails transaction, String scheduleId) {
    return Optional.ofNullable(transaction.getUserData(RESULT_KEY + scheduleId));
  }

  private void regenerate(Schedule schedule, TransactionDetails transaction) {
    Result result = regenerator.regenerate(schedule, clock.instant());
    if (transaction != null) {
      transaction.putUserData(RESULT_KEY + schedule.getIdElement().getIdPart(), result);
    }
  }
}
