package fr.cpts.hub.server.sas;

import fr.cpts.hub.server.config.HubSchemaTasks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/**
 * The SAS search's read model: two narrow tables kept in step with Slot and Schedule writes, in
 * their transactions ({@link SasSlotReadModelInterceptor}), so that the SAS search finds its slots
 * with one indexed query instead of HAPI's generic chained search. Per slot it holds its schedule,
 * start and status and, while the slot is free, its SAS view ({@link SasAnswerView#slotView}) as
 * HAPI encoded it, with a digest of it, so that the answer does not parse and encode a thousand
 * slots again. Slots are public availability, never personal data. Schedules, professionals and
 * places are still read through HAPI for each answer.
 *
 * <p>Each node keeps the views it has read, as UTF-8 bytes, keyed by slot id and digest: a search
 * reads the narrow columns of its slots (id, schedule, start, digest), then the views of only those
 * slots whose digest it has not seen yet. A digest names the view's content, so a node never serves
 * a view the table no longer holds for that slot, and nothing depends on which node answers.
 */
@Component
public class SasSlotReadModel {

  /**
   * A free slot of an answer: its SAS view encoded as JSON, or null when it must be computed from
   * the stored slot (a view of another version, or too long for the table).
   */
  public record FreeSlot(
      String id, String scheduleId, Instant start, byte[] view, List<String> serviceIds) {}

  /**
   * A free slot's encoded SAS views, the CPTS services it names and a digest of both views; {@link
   * #NONE} for a slot that is not free or whose views do not fit the columns.
   */
  public record SlotViews(String individual, String cpts, String serviceIds, Long digest) {
    public static final SlotViews NONE = new SlotViews(null, null, null, null);

    /** The views, or {@link #NONE} if one of them is longer than the read model keeps. */
    public static SlotViews of(String individual, String cpts, List<String> serviceIds) {
      String services = String.join(" ", serviceIds);
      if (individual.length() > HubSchemaTasks.SLOT_VIEW_LENGTH
          || cpts.length() > HubSchemaTasks.SLOT_VIEW_LENGTH
          || services.length() > SERVICE_IDS_LENGTH) {
        return NONE;
      }
      return new SlotViews(individual, cpts, services, digest(individual, cpts, services));
    }

    /** The first 64 bits of the SHA-256 of the views and services. */
    private static long digest(String individual, String cpts, String services) {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String part : List.of(individual, cpts, services)) {
          sha.update(part.getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0);
        }
        return ByteBuffer.wrap(sha.digest()).getLong();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  private static final int SERVICE_IDS_LENGTH = 500;

  /** Ids per query when the views of slots are read: well below every database's limit. */
  private static final int IDS_PER_QUERY = 500;

  private final JdbcTemplate jdbc;
  private final SasViewCache views;

  public SasSlotReadModel(JdbcTemplate jdbc, SasViewCache views) {
    this.jdbc = jdbc;
    this.views = views;
  }

  /**
   * The free slots of these professionals whose start is within [from, to], with the view of the
   * variant asked for when it was encoded by this version of the view.
   */
  public List<FreeSlot> freeSlots(List<String> idnps, Instant from, Instant to, boolean cpts) {
    if (idnps.isEmpty()) {
      return List.of();
    }
    Object[] arguments = new Object[idnps.size() + 2];
    for (int i = 0; i < idnps.size(); i++) {
      arguments[i] = idnps.get(i);
    }
    arguments[idnps.size()] = Timestamp.from(from);
    arguments[idnps.size() + 1] = Timestamp.from(to);
    List<FreeSlot> free = new ArrayList<>();
    List<String> unseen = new ArrayList<>();
    jdbc.query(
        "SELECT s.SLOT_ID, s.SCHEDULE_ID, s.START_AT, s.VIEW_VERSION, s.VIEW_DIGEST, s.SERVICE_IDS"
            + " FROM HUB_SAS_SCHEDULE h JOIN HUB_SAS_SLOT s ON s.SCHEDULE_ID = h.SCHEDULE_ID"
            + " WHERE h.IDNPS IN ("
            + placeholders(idnps.size())
            + ") AND s.STATUS = 'free' AND s.START_AT >= ? AND s.START_AT <= ?",
        (RowCallbackHandler)
            row -> {
              String id = row.getString(1);
              int version = row.getInt(4);
              boolean current = !row.wasNull() && version == SasAnswerView.VERSION;
              long digest = row.getLong(5);
              byte[] view = current && !row.wasNull() ? views.slot(id, digest, cpts) : null;
              if (current && view == null) {
                unseen.add(id);
              } else {
                free.add(freeSlot(row, view));
              }
            },
        arguments);
    free.addAll(readViews(unseen, cpts));
    return free;
  }

