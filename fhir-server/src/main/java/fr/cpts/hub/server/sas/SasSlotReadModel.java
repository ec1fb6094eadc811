package fr.cpts.hub.server.sas;

import fr.cpts.hub.server.config.HubSchemaTasks;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The SAS search's read model: two narrow tables kept in step with Slot and Schedule writes, in
 * their transactions ({@link SasSlotReadModelInterceptor}), so that the SAS search finds its slots
 * with one indexed query instead of HAPI's generic chained search. Per slot it holds its schedule,
 * start and status and, while the slot is free, its SAS view ({@link SasAnswerView#slotView}) as
 * HAPI encoded it, so that the answer does not parse and encode a thousand slots again. Slots are
 * public availability, never personal data. Schedules, professionals and places are still read
 * through HAPI for each answer.
 */
@Component
public class SasSlotReadModel {

  /** A free slot of an answer; {@code view} is null when it must be computed from the slot. */
  public record FreeSlot(
      String id, String scheduleId, Instant start, String view, List<String> serviceIds) {}

  /**
   * A free slot's encoded SAS views and the CPTS services it names; {@link #NONE} for a slot that
   * is not free or whose views do not fit the columns.
   */
  public record SlotViews(String individual, String cpts, String serviceIds) {
    public static final SlotViews NONE = new SlotViews(null, null, null);

    /** The views, or {@link #NONE} if one of them is longer than the read model keeps. */
    public static SlotViews of(String individual, String cpts, List<String> serviceIds) {
      String services = String.join(" ", serviceIds);
      if (individual.length() > HubSchemaTasks.SLOT_VIEW_LENGTH
          || cpts.length() > HubSchemaTasks.SLOT_VIEW_LENGTH
          || services.length() > SERVICE_IDS_LENGTH) {
        return NONE;
      }
      return new SlotViews(individual, cpts, services);
    }
  }

  private static final int SERVICE_IDS_LENGTH = 500;

  private final JdbcTemplate jdbc;

  public SasSlotReadModel(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The free slots of these professionals whose start is within [from, to], with the view of the
   * variant asked for when it was encoded by this version of the view.
   */
  public List<FreeSlot> freeSlots(List<String> idnps, Instant from, Instant to, boolean cpts) {
    if (idnps.isEmpty()) {
      return List.of();
    }
    String placeholders = String.join(",", Collections.nCopies(idnps.size(), "?"));
    Object[] arguments = new Object[idnps.size() + 2];
    for (int i = 0; i < idnps.size(); i++) {
      arguments[i] = idnps.get(i);
    }
    arguments[idnps.size()] = Timestamp.from(from);
    arguments[idnps.size() + 1] = Timestamp.from(to);
    return jdbc.query(
        "SELECT s.SLOT_ID, s.SCHEDULE_ID, s.START_AT, s.VIEW_VERSION, "
            + (cpts ? "s.CPTS_VIEW" : "s.SAS_VIEW")
            + ", s.SERVICE_IDS FROM HUB_SAS_SCHEDULE h JOIN HUB_SAS_SLOT s ON s.SCHEDULE_ID ="
            + " h.SCHEDULE_ID WHERE h.IDNPS IN ("
            + placeholders
            + ") AND s.STATUS = 'free' AND s.START_AT >= ? AND s.START_AT <= ?",
        (row, n) -> {
          boolean current = row.getInt(4) == SasAnswerView.VERSION && !row.wasNull();
          String view = current ? row.getString(5) : null;
          String services = row.getString(6);
          return new FreeSlot(
              row.getString(1),
              row.getString(2),
              row.getTimestamp(3).toInstant(),
              view,
              view == null || services == null || services.isEmpty()
                  ? List.of()
                  : List.of(services.split(" ")));
        },
        arguments);
  }

  void putSlot(String slotId, String scheduleId, Instant start, String status, SlotViews views) {
    upsert(
        () ->
            jdbc.update(
                "UPDATE HUB_SAS_SLOT SET SCHEDULE_ID = ?, START_AT = ?, STATUS = ?, VIEW_VERSION ="
                    + " ?, SAS_VIEW = ?, CPTS_VIEW = ?, SERVICE_IDS = ? WHERE SLOT_ID = ?",
                scheduleId,
                Timestamp.from(start),
                status,
                SasAnswerView.VERSION,
                views.individual(),
                views.cpts(),
                views.serviceIds(),
                slotId),
        () ->
            jdbc.update(
                "INSERT INTO HUB_SAS_SLOT (SLOT_ID, SCHEDULE_ID, START_AT, STATUS, VIEW_VERSION,"
                    + " SAS_VIEW, CPTS_VIEW, SERVICE_IDS) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                slotId,
                scheduleId,
                Timestamp.from(start),
                status,
                SasAnswerView.VERSION,
                views.individual(),
                views.cpts(),
                views.serviceIds()));
  }

  void removeSlot(String slotId) {
    jdbc.update("DELETE FROM HUB_SAS_SLOT WHERE SLOT_ID = ?", slotId);
  }

  void putSchedule(String scheduleId, String practitionerId, String idnps) {
    upsert(
        () ->
            jdbc.update(
                "UPDATE HUB_SAS_SCHEDULE SET PRACTITIONER_ID = ?, IDNPS = ? WHERE SCHEDULE_ID = ?",
                practitionerId,
                idnps,
                scheduleId),
        () ->
            jdbc.update(
                "INSERT INTO HUB_SAS_SCHEDULE (SCHEDULE_ID, PRACTITIONER_ID, IDNPS) VALUES (?, ?,"
                    + " ?)",
                scheduleId,
                practitionerId,
                idnps));
  }

  void removeSchedule(String scheduleId) {
    jdbc.update("DELETE FROM HUB_SAS_SCHEDULE WHERE SCHEDULE_ID = ?", scheduleId);
  }

  /** A practitioner's IDNPS changed: its schedules follow. */
  void renamePractitioner(String practitionerId, String idnps) {
    jdbc.update(
        "UPDATE HUB_SAS_SCHEDULE SET IDNPS = ? WHERE PRACTITIONER_ID = ?", idnps, practitionerId);
  }

  /** How many slots it knows, for the start-up check. */
  long slotCount() {
    Long count = jdbc.queryForObject("SELECT COUNT(*) FROM HUB_SAS_SLOT", Long.class);
    return count == null ? 0 : count;
  }

  /** Up to {@code limit} HAPI resource keys of slots whose views are of another version. */
  List<Long> staleSlotKeys(int limit) {
    return jdbc.queryForList(
        "SELECT r.RES_ID FROM HUB_SAS_SLOT s JOIN HFJ_RESOURCE r ON r.RES_TYPE = 'Slot' AND"
            + " r.FHIR_ID = s.SLOT_ID WHERE s.VIEW_VERSION IS NULL OR s.VIEW_VERSION <> ?"
            + " ORDER BY r.RES_ID FETCH FIRST "
            + limit
            + " ROWS ONLY",
        Long.class,
        SasAnswerView.VERSION);
  }

  /**
   * Update, else insert. A concurrent insert of the same key makes the update win outside a
   * transaction (the start-up rebuild); inside one, HAPI's own lock on the written resource row
   * already keeps two writers of one key apart (on PostgreSQL a failed insert would abort the
   * transaction).
   */
  private static void upsert(java.util.function.IntSupplier update, Runnable insert) {
    if (update.getAsInt() > 0) {
      return;
    }
    try {
      insert.run();
    } catch (DuplicateKeyException concurrent) {
      update.getAsInt();
    }
  }
}
