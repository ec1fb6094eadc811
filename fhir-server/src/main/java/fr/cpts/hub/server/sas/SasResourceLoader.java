package fr.cpts.hub.server.sas;

import ca.uhn.fhir.jpa.dao.SearchBuilderFactory;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
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
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/**
 * Gathers the stored resources of a SAS answer ({@link SasSources}): from the Bundle HAPI's search
 * produced, completed with what the search does not include (each role's Location and
 * Organization), or, for the read model, from ids alone. Resources are read by HAPI resource key
 * ({@link #loadDirect}, {@link #loadByKeys}), a handful of queries per answer; what the slots refer
 * to goes through a cache of resource versions ({@link #loadCurrent}).
 */
@Component
public class SasResourceLoader {

  private final SearchBuilderFactory<JpaPid> searchBuilders;
  private final IHapiTransactionService transactions;
  private final JdbcTemplate jdbc;
  private final Cache<String, Resource> versions;

  public SasResourceLoader(
      SearchBuilderFactory<JpaPid> searchBuilders,
      IHapiTransactionService transactions,
      JdbcTemplate jdbc,
      SasSearchProperties properties) {
    this.jdbc = jdbc;
    this.versions = Caffeine.newBuilder().maximumSize(properties.resourceCacheSize()).build();
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
   * The sources of the read model's answer: the slots by id, loaded in batches, then what they
   * refer to ({@link #forIncludes}).
   */
  SasSources fromSlotIds(List<String> slotIds) {
    List<Slot> slots = List.copyOf(loadDirect(Slot.class, slotIds).values());
    Set<String> scheduleIds = new TreeSet<>();
    Set<String> serviceIds = new TreeSet<>();
    for (Slot slot : slots) {
      scheduleIds.add(SasAnswerView.idOf(slot.getSchedule()));
      serviceIds.addAll(SasAnswerView.serviceIds(slot));
    }
    SasSources included = forIncludes(scheduleIds, serviceIds);
    return new SasSources(
        slots,
        slots.size(),
        included.schedules(),
        included.practitioners(),
        included.roles(),
        included.locations(),
        included.organizations(),
        included.services());
  }

  /**
   * What the slots of an answer refer to, without the slots: their schedules, the schedules'
   * Practitioner and PractitionerRole actors, the roles' Locations and Organizations and, for CPTS
   * slots, their HealthcareService and its Organization: one keyed read per type.
   */
  SasSources forIncludes(Set<String> scheduleIds, Set<String> serviceIds) {
    Map<String, Schedule> schedules = loadCurrent(Schedule.class, scheduleIds);
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
    Map<String, PractitionerRole> roles = loadCurrent(PractitionerRole.class, roleIds);
    Map<String, HealthcareService> services = loadCurrent(HealthcareService.class, serviceIds);
    Set<String> organizationIds = roleOrganizations(roles);
    organizationIds.addAll(serviceOrganizations(services));
    return new SasSources(
        List.of(),
        0,
        schedules,
        loadCurrent(Practitioner.class, practitionerIds),
        roles,
        loadCurrent(Location.class, roleLocations(roles)),
        loadCurrent(Organization.class, organizationIds),
        services);
  }

  /**
   * Loads resources of one type by id part through HAPI's resource keys: one indexed query on
   * HAPI's (type, id) index, then HAPI's batch load. HAPI's own id resolution of a long list is an
   * OR of (type, id) pairs that H2 cannot answer from an index.
   */
  <T extends Resource> Map<String, T> loadDirect(Class<T> type, Collection<String> ids) {
    List<Long> keys = new ArrayList<>();
    current(type, ids, (key, id, version) -> keys.add(key));
    return loadByKeys(type, keys);
  }

  /**
   * Like {@link #loadDirect}, through this node's cache of resource versions: the query gives each
   * resource's current version, and only the versions this node has not read yet are loaded. A
   * stored version never changes, so the cache can never serve stale content; it only spares
   * reading and parsing the same schedules, professionals and places on every search. The cached
   * resources are shared by concurrent searches: {@link SasAnswerView} only reads them and builds
   * its own resources from what it reads.
   */
  <T extends Resource> Map<String, T> loadCurrent(Class<T> type, Collection<String> ids) {
    Map<String, T> found = new LinkedHashMap<>();
    Map<Long, String> missing = new LinkedHashMap<>();
    current(
        type,
        ids,
        (key, id, version) -> {
          Resource cached = versions.getIfPresent(versionKey(type, id, version));
          if (cached != null) {
            found.put(id, type.cast(cached));
          } else {
            missing.put(key, versionKey(type, id, version));
          }
        });
    if (!missing.isEmpty()) {
      Map<String, T> loaded = loadByKeys(type, List.copyOf(missing.keySet()));
      for (T resource : loaded.values()) {
        String key =
            versionKey(
                type,
                resource.getIdElement().getIdPart(),
                Long.parseLong(resource.getIdElement().getVersionIdPart()));
        versions.put(key, resource);
        found.put(resource.getIdElement().getIdPart(), resource);
      }
    }
    return found;
  }

  private interface CurrentVersion {
    void accept(long key, String id, long version);
  }

  /** The resource key, id part and current version of each live resource of these ids. */
  private void current(Class<?> type, Collection<String> ids, CurrentVersion each) {
    if (ids.isEmpty()) {
      return;
    }
    String placeholders = String.join(",", Collections.nCopies(ids.size(), "?"));
    Object[] arguments = new Object[ids.size() + 1];
    arguments[0] = type.getSimpleName();
    int i = 1;
    for (String id : ids) {
      arguments[i++] = id;
    }
    jdbc.query(
        "SELECT RES_ID, FHIR_ID, RES_VER FROM HFJ_RESOURCE WHERE RES_TYPE = ? AND FHIR_ID IN ("
            + placeholders
            + ") AND RES_DELETED_AT IS NULL",
        (RowCallbackHandler) row -> each.accept(row.getLong(1), row.getString(2), row.getLong(3)),
        arguments);
  }

  private static String versionKey(Class<?> type, String id, long version) {
    return type.getSimpleName() + "/" + id + "/_history/" + version;
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
