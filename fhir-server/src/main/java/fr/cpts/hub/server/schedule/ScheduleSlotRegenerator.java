package fr.cpts.hub.server.schedule;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ical.AvailabilitySlotGenerator;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.storage.ResourceRowLocks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Component;

/**
 * (Re)generates the slots of a Schedule that carries FR Core availability-time extensions, over
 * {@code [now, now + hub.schedule.horizon-days)}: creates the slots the rule produces that are not
 * stored yet, rewrites the hub-generated free slots whose times or template changed, deletes the
 * hub-generated free slots the rule no longer produces, and never touches a slot that is not free
 * or that an Appointment points at. Slots starting before now, and slots whose identifiers the
 * generator did not make for this schedule (published by the practice software itself), are left
 * alone. The diff itself is {@link SlotDiff}.
 *
 * <p>Everything runs in the caller's database transaction (the Schedule's own, when called from
 * {@link ScheduleAvailabilityInterceptor}), through HAPI's DAOs (searches, and the writes as one
 * nested FHIR transaction), so every slot written passes the profile validation and a failure
 * stores nothing. The only SQL are row locks ({@link ResourceRowLocks}): first on the Schedule's
 * row of HAPI's resource table, so that two regenerations of one schedule, on one node or on
 * several sharing the database, run one after the other and the second sees the first's slots (no
 * duplicates); then on the slots about to be changed or deleted, the lock a booking takes ({@code
 * SlotBookingInterceptor}), so that a slot booked meanwhile is seen busy and kept.
 */
@Component
public class ScheduleSlotRegenerator {

  /** Ids per IN list or OR search parameter. */
  private static final int CHUNK = 200;

  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final ScheduleProperties properties;
  private final AvailabilitySlotGenerator generator = new AvailabilitySlotGenerator();

  private final ResourceRowLocks locks;

  public ScheduleSlotRegenerator(
      DaoRegistry daos,
      IHapiTransactionService transactions,
      ScheduleProperties properties,
      ResourceRowLocks locks) {
    this.daos = daos;
    this.transactions = transactions;
    this.properties = properties;
    this.locks = locks;
  }

  /**
   * What one regeneration did.
   *
   * @param created slots created
   * @param updated free slots rewritten (new times or template)
   * @param deleted free slots deleted
   * @param keptBusy slots the rule no longer produces as they are, kept because booked or not free
   * @param unchanged slots already as the rule wants them
   */
  public record Result(int created, int updated, int deleted, int keptBusy, int unchanged) {

    public static final Result NONE = new Result(0, 0, 0, 0, 0);
  }

  /** Whether a Schedule carries availability-time extensions. */
  public static boolean hasRule(Schedule schedule) {
    return !schedule.getExtensionsByUrl(FrExtensions.SCHEDULE_AVAILABILITY_TIME).isEmpty();
  }

  /**
   * Regenerates the slots of a stored Schedule (its current version) in a transaction of its own.
   * Nothing happens if it is gone or carries no rule.
   */
  public Result regenerate(String scheduleId, Instant now) {
    return transactions
        .withSystemRequest()
        .execute(
            () -> {
              if (!lockSchedule(scheduleId)) {
                return Result.NONE;
              }
              Schedule schedule;
              try {
                schedule =
                    scheduleDao()
                        .read(new IdType("Schedule", scheduleId), new SystemRequestDetails());
              } catch (ResourceGoneException | ResourceNotFoundException gone) {
                return Result.NONE;
              }
              return hasRule(schedule) ? regenerateLocked(schedule, now) : Result.NONE;
            });
  }

  /**
   * Regenerates the slots of {@code schedule} (stored, with its id), in the caller's transaction.
   * Without rule, its hub-generated free slots from now on are deleted.
   *
   * @throws UnprocessableEntityException if the rule cannot be turned into slots
   * @throws ResourceVersionConflictException if another regeneration holds the schedule too long
   */
  public Result regenerate(Schedule schedule, Instant now) {
    lockSchedule(schedule.getIdElement().getIdPart());
    return regenerateLocked(schedule, now);
  }

  private Result regenerateLocked(Schedule schedule, Instant now) {
    String scheduleId = schedule.getIdElement().getIdPart();
    List<Slot> wanted;
    String key;
    try {
      key = AvailabilitySlotGenerator.scheduleKey(schedule);
      wanted =
          !hasRule(schedule)
              ? List.of()
              : generator.generate(
                  schedule,
                  now,
                  now.plus(Duration.ofDays(properties.horizonDays())),
                  MappingContext.paris(
                      Clock.fixed(now, ClockConfig.PARIS), () -> UUID.randomUUID().toString()));
    } catch (IllegalArgumentException e) {
      throw new UnprocessableEntityException(
          "HUB-0732: the slots of Schedule/"
              + scheduleId
              + " cannot be generated from its availability-time extensions: "
              + e.getMessage());
    }
    SlotDiff diff = SlotDiff.between(wanted, storedSlots(scheduleId, now), key);
    Set<String> touched = diff.touchedIds();
    if (!touched.isEmpty()) {
      lockSlots(touched);
      Set<String> keep = new HashSet<>(touched);
      keep.removeAll(stillFree(touched));
      keep.addAll(withAppointment(touched));
      diff = diff.keeping(keep);
    }
    write(diff);
    return new Result(
        diff.toCreate().size(),
        diff.toUpdate().size(),
        diff.toDelete().size(),
        diff.keptBusy().size(),
        diff.unchanged());
  }

