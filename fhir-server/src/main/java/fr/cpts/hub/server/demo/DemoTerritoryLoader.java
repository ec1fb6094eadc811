package fr.cpts.hub.server.demo;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Loads the demo territory at start-up, before the hub reports itself ready. Idempotent: every
 * resource is a conditional create on its business identifier, so a restart adds nothing twice and
 * never overwrites what clients changed since (a slot booked in the meantime stays booked). A
 * restart on a later day adds that day's slots.
 */
@Component
@ConditionalOnProperty(prefix = "hub.demo", name = "enabled", havingValue = "true")
public class DemoTerritoryLoader implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DemoTerritoryLoader.class);
  private static final int SLOTS_PER_TRANSACTION = 500;

  private final IFhirSystemDao<Bundle, Meta> systemDao;
  private final DemoProperties properties;
  private final Clock clock;
  private final FhirTerser terser;

  public DemoTerritoryLoader(
      IFhirSystemDao<Bundle, Meta> systemDao,
      FhirContext fhirContext,
      DemoProperties properties,
      Clock clock) {
    this.systemDao = systemDao;
    this.terser = fhirContext.newTerser();
    this.properties = properties;
    this.clock = clock;
  }

  /** What a load did. */
  public record LoadReport(int created, int alreadyThere) {}

  @Override
  public void run(ApplicationArguments args) {
    long started = System.nanoTime();
    DemoTerritory territory = new DemoTerritoryGenerator().generate(spec());
    LoadReport report = load(territory);
    log.info(
        "Demo territory: {} GPs, {} directory resources, {} slots; {} created, {} already there"
            + " ({} ms)",
        territory.generalPractitioners().size(),
        territory.directory().size(),
        territory.slots().size(),
        report.created(),
        report.alreadyThere(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** The spec the demo uses today. */
  public DemoTerritorySpec spec() {
    return new DemoTerritorySpec(
        properties.generalPractitioners(),
        properties.seed(),
        LocalDate.now(clock),
        properties.days(),
        properties.snpSlotsPerDay(),
        clock.getZone());
  }

  /** Stores the territory: the directory in one transaction, then slots by chunks. */
  public LoadReport load(DemoTerritory territory) {
    LoadReport report = transaction(territory.directory());
    List<? extends Resource> slots = territory.slots();
    for (int from = 0; from < slots.size(); from += SLOTS_PER_TRANSACTION) {
      LoadReport chunk =
          transaction(slots.subList(from, Math.min(slots.size(), from + SLOTS_PER_TRANSACTION)));
      report =
          new LoadReport(
              report.created() + chunk.created(), report.alreadyThere() + chunk.alreadyThere());
    }
    return report;
  }

  private LoadReport transaction(List<? extends Resource> resources) {
    Bundle bundle = DemoTransactions.conditionalCreates(resources, terser);
    Bundle response = systemDao.transaction(new SystemRequestDetails(), bundle);
    int created = 0;
    for (BundleEntryComponent entry : response.getEntry()) {
      if (entry.getResponse().getStatus().startsWith("201")) {
        created++;
      }
    }
    return new LoadReport(created, response.getEntry().size() - created);
  }
}
