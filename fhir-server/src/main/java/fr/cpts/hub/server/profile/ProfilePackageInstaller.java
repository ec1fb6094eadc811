package fr.cpts.hub.server.profile;

import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager;
import ca.uhn.fhir.jpa.packages.IHapiPackageCacheManager.PackageContents;
import ca.uhn.fhir.jpa.packages.IPackageInstallerSvc;
import ca.uhn.fhir.jpa.packages.PackageInstallOutcomeJson;
import ca.uhn.fhir.jpa.packages.PackageInstallationSpec;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import fr.cpts.hub.profiles.HubPackage;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Installs the hub's profiles package at start-up, from the classpath (never the network), with
 * HAPI's package installer: the package is recorded in the database's package cache and its
 * conformance resources (profiles, extensions, code systems, value sets, search parameters) are
 * stored as resources, so that every hub node on the same database serves the same ones. Runs
 * before the demo loader and before the hub reports itself ready; idempotent, and skipped when the
 * database already holds this very package (same bytes).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProfilePackageInstaller implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ProfilePackageInstaller.class);

  private final IPackageInstallerSvc installer;
  private final IHapiPackageCacheManager packageCache;
  private final ISearchParamRegistry searchParamRegistry;
  private final HubPackage hubPackage;

  public ProfilePackageInstaller(
      IPackageInstallerSvc installer,
      IHapiPackageCacheManager packageCache,
      ISearchParamRegistry searchParamRegistry,
      HubPackage hubPackage) {
    this.installer = installer;
    this.packageCache = packageCache;
    this.searchParamRegistry = searchParamRegistry;
    this.hubPackage = hubPackage;
  }

  @Override
  public void run(ApplicationArguments args) {
    long started = System.nanoTime();
    if (alreadyInstalled()) {
      log.info(
          "Profiles package {}#{} already installed, unchanged",
          hubPackage.name(),
          hubPackage.version());
      return;
    }
    PackageInstallationSpec spec =
        new PackageInstallationSpec()
            .setName(hubPackage.name())
            .setVersion(hubPackage.version())
            .setPackageContents(hubPackage.tgz())
            .setInstallMode(PackageInstallationSpec.InstallModeEnum.STORE_AND_INSTALL)
            .setFetchDependencies(false);
    // A new build may change resources without changing the package version: apply them again.
    spec.setReloadExisting(true);
    PackageInstallOutcomeJson outcome;
    try {
      outcome = installer.install(spec);
    } catch (RuntimeException e) {
      // Several nodes starting together on one database: the first one installs, the others
      // may collide with it; once it is done, the package is there and they go on.
      if (!alreadyInstalled()) {
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

  /** Whether the database holds this very package, byte for byte. */
  private boolean alreadyInstalled() {
    PackageContents installed =
        packageCache.loadPackageContents(hubPackage.name(), hubPackage.version());
    return installed != null && Arrays.equals(installed.getBytes(), hubPackage.tgz());
  }
}