  /**
   * The views of these slots, read from the table and kept. A slot booked since the narrow query is
   * left out, as if the booking had come just before the search.
   */
  private List<FreeSlot> readViews(List<String> slotIds, boolean cpts) {
    List<FreeSlot> free = new ArrayList<>(slotIds.size());
    for (int from = 0; from < slotIds.size(); from += IDS_PER_QUERY) {
      List<String> ids = slotIds.subList(from, Math.min(slotIds.size(), from + IDS_PER_QUERY));
      jdbc.query(
          "SELECT SLOT_ID, SCHEDULE_ID, START_AT, VIEW_VERSION, VIEW_DIGEST, SERVICE_IDS, "
              + (cpts ? "CPTS_VIEW" : "SAS_VIEW")
              + " FROM HUB_SAS_SLOT WHERE SLOT_ID IN ("
              + placeholders(ids.size())
              + ") AND STATUS = 'free'",
          (RowCallbackHandler)
              row -> {
                int version = row.getInt(4);
                boolean current = !row.wasNull() && version == SasAnswerView.VERSION;
                long digest = row.getLong(5);
                boolean digested = !row.wasNull();
                String json = current ? row.getString(7) : null;
                byte[] view = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
                if (view != null && digested) {
                  views.putSlot(row.getString(1), digest, cpts, view);
                }
                free.add(freeSlot(row, view));
              },
          ids.toArray());
    }
    return free;
  }

  /** A row of both queries: slot id, schedule id, start, version, digest, services (1 to 6). */
  private static FreeSlot freeSlot(ResultSet row, byte[] view) throws SQLException {
    return new FreeSlot(
        row.getString(1),
        row.getString(2),
        row.getTimestamp(3).toInstant(),
        view,
        view == null ? List.of() : split(row.getString(6)));
  }

  private static List<String> split(String services) {
    return services == null || services.isEmpty() ? List.of() : List.of(services.split(" "));
  }

  private static String placeholders(int count) {
    return String.join(",", Collections.nCopies(count, "?"));
  }

  void putSlot(String slotId, String scheduleId, Instant start, String status, SlotViews views) {
    upsert(
        () ->
            jdbc.update(
                "UPDATE HUB_SAS_SLOT SET SCHEDULE_ID = ?, START_AT = ?, STATUS = ?, VIEW_VERSION ="
                    + " ?, SAS_VIEW = ?, CPTS_VIEW = ?, SERVICE_IDS = ?, VIEW_DIGEST = ?"
                    + " WHERE SLOT_ID = ?",
                scheduleId,
                Timestamp.from(start),
                status,
                SasAnswerView.VERSION,
                views.individual(),
                views.cpts(),
                views.serviceIds(),
                views.digest(),
                slotId),
        () ->
            jdbc.update(
                "INSERT INTO HUB_SAS_SLOT (SLOT_ID, SCHEDULE_ID, START_AT, STATUS, VIEW_VERSION,"
                    + " SAS_VIEW, CPTS_VIEW, SERVICE_IDS, VIEW_DIGEST)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                slotId,
                scheduleId,
                Timestamp.from(start),
                status,
                SasAnswerView.VERSION,
                views.individual(),
                views.cpts(),
                views.serviceIds(),
                views.digest()));
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
   * Up to {@code limit} HAPI resource keys of slots whose views are of another version, or were
   * stored without their digest (by a hub older than the digest).
   */
  List<Long> staleSlotKeys(int limit) {
    return jdbc.queryForList(
        "SELECT r.RES_ID FROM HUB_SAS_SLOT s JOIN HFJ_RESOURCE r ON r.RES_TYPE = 'Slot' AND"
            + " r.FHIR_ID = s.SLOT_ID WHERE s.VIEW_VERSION IS NULL OR s.VIEW_VERSION <> ?"
            + " OR (s.SAS_VIEW IS NOT NULL AND s.VIEW_DIGEST IS NULL)"
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
