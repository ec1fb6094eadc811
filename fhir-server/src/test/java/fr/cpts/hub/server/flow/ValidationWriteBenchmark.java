package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.util.FhirTerser;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.demo.DemoTerritory;
import fr.cpts.hub.server.demo.DemoTerritoryGenerator;
import fr.cpts.hub.server.demo.DemoTerritorySpec;
import fr.cpts.hub.server.demo.DemoTransactions;
import fr.cpts.hub.server.profile.ProfileValidationInterceptor;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Writes per second with and without profile validation, through the HTTP API as GP software
 * publishes: Slots in transaction Bundles of 500, and Practitioners created one request at a time.
 * The data come from the demo generator (a territory of {@code -Dbench.gps} GPs, 24 slots a day).
 * Run with {@code ./mvnw -Pbench verify -pl fhir-server -am} (H2) or with {@code
 * -Dbench.database=postgres}; it prints its figures and is never part of {@code verify}.
 */
@HubIntegrationTest
@TestPropertySource(properties = "hub.demo.enabled=false")
class ValidationWriteBenchmark {

  private static final Logger log = LoggerFactory.getLogger("fr.cpts.hub.bench");
  private static final int SLOTS_PER_BUNDLE = 500;
  private static final int SLOTS_PER_DAY = 24;

  @LocalServerPort int port;
  @Autowired IInterceptorService jpaInterceptors;
  @Autowired ProfileValidationInterceptor validation;

  private IGenericClient client;
  private FhirTerser terser;
  private int practitioners;

  @Test
  void writesPerSecond_withAndWithoutProfileValidation() {
    client = HubClient.of(port);
    terser = HubClient.FHIR.newTerser();
    int gps = Integer.getInteger("bench.gps", 60);
    int singles = Integer.getInteger("bench.singles", 300);
    LocalDate day = LocalDate.of(2031, 1, 6);

    // The directory once (validated), then a warm-up of both paths.
    DemoTerritory directory = territory(gps, day, 1);
    client.transaction().withBundle(bundle(directory.directory())).execute();
    slotsPerSecond(territory(gps, day.plusDays(1), 1).slots());
    practitionersPerSecond(50);
    withoutValidation(() -> slotsPerSecond(territory(gps, day.plusDays(2), 1).slots()));

    // Measured rounds: with, without, with again (the database grows between them).
    double slotsWith = slotsPerSecond(territory(gps, day.plusDays(10), 3).slots());
    double slotsWithout =
        withoutValidation(() -> slotsPerSecond(territory(gps, day.plusDays(20), 3).slots()));
    double slotsWithAgain = slotsPerSecond(territory(gps, day.plusDays(30), 3).slots());
    double singlesWith = practitionersPerSecond(singles);
    double singlesWithout = withoutValidation(() -> practitionersPerSecond(singles));
    double singlesWithAgain = practitionersPerSecond(singles);

    String database = System.getProperty("hub.test.database", "h2");
    log.info(
        String.format(
            Locale.ROOT,
            "%nValidation write benchmark (%s, %d GPs, %d slots per round)%n"
                + "  Slots, transactions of %d   with validation %8.1f/s (again %.1f/s)"
                + "   without %8.1f/s   cost x%.2f%n"
                + "  Practitioner, one per POST   with validation %8.1f/s (again %.1f/s)"
                + "   without %8.1f/s   cost x%.2f",
            database,
            gps,
            gps * 3 * SLOTS_PER_DAY,
            SLOTS_PER_BUNDLE,
            slotsWith,
            slotsWithAgain,
            slotsWithout,
            slotsWithout / ((slotsWith + slotsWithAgain) / 2),
            singlesWith,
            singlesWithAgain,
            singlesWithout,
            singlesWithout / ((singlesWith + singlesWithAgain) / 2)));
    assertThat(slotsWith).isPositive();
  }

  private DemoTerritory territory(int gps, LocalDate firstDay, int days) {
    return new DemoTerritoryGenerator()
        .generate(
            new DemoTerritorySpec(gps, 2026, firstDay, days, SLOTS_PER_DAY, ClockConfig.PARIS));
  }

  private Bundle bundle(List<? extends org.hl7.fhir.r4.model.Resource> resources) {
    return DemoTransactions.conditionalCreates(resources, terser);
  }

  private double slotsPerSecond(List<Slot> slots) {
    long started = System.nanoTime();
    for (int from = 0; from < slots.size(); from += SLOTS_PER_BUNDLE) {
      List<Slot> chunk = slots.subList(from, Math.min(slots.size(), from + SLOTS_PER_BUNDLE));
      Bundle response = client.transaction().withBundle(bundle(chunk)).execute();
      assertThat(response.getEntry()).hasSize(chunk.size());
    }
    return slots.size() / seconds(started);
  }

  private double practitionersPerSecond(int count) {
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      client.create().resource(practitioner(++practitioners)).execute();
    }
    return count / seconds(started);
  }

  private static Practitioner practitioner(int number) {
    String idnps = FrIdentifiers.IDNPS_RPPS_PREFIX + String.format("2%010d", number);
    return ConformantPractitioners.of(idnps, "BENCH", "Number " + number);
  }

  private <T> T withoutValidation(java.util.function.Supplier<T> work) {
    jpaInterceptors.unregisterInterceptor(validation);
    try {
      return work.get();
    } finally {
      jpaInterceptors.registerInterceptor(validation);
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
