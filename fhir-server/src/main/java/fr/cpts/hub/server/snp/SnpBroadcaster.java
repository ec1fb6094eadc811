package fr.cpts.hub.server.snp;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.mt.MtRecords;
import fr.cpts.hub.server.storage.ResourceRowLocks;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the waves of the open SNP broadcasts and escalates those nobody took in time. Runs on every
 * node every {@code tick}; each request is moved in a database transaction of its own that first
 * locks its Task's row ({@link ResourceRowLocks}) and reads it again, so two nodes never send one
 * wave twice, and an answer and a wave never cross. No state is kept in memory.
 *
 * <p>What is due ({@link #next}): wave 1 at once; wave 2 once {@code mt-delay} has passed since
 * wave 1, wave 3 once {@code wave-delay} has passed since wave 2, each sooner when the previous
 * wave alerted nobody or everyone alerted so far declined; escalation at the deadline, or once wave
 * 3 is sent and nobody is left to answer.
 */
@Component
public class SnpBroadcaster {

  private static final Logger log = LoggerFactory.getLogger(SnpBroadcaster.class);

  /** What is due for one request. */
  sealed interface Next permits SendWave, Escalate {}

  record SendWave(int number) implements Next {}

  record Escalate(String why) implements Next {}

  private final MtRecords records;
  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final ResourceRowLocks locks;
  private final SnpCandidates candidates;
  private final SnpMessages messages;
  private final SnpProperties properties;
  private final Clock clock;

  public SnpBroadcaster(
      MtRecords records,
      DaoRegistry daos,
      IHapiTransactionService transactions,
      ResourceRowLocks locks,
      SnpCandidates candidates,
      SnpMessages messages,
      SnpProperties properties,
      Clock clock) {
    this.records = records;
    this.daos = daos;
    this.transactions = transactions;
    this.locks = locks;
    this.candidates = candidates;
    this.messages = messages;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(fixedDelayString = "${hub.snp.tick:30s}", initialDelayString = "${hub.snp.tick:30s}")
  public void tick() {
    if (properties.enabled()) {
      try {
        advanceDue(clock.instant());
      } catch (RuntimeException e) {
        log.warn("SNP broadcast pass failed, retried at the next tick: {}", e.toString());
      }
    }
  }

  /** Moves every open broadcast whose next step is due at {@code now}; returns how many moved. */
  public int advanceDue(Instant now) {
    List<Task> open =
        records.search(
            Task.class,
            "Task?code="
                + HubProfiles.CS_TASK_TYPE
                + "|"
                + SnpRequest.SNP_BROADCAST
                + "&status=requested,in-progress");
    int moved = 0;
    for (Task task : open) {
      if (next(task, now).isEmpty()) {
        continue;
      }
      String id = task.getIdElement().getIdPart();
      try {
        if (Boolean.TRUE.equals(transactions.withSystemRequest().execute(() -> advance(id, now)))) {
          moved++;
        }
      } catch (RuntimeException e) {
        // One request that cannot move does not hold the others back.
        log.warn("SNP broadcast Task/{} not moved, retried at the next tick: {}", id, e.toString());
      }
    }
    return moved;
  }

  /** Moves one request if its next step is due, in the caller's transaction. */
  boolean advance(String taskId, Instant now) {
    try {
      if (!locks.lock("Task", taskId)) {
        return false;
      }
    } catch (ResourceRowLocks.LockTimeout busy) {
      // An answer or another node holds the request: its next step waits for the next pass.
      return false;
    }
    Optional<Task> stored = records.read(Task.class, new IdType("Task", taskId));
    if (stored.isEmpty() || !SnpRequest.isBroadcast(stored.get())) {
      return false;
    }
    Task task = stored.get();
    Optional<Next> next = next(task, now);
    if (next.isEmpty()) {
      return false;
    }
    if (next.get() instanceof Escalate escalate) {
      escalate(task, escalate.why(), now);
    } else {
      sendWave(task, ((SendWave) next.get()).number(), now);
    }
    return true;
  }

  /** What is due for a request at {@code now}, if anything (pure). */
  Optional<Next> next(Task task, Instant now) {
    if (!SnpRequest.step(task).isOpen()) {
      return Optional.empty();
    }
    Instant deadline = SnpRequest.deadline(task);
    if (deadline != null && !now.isBefore(deadline)) {
      return Optional.of(new Escalate("délai dépassé"));
    }
    List<SnpRequest.Wave> waves = SnpRequest.waves(task);
    if (waves.isEmpty()) {
      return Optional.of(new SendWave(1));
    }
    SnpRequest.Wave last = waves.get(waves.size() - 1);
    Set<String> alerted = SnpRequest.alerted(task);
    boolean nobodyLeft = SnpRequest.stillAsked(task).isEmpty();
    if (last.number() >= SnpRequest.LAST_WAVE) {
      return nobodyLeft
          ? Optional.of(new Escalate(alerted.isEmpty() ? "personne à alerter" : "tous ont refusé"))
          : Optional.empty();
    }
    Instant due =
        last.at().plus(last.number() == 1 ? properties.mtDelay() : properties.waveDelay());
    if (!now.isBefore(due) || last.alerted().isEmpty() || nobodyLeft) {
      return Optional.of(new SendWave(last.number() + 1));
    }
    return Optional.empty();
  }

  private void sendWave(Task task, int number, Instant now) {
    ServiceRequest request = records.read(ServiceRequest.class, task.getFocus()).orElse(null);
    if (request == null) {
      escalate(task, "demande introuvable", now);
      return;
    }
    Patient patient = records.read(Patient.class, task.getFor()).orElse(null);
    List<String> roles =
        candidates.forWave(number, request, patient, SnpRequest.alerted(task), now);
    SnpRequest.addWave(task, number, now, candidates.radiusOf(number), roles);
    SnpRequest.enter(task, SnpStep.BROADCAST, now);
    store(task);
    messages.alert(task, request, roles, now);
    log.info(
        "SNP broadcast Task/{}: wave {} alerted {} professional(s)",
        task.getIdElement().getIdPart(),
        number,
        roles.size());
  }

  private void escalate(Task task, String why, Instant now) {
    Set<String> alerted = SnpRequest.alerted(task);
    SnpRequest.enter(task, SnpStep.ESCALATED, now);
    task.setOwner(task.getRequester().copy());
    task.getStatusReason().setText("Sans réponse: " + why);
    store(task);
    messages.escalated(task, alerted.size(), now);
    messages.closed(task, alerted, "remontée à la régulation", now);
    log.info("SNP broadcast Task/{} escalated: {}", task.getIdElement().getIdPart(), why);
  }

  private void store(Task task) {
    daos.getResourceDao(Task.class).update(task, SnpTaskInterceptor.byTheHub());
  }
}
