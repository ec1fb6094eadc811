package fr.cpts.hub.server.imaging;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The table of received HL7 v2 messages ({@code HUB_HL7V2_MESSAGE}): one row per message the
 * listener received, with its raw bytes as they came (whatever their character set), its header and
 * what became of it. The raw messages are personal health data: this class never logs them.
 */
@Component
public class Hl7v2MessageStore {

  /** What became of a message. */
  public enum State {
    /** Mapped and applied: acknowledged AA. */
    PROCESSED,
    /** Not applied (not mappable, refused by the hub, unknown sender): AE or AR. */
    FAILED,
    /** A message already processed, sent again: acknowledged AA, not applied again. */
    DUPLICATE;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A stored message, without its raw bytes. */
  public record StoredMessage(
      String id,
      Instant receivedAt,
      String sendingApplication,
      String sendingFacility,
      String controlId,
      String type,
      State state,
      String ackCode,
      String errorCode,
      String errorText) {}

  private static final String COLUMNS =
      "MESSAGE_ID, RECEIVED_AT, SENDING_APP, SENDING_FACILITY, CONTROL_ID, MESSAGE_TYPE, STATE,"
          + " ACK_CODE, ERROR_CODE, ERROR_TEXT";

  private static final RowMapper<StoredMessage> ROW = Hl7v2MessageStore::message;

  private final JdbcTemplate jdbc;

  public Hl7v2MessageStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a message and its outcome. */
  public void record(
      String id,
      Instant receivedAt,
      Hl7v2Header header,
      State state,
      Hl7v2Ack.Code ack,
      String errorCode,
      String errorText,
      byte[] raw) {
    jdbc.update(
        "INSERT INTO HUB_HL7V2_MESSAGE ("
            + COLUMNS
            + ", RAW_MESSAGE) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        Timestamp.from(receivedAt),
        header.sendingApplication(),
        header.sendingFacility(),
        header.controlId(),
        header.type().length() > 32 ? header.type().substring(0, 32) : header.type(),
        state.name(),
        ack.name(),
        errorCode,
        errorText == null || errorText.length() <= 2000 ? errorText : errorText.substring(0, 2000),
        raw);
  }

  /** Whether a message of this sender with this control id has already been processed. */
  public boolean processed(Hl7v2Header header) {
    if (header.controlId().isEmpty()) {
      return false;
    }
    Integer count =
        jdbc.queryForObject(
            "SELECT COUNT(*) FROM HUB_HL7V2_MESSAGE WHERE SENDING_APP = ? AND SENDING_FACILITY = ?"
                + " AND CONTROL_ID = ? AND STATE = 'PROCESSED'",
            Integer.class,
            header.sendingApplication(),
            header.sendingFacility(),
            header.controlId());
    return count != null && count > 0;
  }

  /** Messages, newest first, optionally of one state, at most {@code limit}. */
  public List<StoredMessage> find(State state, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM HUB_HL7V2_MESSAGE");
    List<Object> arguments = new ArrayList<>();
    if (state != null) {
      sql.append(" WHERE STATE = ?");
      arguments.add(state.name());
    }
    sql.append(" ORDER BY RECEIVED_AT DESC, MESSAGE_ID FETCH FIRST ")
        .append(limit)
        .append(" ROWS ONLY");
    return jdbc.query(sql.toString(), ROW, arguments.toArray());
  }

  /** One message by id. */
  public Optional<StoredMessage> get(String id) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM HUB_HL7V2_MESSAGE WHERE MESSAGE_ID = ?", ROW, id)
        .stream()
        .findFirst();
  }

  /** The raw bytes of one message, as received. */
  public Optional<byte[]> raw(String id) {
    return jdbc
        .query(
            "SELECT RAW_MESSAGE FROM HUB_HL7V2_MESSAGE WHERE MESSAGE_ID = ?",
            (row, n) -> row.getBytes(1),
            id)
        .stream()
        .findFirst();
  }

  private static StoredMessage message(ResultSet row, int number) throws SQLException {
    return new StoredMessage(
        row.getString("MESSAGE_ID"),
        row.getTimestamp("RECEIVED_AT").toInstant(),
        row.getString("SENDING_APP"),
        row.getString("SENDING_FACILITY"),
        row.getString("CONTROL_ID"),
        row.getString("MESSAGE_TYPE"),
        State.valueOf(row.getString("STATE")),
        row.getString("ACK_CODE"),
        row.getString("ERROR_CODE"),
        row.getString("ERROR_TEXT"));
  }
}
