package fr.cpts.hub.server.storage;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.util.Collection;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Row locks on HAPI's resource table, taken in the caller's database transaction and held until it
 * ends: {@code SELECT ... FOR UPDATE} on the (type, id) rows. Two transactions locking one
 * resource, on one hub node or on several sharing the database, run one after the other, and the
 * second reads what the first committed. No lock is held in memory. A lock wait that times out (the
 * database's lock timeout) is reported as {@link LockTimeout}.
 */
@Component
public class ResourceRowLocks {

  private static final String LOCK =
      "SELECT RES_ID FROM HFJ_RESOURCE WHERE RES_TYPE = ?1 AND FHIR_ID IN (?2) FOR UPDATE";

  /** Another transaction held the lock longer than the database waits. */
  public static final class LockTimeout extends RuntimeException {
    LockTimeout(Throwable cause) {
      super(cause);
    }
  }

  @PersistenceContext private EntityManager entityManager;

  /** Locks the rows of these resources of one type; returns how many exist. */
  public int lock(String resourceType, Collection<String> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    try {
      List<?> locked =
          entityManager
              .createNativeQuery(LOCK)
              .setParameter(1, resourceType)
              .setParameter(2, ids)
              .getResultList();
      return locked.size();
    } catch (PersistenceException | DataAccessException e) {
      throw new LockTimeout(e);
    }
  }

  /** Locks one resource's row; false if it does not exist. */
  public boolean lock(String resourceType, String id) {
    return lock(resourceType, List.of(id)) > 0;
  }
}
