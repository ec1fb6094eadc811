package fr.cpts.hub.server.mt;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.storage.ResourceRowLocks;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.springframework.stereotype.Component;

/**
 * The capacity of a GP's place of practice for new patients as médecin traitant (the {@code
 * capacity} of the hub-accepts-new-patients extension), taken and given back in the caller's
 * database transaction under a row lock on the PractitionerRole ({@link ResourceRowLocks}): two
 * acceptances of the last unit, on one node or several, run one after the other and the second
 * finds none left. A role that accepts without a stated capacity has no limit and is not changed.
 */
@Component
public class MtCapacity {

  private final DaoRegistry daos;
  private final ResourceRowLocks locks;

  public MtCapacity(DaoRegistry daos, ResourceRowLocks locks) {
    this.daos = daos;
    this.locks = locks;
  }

  /** Whether a role accepts new patients as médecin traitant. */
  public static boolean accepting(PractitionerRole role) {
    Extension flag = role.getExtensionByUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS);
    return flag != null
        && flag.getExtensionByUrl("accepting") != null
        && flag.getExtensionByUrl("accepting").getValue() instanceof BooleanType accepting
        && accepting.booleanValue();
  }

  /** The capacity left, empty when the role states none. */
  public static OptionalInt capacity(PractitionerRole role) {
    Extension flag = role.getExtensionByUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS);
    if (flag == null
        || flag.getExtensionByUrl("capacity") == null
        || !(flag.getExtensionByUrl("capacity").getValue() instanceof UnsignedIntType capacity)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(capacity.getValue());
  }

  /** Takes one unit; 409 HUB-0828 when the role no longer accepts or has none left. */
  public void take(String roleId) {
    PractitionerRole role = lockAndRead(roleId);
    OptionalInt left = capacity(role);
    if (!accepting(role) || (left.isPresent() && left.getAsInt() == 0)) {
      throw new ResourceVersionConflictException(
          "HUB-0828: PractitionerRole/"
              + roleId
              + (accepting(role)
                  ? " has no capacity left for new patients"
                  : " no longer accepts new patients")
              + "; nothing was stored. Propose the request to another GP ($mt-match)");
    }
    if (left.isPresent()) {
      store(role, left.getAsInt() - 1);
    }
  }

  /** Gives one unit back (an accepted request abandoned). */
  public void giveBack(String roleId) {
    PractitionerRole role = lockAndRead(roleId);
    OptionalInt left = capacity(role);
    if (left.isPresent()) {
      store(role, left.getAsInt() + 1);
    }
  }

  private void store(PractitionerRole role, int capacity) {
    Extension flag = role.getExtensionByUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS);
    flag.getExtensionByUrl("capacity").setValue(new UnsignedIntType(capacity));
    daos.getResourceDao(PractitionerRole.class).update(role, new SystemRequestDetails());
  }

  private PractitionerRole lockAndRead(String roleId) {
    try {
      if (!locks.lock("PractitionerRole", roleId)) {
        throw new UnprocessableEntityException(
            "HUB-0825: PractitionerRole/" + roleId + " does not exist");
      }
      return daos.getResourceDao(PractitionerRole.class)
          .read(new IdType("PractitionerRole", roleId), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      throw new UnprocessableEntityException(
          "HUB-0825: PractitionerRole/" + roleId + " does not exist");
    } catch (ResourceRowLocks.LockTimeout e) {
      throw new ResourceVersionConflictException(
          "HUB-0835: PractitionerRole/" + roleId + " is being changed by someone else; try again");
    }
  }
}
