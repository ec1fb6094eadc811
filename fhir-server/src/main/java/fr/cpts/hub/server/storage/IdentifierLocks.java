package fr.cpts.hub.server.storage;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Locks on identifiers ({@code system|value}), taken in the caller's database transaction and held
 * until it ends: one row per identifier in {@code HUB_IDENTIFIER_LOCK}, created the first time and
 * then locked with {@code SELECT ... FOR UPDATE}. Two transactions locking one identifier, on one
 * hub node or on several sharing the database, run one after the other, and the second reads what
 * the first committed; when both meet an identifier never seen before, the second's insert fails
 * once the first commits. Either failure, or a wait longer than the database's lock timeout, is
 * reported as {@link LockFailure}. No lock is held in memory.
 */
@Component
public class IdentifierLocks {

  private static final String LOCK =
      "SELECT LOCK_KEY FROM HUB_IDENTIFIER_LOCK WHERE LOCK_KEY = ?1 FOR UPDATE";
  private static final String CREATE = "INSERT INTO HUB_IDENTIFIER_LOCK (LOCK_KEY) VALUES (?1)";

  /** The lock could not be had: another transaction holds it, or created it at the same time. */
  public static final class LockFailure extends RuntimeException {
    LockFailure(Throwable cause) {
      super(cause);
    }
  }

  @PersistenceContext private EntityManager entityManager;

  /** Locks one identifier until the caller's transaction ends. */
  public void lock(String system, String value) {
    String key = key(system, value);
    try {
      if (entityManager.createNativeQuery(LOCK).setParameter(1, key).getResultList().isEmpty()) {
        entityManager.createNativeQuery(CREATE).setParameter(1, key).executeUpdate();
      }
    } catch (PersistenceException | DataAccessException e) {
      throw new LockFailure(e);
    }
  }

  /** SHA-256 of {@code system|value} in hex: a fixed length, whatever the value's. */
  static String key(String system, String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((system + "|" + value).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
