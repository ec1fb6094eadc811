package fr.cpts.hub.mappers.rpps;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;

/**
 * One professional of the territory, as mapped from their consecutive lines of the extract: the
 * Practitioner, one PractitionerRole per activity inside the territory, and the Organizations and
 * Locations those roles reference. An Organization or Location shared by several professionals
 * appears, identical, in each of their results.
 *
 * <p>Every resource has an id derived from national identifiers and carries, as its first
 * identifier, the one to update it by ({@link #conditionalUrl(Resource)}).
 *
 * @param idnps the professional's IDNPS
 * @param practitioner their Practitioner
 * @param roles one PractitionerRole per kept activity, in the order of the lines
 * @param organizations the Organizations of those activities (each once), in order of first use
 * @param locations the Locations of those activities (each once), in order of first use
 * @param lines the numbers of the lines mapped here (duplicates of an activity excluded)
 * @param continuesEarlier whether this professional was already returned for earlier lines that
 *     were not next to these (the extract keeps a professional's lines together; when it does not,
 *     the consumer must merge this result into the earlier one rather than replace it)
 */
public record RppsProfessional(
    String idnps,
    Practitioner practitioner,
    List<PractitionerRole> roles,
    List<Organization> organizations,
    List<Location> locations,
    List<Long> lines,
    boolean continuesEarlier) {

  public RppsProfessional {
    roles = List.copyOf(roles);
    organizations = List.copyOf(organizations);
    locations = List.copyOf(locations);
    lines = List.copyOf(lines);
  }

  /** All the resources: the Practitioner, its roles, then the Organizations, then the Locations. */
  public List<Resource> resources() {
    List<Resource> all =
        new ArrayList<>(1 + roles.size() + organizations.size() + locations.size());
    all.add(practitioner);
    all.addAll(roles);
    all.addAll(organizations);
    all.addAll(locations);
    return all;
  }

  /**
   * The conditional URL that creates or updates a resource of this result in place, e.g. {@code
   * Practitioner?identifier=urn:oid:1.2.250.1.71.4.2.1|810000000001}: by the IDNPS, the IDNST, or
   * the hub's own identifier of a role or a location.
   */
  public static String conditionalUrl(Resource resource) {
    List<Identifier> identifiers;
    if (resource instanceof Practitioner p) {
      identifiers = p.getIdentifier();
    } else if (resource instanceof PractitionerRole r) {
      identifiers = r.getIdentifier();
    } else if (resource instanceof Organization o) {
      identifiers = o.getIdentifier();
    } else if (resource instanceof Location l) {
      identifiers = l.getIdentifier();
    } else {
      throw new IllegalArgumentException(
          "not a resource of an RPPS mapping: " + resource.fhirType());
    }
    Identifier key = identifiers.get(0);
    return resource.fhirType() + "?identifier=" + key.getSystem() + "|" + key.getValue();
  }
}
