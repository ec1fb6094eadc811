package fr.cpts.hub.server.sas;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.SearchBuilderFactory;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.profiles.FrExtensions;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Gathers the stored resources of a SAS answer ({@link SasSources}): from the Bundle HAPI's search
 * produced, completed with what the search does not include (each role's Location and
 * Organization), or, for the read model, from resource keys alone. Resources are read by HAPI
 * resource key ({@link #loadDirect}, {@link #loadByKeys}), a handful of queries per answer.
 */
@Component
public class SasResourceLoader {

  private final DaoRegistry daos;
  private final SearchBuilderFactory<JpaPid> searchBuilders;
  private final IHapiTransactionService transactions;
  private final JdbcTemplate jdbc;

  public SasResourceLoader(
      DaoRegistry daos,
      SearchBuilderFactory<JpaPid> searchBuilders,
      IHapiTransactionService transactions,
      JdbcTemplate jdbc) {
    this.daos = daos;
    this.jdbc = jdbc;
    this.searchBuilders = searchBuilders;
    this.transactions = transactions;
  }

  /** The sources from HAPI's own search answer (Slots matched, Schedules and actors included). */
  SasSources fromSearchAnswer(Bundle found) {
    Map<String, Resource> byKey = new LinkedHashMap<>();
    for (BundleEntryComponent entry : found.getEntry()) {
      Resource resource = entry.getResource();
      byKey.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
    }
    List<Slot> slots =
        found.getEntry().stream()
            .filter(e -> e.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE)
            .map(BundleEntryComponent::getResource)
            .filter(Slot.class::isInstance)
            .map(Slot.class::cast)
            .toList();
    Map<String, PractitionerRole> roles = ofType(byKey.values(), PractitionerRole.class);
    Map<String, HealthcareService> services = ofType(byKey.values(), HealthcareService.class);
    Map<String, Organization> organizations = ofType(byKey.values(), Organization.class);
    Set<String> wanted = roleOrganizations(roles);
    wanted.addAll(serviceOrganizations(services));
    organizations.putAll(loadDirect(Organization.class, missing(wanted, organizations)));
    return new SasSources(
        slots,
        found.hasTotal() ? found.getTotal() : slots.size(),
        ofType(byKey.values(), Schedule.class),
        ofType(byKey.values(), Practitioner.class),
        roles,
        loadDirect(Location.class, roleLocations(roles)),
        organizations,
        services);
  }

  /**
   * The sources of the read model's answer: the slots by HAPI resource key, loaded in batches, then
   * their schedules, the schedules' Practitioner and PractitionerRole actors, the roles' Locations
   * and Organizations and, for CPTS slots, their HealthcareService and its Organization: one keyed
   * read per type.
   */
  SasSources fromSlotKeys(List<Long> slotKeys) {
    List<Slot> slots = List.copyOf(loadByKeys(Slot.class, slotKeys).values());
    Set<String> scheduleIds = new TreeSet<>();
    Set<String> serviceIds = new TreeSet<>();
    for (Slot slot : slots) {
      scheduleIds.add(SasAnswerView.idOf(slot.getSchedule()));
      slot.getServiceType().stream()
          .map(t -> t.getExtensionByUrl(FrExtensions.SLOT_SERVICE_TYPE_REFERENCE))
          .filter(e -> e != null && e.getValue() instanceof Reference)
          .map(e -> SasAnswerView.idOf((Reference) e.getValue()))
          .filter(id -> id != null)
          .forEach(serviceIds::add);
    }
    Map<String, Schedule> schedules = loadDirect(Schedule.class, scheduleIds);
    Set<String> practitionerIds = new TreeSet<>();
    Set<String> roleIds = new TreeSet<>();
    for (Schedule schedule : schedules.values()) {
      for (Reference actor : schedule.getActor()) {
        String type = actor.getReferenceElement().getResourceType();
        if ("Practitioner".equals(type)) {
          practitionerIds.add(actor.getReferenceElement().getIdPart());
        } else if ("PractitionerRole".equals(type)) {
          roleIds.add(actor.getReferenceElement().getIdPart());
        }
      }
    }
    Map<String, PractitionerRole> roles = loadDirect(PractitionerRole.class, roleIds);
    Map<String, HealthcareService> services = loadDirect(HealthcareService.class, serviceIds);
    Set<String> organizationIds = roleOrganizations(roles);
    organizationIds.addAll(serviceOrganizations(services));
    return new SasSources(
        slots,
        slots.size(),
        schedules,
        loadDirect(Practitioner.class, practitionerIds),
        roles,
        loadDirect(Location.class, roleLocations(roles)),
        loadDirect(Organization.class, organizationIds),
        services);
  }

  /**
   * Loads resources of one type by id part through HAPI's resource keys: one indexed query on
   * HAPI's (type, id) index, then HAPI's batch load. The read model's path: HAPI's own id
   * resolution of a long list is an OR of (type, id) pairs that H2 cannot answer from an index.
   */
  <T extends Resource> Map<String, T> loadDirect(Class<T> type, Collection<String> ids) {
    if (ids.isEmpty()) {
      return new LinkedHashMap<>();
    }
    String placeholders = String.join(",", Collections.nCopies(ids.size(), "?"));
    Object[] arguments = new Object[ids.size() + 1];
    arguments[0] = type.getSimpleName();
    int i = 1;
    for (String id : ids) {
      arguments[i++] = id;
    }
    List<Long> keys =
        jdbc.queryForList(
            "SELECT RES_ID FROM HFJ_RESOURCE WHERE RES_TYPE = ? AND FHIR_ID IN ("
                + placeholders
                + ")",
            Long.class,
            arguments);
    return loadByKeys(type, keys);
  }

  /** Loads resources by HAPI resource key (RES_ID), in HAPI's batches. */
  <T extends Resource> Map<String, T> loadByKeys(Class<T> type, List<Long> keys) {
    Map<String, T> loaded = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      return loaded;
    }
    String name = type.getSimpleName();
    transactions
        .withSystemRequest()
        .readOnly()
        .execute(
            () ->
                searchBuilders
                    .newSearchBuilder(name, type)
                    .loadResourcesByPid(JpaPid.fromLongList(keys), new SystemRequestDetails())
                    .forEach(r -> loaded.put(r.getIdElement().getIdPart(), type.cast(r))));
    return loaded;
  }

  static Set<String> roleLocations(Map<String, PractitionerRole> roles) {
    Set<String> ids = new TreeSet<>();
    roles
        .values()
        .forEach(
            r ->
                r.getLocation().stream()
                    .map(SasAnswerView::idOf)
                    .filter(id -> id != null)
                    .findFirst()
                    .ifPresent(ids::add));
    return ids;
  }

  static Set<String> roleOrganizations(Map<String, PractitionerRole> roles) {
    Set<String> ids = new TreeSet<>();
    roles.values().stream()
        .map(r -> SasAnswerView.idOf(r.getOrganization()))
        .filter(id -> id != null)
        .forEach(ids::add);
    return ids;
  }

  static Set<String> serviceOrganizations(Map<String, HealthcareService> services) {
    Set<String> ids = new TreeSet<>();
    services.values().stream()
        .map(s -> SasAnswerView.idOf(s.getProvidedBy()))
        .filter(id -> id != null)
        .forEach(ids::add);
    return ids;
  }

  private static Set<String> missing(Set<String> wanted, Map<String, ?> present) {
    Set<String> missing = new TreeSet<>(wanted);
    missing.removeAll(present.keySet());
    return missing;
  }

  private static <T extends Resource> Map<String, T> ofType(
      Collection<Resource> resources, Class<T> type) {
    Map<String, T> found = new LinkedHashMap<>();
    resources.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .forEach(r -> found.put(r.getIdElement().getIdPart(), r));
    return found;
  }
}