  /**
   * Writes the diff as one FHIR transaction nested in the current database transaction: HAPI
   * resolves the schedule reference once and flushes once, where a DAO call per slot slows down as
   * the session fills (moving a month of hourly slots took over a minute that way, 14 s so). Each
   * slot written is still validated against the profiles.
   */
  private void write(SlotDiff diff) {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Slot slot : diff.toDelete()) {
      transaction
          .addEntry()
          .getRequest()
          .setMethod(Bundle.HTTPVerb.DELETE)
          .setUrl("Slot/" + slot.getIdElement().getIdPart());
    }
    for (Slot slot : diff.toCreate()) {
      transaction
          .addEntry()
          .setFullUrl("urn:uuid:" + UUID.randomUUID())
          .setResource(slot)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Slot");
    }
    for (SlotDiff.Change change : diff.toUpdate()) {
      // A new instance, never the one HAPI's read returned (its user data holds the stored text).
      String id = change.existing().getIdElement().getIdPart();
      Slot rewritten = change.wanted().copy();
      rewritten.setId(id);
      transaction
          .addEntry()
          .setFullUrl("Slot/" + id)
          .setResource(rewritten)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl("Slot/" + id);
    }
    if (transaction.hasEntry()) {
      systemDao().transactionNested(new SystemRequestDetails(), transaction);
    }
  }

  /** The stored slots of the schedule with a hub identifier, starting from now on. */
  private List<Slot> storedSlots(String scheduleId, Instant now) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(Slot.SP_SCHEDULE, new ReferenceParam("Schedule/" + scheduleId));
    map.add(Slot.SP_IDENTIFIER, new TokenParam(HubIdentifiers.SLOT, null));
    map.add(Slot.SP_START, new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(now)));
    return slots(slotDao().search(map, new SystemRequestDetails()).getAllResources());
  }

  /** Of the slots given, those free now (searched after their rows are locked). */
  private Set<String> stillFree(Set<String> slotIds) {
    Set<String> free = new HashSet<>();
    for (List<String> chunk : chunks(slotIds)) {
      TokenOrListParam ids = new TokenOrListParam();
      chunk.forEach(id -> ids.add(new TokenParam(id)));
      SearchParameterMap map = SearchParameterMap.newSynchronous();
      map.add("_id", ids);
      map.add(Slot.SP_STATUS, new TokenParam(Slot.SlotStatus.FREE.toCode()));
      for (IBaseResource slot :
          slotDao().search(map, new SystemRequestDetails()).getAllResources()) {
        free.add(slot.getIdElement().getIdPart());
      }
    }
    return free;
  }

  /** Of the slots given, those an Appointment (whatever its status) points at. */
  private Set<String> withAppointment(Set<String> slotIds) {
    Set<String> appointed = new HashSet<>();
    for (List<String> chunk : chunks(slotIds)) {
      ReferenceOrListParam slots = new ReferenceOrListParam();
      chunk.forEach(id -> slots.add(new ReferenceParam("Slot/" + id)));
      SearchParameterMap map = SearchParameterMap.newSynchronous();
      map.add(Appointment.SP_SLOT, slots);
      for (IBaseResource resource :
          appointmentDao().search(map, new SystemRequestDetails()).getAllResources()) {
        for (Reference slot : ((Appointment) resource).getSlot()) {
          String id = slot.getReferenceElement().getIdPart();
          if (slotIds.contains(id)) {
            appointed.add(id);
          }
        }
      }
    }
    return appointed;
  }

  /** Locks the schedule's row; false if there is none. */
  private boolean lockSchedule(String scheduleId) {
    try {
      return locks.lock("Schedule", scheduleId);
    } catch (ResourceRowLocks.LockTimeout e) {
      throw busy(scheduleId);
    }
  }

  private void lockSlots(Set<String> slotIds) {
    for (List<String> chunk : chunks(slotIds)) {
      try {
        locks.lock("Slot", chunk);
      } catch (ResourceRowLocks.LockTimeout e) {
        throw new ResourceVersionConflictException(
            "HUB-0733: slots of this schedule are being booked right now; try again");
      }
    }
  }

  private static ResourceVersionConflictException busy(String scheduleId) {
    return new ResourceVersionConflictException(
        "HUB-0733: the slots of Schedule/"
            + scheduleId
            + " are being regenerated by another request; try again");
  }

  private static List<List<String>> chunks(Set<String> ids) {
    List<String> all = new ArrayList<>(ids);
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < all.size(); i += CHUNK) {
      chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
    }
    return chunks;
  }

  private static List<Slot> slots(List<IBaseResource> resources) {
    return resources.stream().filter(Slot.class::isInstance).map(Slot.class::cast).toList();
  }

  @SuppressWarnings("unchecked")
  private IFhirSystemDao<Bundle, ?> systemDao() {
    return (IFhirSystemDao<Bundle, ?>) daos.getSystemDao();
  }

  private IFhirResourceDao<Slot> slotDao() {
    return daos.getResourceDao(Slot.class);
  }

  private IFhirResourceDao<Schedule> scheduleDao() {
    return daos.getResourceDao(Schedule.class);
  }

  private IFhirResourceDao<Appointment> appointmentDao() {
    return daos.getResourceDao(Appointment.class);
  }
}
