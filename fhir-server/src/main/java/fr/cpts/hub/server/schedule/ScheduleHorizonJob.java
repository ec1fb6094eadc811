package fr.cpts.hub.server.schedule;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.schedule.ScheduleSlotRegenerator.Result;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the horizon ahead: every night ({@code hub.schedule.extend-cron}) it regenerates the slots
 * of every Schedule that carries a recurrence rule up to {@code now + hub.schedule.horizon-days},
 * each schedule in a transaction of its own, so that the slots of the day now entering the horizon
 * appear (and a slot the rule no longer produces, left by a failed run, goes).
 *
 * <p>Safe on several hub nodes at once, with no coordination between them: each regeneration takes
 * the Schedule's row lock first, so two nodes on one schedule run one after the other, and the
 * second finds the first's slots by their deterministic identifiers and creates none twice. Running
 * it again changes nothing. A schedule that fails (a lock held too long, a rule the profiles
 * refuse) is logged by id and left for the next run; the others go on.
 *
 * <p>It reads every Schedule to find those with a rule (the extension is not a search parameter):
 * fine for a territory's hundreds of agendas.
 */
@Component
public class ScheduleHorizonJob {

  private static final Logger log = LoggerFactory.getLogger(ScheduleHorizonJob.class);

  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final ScheduleSlotRegenerator regenerator;
  private final Clock clock;

  public ScheduleHorizonJob(
      DaoRegistry daos,
      IHapiTransactionService transactions,
      ScheduleSlotRegenerator regenerator,
      Clock clock) {
    this.daos = daos;
    this.transactions = transactions;
    this.regenerator = regenerator;
    this.clock = clock;
  }

  /**
   * What one run did, added up over the schedules.
   *
   * @param schedules rule-bearing schedules regenerated
   * @param failed rule-bearing schedules that failed (left for the next run)
   */
  public record Summary(int schedules, int failed, int created, int deleted, int keptBusy) {}

  @Scheduled(
      cron = "${hub.schedule.extend-cron:" + ScheduleProperties.DEFAULT_EXTEND_CRON + "}",
      zone = ClockConfig.PARIS_ID)
  public void run() {
    extendAll(clock.instant());
  }

  /** Regenerates every rule-bearing Schedule's slots as of {@code now}. */
  public Summary extendAll(Instant now) {
    long started = System.nanoTime();
    int schedules = 0;
    int failed = 0;
    int created = 0;
    int deleted = 0;
    int keptBusy = 0;
    for (String id : ruleBearingSchedules()) {
      try {
        Result result = regenerator.regenerate(id, now);
        schedules++;
        created += result.created();
        deleted += result.deleted();
        keptBusy += result.keptBusy();
      } catch (RuntimeException e) {
        failed++;
        // The exception's message may quote the schedule's content: its type only.
        log.warn(
            "Slots of Schedule/{} not extended ({}); next run retries",
            id,
            e.getClass().getSimpleName());
      }
    }
    log.info(
        "Slot horizon extended: {} schedules, {} slots created, {} deleted, {} kept busy,"
            + " {} failed ({} ms)",
        schedules,
        created,
        deleted,
        keptBusy,
        failed,
        (System.nanoTime() - started) / 1_000_000);
    return new Summary(schedules, failed, created, deleted, keptBusy);
  }

  private List<String> ruleBearingSchedules() {
    return transactions
        .withSystemRequest()
        .readOnly()
        .execute(
            () ->
                daos
                    .getResourceDao(Schedule.class)
                    .search(SearchParameterMap.newSynchronous(), new SystemRequestDetails())
                    .getAllResources()
                    .stream()
                    .map(Schedule.class::cast)
                    .filter(ScheduleSlotRegenerator::hasRule)
                    .map(IBaseResource::getIdElement)
                    .map(id -> id.getIdPart())
                    .toList());
  }
}
