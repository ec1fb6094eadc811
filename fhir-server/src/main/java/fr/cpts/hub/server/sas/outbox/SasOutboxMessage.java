package fr.cpts.hub.server.sas.outbox;

import java.time.Instant;

/**
 * One appointment change to send to the SAS platform, as the outbox records it.
 *
 * @param id the message's id (a UUID)
 * @param appointmentId the Appointment's id part
 * @param appointmentVersion the version to send
 * @param kind {@link Kind#CREATE} (POST) for the first version, {@link Kind#UPDATE} (conditional
 *     PUT by identifier) for the others
 * @param state where the message is
 * @param attempts attempts made so far
 * @param lastError the last attempt's failure (HTTP status and error code, never a body)
 */
public record SasOutboxMessage(
    String id,
    String appointmentId,
    long appointmentVersion,
    Kind kind,
    State state,
    int attempts,
    Instant createdAt,
    Instant nextAttemptAt,
    Instant sentAt,
    String lastError) {

  /** How the message is sent. */
  public enum Kind {
    CREATE,
    UPDATE
  }

  /** Where the message is: waiting (first try or retry), delivered, or given up. */
  public enum State {
    PENDING,
    SENT,
    FAILED
  }
}
