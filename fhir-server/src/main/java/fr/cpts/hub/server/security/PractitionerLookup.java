package fr.cpts.hub.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Practitioner;

/**
 * The hub's Practitioner of a professional signed in with a token: the one active Practitioner
 * carrying the IDNPS ({@code identifier=urn:oid:1.2.250.1.71.4.2.1|<IDNPS>}), searched through
 * HAPI's DAO as the hub itself. None, or several (a duplicate the directory should not hold), is no
 * Practitioner. Each answer is kept {@code hub.security.oidc.professional-cache} per IDNPS, so that
 * a professional's requests do not each search the directory; a deactivation is seen at the latest
 * that long after.
 */
public final class PractitionerLookup {

  /** IDNPS kept at most, per node. */
  static final int CACHE_SIZE = 10_000;

  private final DaoRegistry daos;
  private final Cache<String, Optional<String>> cache;

  public PractitionerLookup(DaoRegistry daos, Duration keep) {
    this.daos = daos;
    this.cache =
        keep.isZero() || keep.isNegative()
            ? null
            : Caffeine.newBuilder().expireAfterWrite(keep).maximumSize(CACHE_SIZE).build();
  }

  /** The id (e.g. {@code 123}) of the professional's active Practitioner, if exactly one. */
  public Optional<String> practitionerId(String idnps) {
    return cache == null ? search(idnps) : cache.get(idnps, this::search);
  }

  private Optional<String> search(String idnps) {
    SearchParameterMap byIdnps =
        SearchParameterMap.newSynchronous(
            Practitioner.SP_IDENTIFIER, new TokenParam(FrIdentifiers.IDNPS, idnps));
    byIdnps.setCount(2);
    List<IBaseResource> found =
        daos.getResourceDao(Practitioner.class)
            .search(byIdnps, new SystemRequestDetails())
            .getResources(0, 2);
    List<String> active =
        found.stream()
            .map(Practitioner.class::cast)
            .filter(p -> !p.hasActive() || p.getActive())
            .map(p -> p.getIdElement().getIdPart())
            .toList();
    return active.size() == 1 ? Optional.of(active.get(0)) : Optional.empty();
  }
}
