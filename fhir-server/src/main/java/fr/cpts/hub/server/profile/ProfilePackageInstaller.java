package fr.cpts.hub.server.profile;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager;
import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager.PackageContents;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.jpa.packages.util.PackageUtils;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import fr.cpts.hub.profiles.HubPackage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Installs the hub's profiles package at start-up, from the classpath (never the network), with
 * HAPI's package installer: the package is recorded in the database's package cache and its
 * conformance resources (profiles, extensions, code systems, value sets, search parameters, the
 * Questionnaires) are stored as resources, so that every hub node on the same database serves the
 * same ones. Runs before the demo loader and before the hub reports itself ready.
 *
 * <p>Skipped when the database already holds this very package (same bytes) and every search
 * parameter of it. A different build under the same version replaces the cached package first:
 * HAPI's installer would otherwise install the cached one again.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProfilePackageInstaller implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ProfilePackageInstaller.class);

  private final IPackageInstallerSvc installer;
  private final IHapiPackageCacheManager packageCache;
  private final ISearchParamRegistry searchParamRegistry;
  private final DaoRegistry daoRegistry;
  private final HubPackage hubPackage;

  public ProfilePackageInstaller(
      IPackageInstallerSvc installer,
      IHapiPackageCacheManager packageCache,
      ISearchParamRegistry searchParamRegistry,
      DaoRegistry daoRegistry,
      HubPackage hubPackage) {
    this.installer = installer;
    this.packageCache = packageCache;
    this.searchParamRegistry = searchParamRegistry;
    this.daoRegistry = daoRegistry;
    this.hubPackage = hubPackage;
  }

  @Override
  public void run(ApplicationArguments args) {
    long started = System.nanoTime();
    PackageContents cached =
        packageCache.loadPackageContents(hubPackage.name(), hubPackage.version());
    boolean sameBytes = cached != null && Arrays.equals(cached.getBytes(), hubPackage.tgz());
    if (sameBytes && searchParametersStored()) {
      log.info(
          "Profiles package {}#{} already installed, unchanged",
          hubPackage.name(),
          hubPackage.version());
      return;
    }
    if (cached != null && !sameBytes) {
      packageCache.uninstallPackage(hubPackage.name(), hubPackage.version());
    }
    PackageInstallationSpec spec =
        new PackageInstallationSpec()
            .setName(hubPackage.name())
            .setVersion(hubPackage.version())
            .setPackageContents(hubPackage.tgz())
            .setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
            .setFetchDependencies(false);
    // HAPI's default types, and the Questionnaires the hub publishes (the fiche de saisine), so
    // that clients can read them (Questionnaire?url=).
    List<String> types = new ArrayList<>(PackageUtils.DEFAULT_INSTALL_TYPES);
    types.add("Questionnaire");
    spec.setInstallResourceTypes(types);
    // Also when this version is cached but its resources are not all there (an interrupted run).
    spec.setReloadExisting(true);
    PackageInstallOutcomeJson outcome;
    try {
      outcome = installer.install(spec);
    } catch (DataIntegrityViolationException | ResourceVersionConflictException e) {
      // Several nodes starting together on one database: they may collide while one of them
      // installs. Go on if the package is complete now; otherwise fail, and start again.
      if (!searchParametersStored()) {
        throw e;
      }
      log.info("Profiles package installed meanwhile by another node");
      searchParamRegistry.forceRefresh();
      return;
    }
    searchParamRegistry.forceRefresh();
    log.info(
        "Profiles package {}#{} installed: {} ({} ms)",
        hubPackage.name(),
        hubPackage.version(),
        outcome.getResourcesInstalled(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** Whether every search parameter of the package is stored, at the package's version. */
  private boolean searchParametersStored() {
    for (SearchParameter parameter : hubPackage.searchParameters()) {
      SearchParameterMap byUrl =
          SearchParameterMap.newSynchronous(
              SearchParameter.SP_URL, new UriParam(parameter.getUrl()));
      boolean found =
          daoRegistry
              .getResourceDao(SearchParameter.class)
              .search(byUrl, new SystemRequestDetails())
              .getAllResources()
              .stream()
              .anyMatch(r -> parameter.getVersion().equals(((SearchParameter) r).getVersion()));
      if (!found) {
        return false;
      }
    }
    return true;
  }
}
