package fr.cpts.hub.server.sas;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Collection;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Fills the SAS slot read model from the stored Schedules and Slots when it is empty while slots
 * exist (a database that held slots before the read model did), and encodes again the slot views
 * another version of the hub wrote. Runs at start-up, after the profiles are installed and before
 * the demo loads; idempotent (upserts), so two nodes starting together do no harm. Afterwards the
 * read model is kept in step by {@link SasSlotReadModelInterceptor}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class SasSlotReadModelRebuild implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(SasSlotReadModelRebuild.class);
  private static final int PAGE = 1000;

  private final SasSlotReadModel readModel;
  private final SasSlotReadModelInterceptor maintainer;
  private final DaoRegistry daos;
  private final SasResourceLoader loader;

  public SasSlotReadModelRebuild(
      SasSlotReadModel readModel,
      SasSlotReadModelInterceptor maintainer,
      DaoRegistry daos,
      SasResourceLoader loader) {
    this.readModel = readModel;
    this.maintainer = maintainer;
    this.daos = daos;
    this.loader = loader;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (readModel.slotCount() > 0) {
      refreshStaleViews();
      return;
    }
    long started = System.nanoTime();
    int schedules = replay(Schedule.class);
    int slots = replay(Slot.class);
    if (slots > 0) {
      log.info(
          "SAS read model rebuilt: {} schedules, {} slots ({} ms)",
          schedules,
          slots,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /**
   * Encodes again the views of the slots stored by a hub whose view was of another version (or
   * older than the views themselves). Until then the search computes those slots' views itself.
   */
  private void refreshStaleViews() {
    List<Long> keys = readModel.staleSlotKeys(PAGE);
    if (keys.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    int refreshed = 0;
    for (; !keys.isEmpty(); keys = readModel.staleSlotKeys(PAGE)) {
      Collection<Slot> slots = loader.loadByKeys(Slot.class, keys).values();
      slots.forEach(maintainer::stored);
      refreshed += slots.size();
      if (slots.size() < keys.size()) {
        // Slots deleted meanwhile leave rows behind only until their deletion commits.
        break;
      }
    }
    log.info(
        "SAS read model: {} slot views of another version encoded again ({} ms)",
        refreshed,
        (System.nanoTime() - started) / 1_000_000);
  }

  private int replay(Class<? extends IBaseResource> type) {
    SearchParameterMap all = new SearchParameterMap();
    IBundleProvider found = daos.getResourceDao(type).search(all, new SystemRequestDetails());
    int count = 0;
    for (int from = 0; ; from += PAGE) {
      var page = found.getResources(from, from + PAGE);
      if (page.isEmpty()) {
        return count;
      }
      page.forEach(maintainer::stored);
      count += page.size();
    }
  }
}
