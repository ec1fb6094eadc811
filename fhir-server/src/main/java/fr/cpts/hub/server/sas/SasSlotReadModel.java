package fr.cpts.hub.server.sas;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The SAS search's read model: two narrow tables kept in step with Slot and Schedule writes, in
 * their transactions ({@link SasSlotReadModelInterceptor}), so that the SAS search finds its slot
 * ids with one indexed query instead of HAPI's generic chained search. It holds ids, a start and a
 * status, never resource content; the resources themselves are then read through HAPI.
 */
@Component
public class SasSlotReadModel {

  private final JdbcTemplate jdbc;

  public SasSlotReadModel(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The free slots of these professionals whose start is within [from, to], as HAPI's resource keys
   * (RES_ID), joined through HAPI's (type, id) index so that HAPI can load them in batches without
   * resolving ids one by one.
   */
  public List<Long> freeSlotKeys(List<String> idnps, Instant from, Instant to) {
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
    return jdbc.queryForList(
        "SELECT r.RES_ID FROM HUB_SAS_SCHEDULE h JOIN HUB_SAS_SLOT s ON s.SCHEDULE_ID ="
            + " h.SCHEDULE_ID JOIN HFJ_RESOURCE r ON r.RES_TYPE = 'Slot' AND r.FHIR_ID = s.SLOT_ID"
            + " WHERE h.IDNPS IN ("
            + placeholders
            + ") AND s.STATUS = 'free' AND s.START_AT >= ? AND s.START_AT <= ?",
        Long.class,
        arguments);
  }

  void putSlot(String slotId, String scheduleId, Instant start, String status) {
    upsert(
        () ->
            jdbc.update(
                "UPDATE HUB_SAS_SLOT SET SCHEDULE_ID = ?, START_AT = ?, STATUS = ? WHERE SLOT_ID ="
                    + " ?",
                scheduleId,
                Timestamp.from(start),
                status,
                slotId),
        () ->
            jdbc.update(
                "INSERT INTO HUB_SAS_SLOT (SLOT_ID, SCHEDULE_ID, START_AT, STATUS) VALUES (?, ?, ?,"
                    + " ?)",
                slotId,
                scheduleId,
                Timestamp.from(start),
                status));
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
