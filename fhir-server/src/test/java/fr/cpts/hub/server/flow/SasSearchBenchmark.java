package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.FhirTerser;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.demo.DemoTerritory;
import fr.cpts.hub.server.demo.DemoTerritoryGenerator;
import fr.cpts.hub.server.demo.DemoTerritorySpec;
import fr.cpts.hub.server.demo.DemoTransactions;
import fr.cpts.hub.server.profile.ProfileValidationInterceptor;
import fr.cpts.hub.server.sas.SasSlotSearchInterceptor;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The SAS slot search under load, as the SAS platform sends it: a territory of {@code -Dbench.gps}
 * GPs (500 by default; 20000 for the national-scale set) with 3 days of slots from today, 24 a day,
 * a third booked (the demo generator); then {@code -Dbench.requests} searches for 25 random GPs
 * over now to the end of the day after tomorrow, from {@code -Dbench.clients} concurrent clients,
 * on HAPI's generic search and on the read model. Prints p50/p95/p99 latency and requests per
 * second of both and their ratio. Run with {@code ./mvnw -Pbench verify -pl fhir-server -am
 * -Dit.test=SasSearchBenchmark} (H2), add {@code -Dbench.database=postgres}; never part of {@code
 * verify}.
 */
@HubIntegrationTest
@TestPropertySource(properties = "hub.demo.enabled=false")
class SasSearchBenchmark {

  private static final Logger log = LoggerFactory.getLogger("fr.cpts.hub.bench");
  private static final int SLOTS_PER_DAY = 24;
  private static final int SLOTS_PER_TRANSACTION = 1000;
  private static final int DIRECTORY_PER_TRANSACTION = 2000;
  private static final int LOAD_THREADS = 2;
  private static final int MAX_WARM_UP_ROUNDS = 15;
  private static final DateTimeFormatter OFFSET =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  @LocalServerPort int port;
  @Autowired IFhirSystemDao<Bundle, Meta> systemDao;
  @Autowired IInterceptorService jpaInterceptors;
  @Autowired ProfileValidationInterceptor validation;
  @Autowired SasSlotSearchInterceptor sasSearch;
  @Autowired Clock clock;
  @Autowired IJobCoordinator jobs;
  @Autowired IJobMaintenanceService jobMaintenance;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /**
   * Latencies of one run, its wall time, and the time the JIT compilers spent during it (-1 when
   * the JVM does not tell).
   */
  private record Run(long[] nanos, long wallNanos, double meanSlots, long compileMillis) {
    /** The share of the machine's cores the JIT compilers took during the run. */
    double compilerShare() {
      return compileMillis < 0
          ? 0
          : compileMillis / (wallNanos / 1e6 * Runtime.getRuntime().availableProcessors());
    }

    double percentileMillis(double p) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, index)] / 1e6;
    }

    double perSecond() {
      return nanos.length / (wallNanos / 1e9);
    }
  }

  @Test
  void sasSearch_latencyAndThroughput_genericSearchVersusReadModel() throws Exception {
    int gps = Integer.getInteger("bench.gps", 500);
    int requests = Integer.getInteger("bench.requests", 400);
    // HAPI's generic search is much slower: fewer of its requests keep the run short.
    int genericRequests = Integer.getInteger("bench.generic-requests", 16);
    int clients = Integer.getInteger("bench.clients", 8);
    LocalDate today = LocalDate.now(clock);

    cancelBatchJobs();
    long loadStarted = System.nanoTime();
    DemoTerritory territory =
        new DemoTerritoryGenerator()
            .generate(new DemoTerritorySpec(gps, 2026, today, 3, SLOTS_PER_DAY, ClockConfig.PARIS));
    int loaded = withoutValidation(() -> load(territory));
    double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
    log.info(
        "SAS benchmark: {} GPs, {} resources loaded in {} s",
        gps,
        loaded,
        String.format(Locale.ROOT, "%.0f", loadSeconds));

    awaitBatchJobs();
    List<String> idnps = territory.generalPractitioners().stream().map(g -> g.idnps()).toList();
    // Warm each path, then measure it: generic first, then the read model.
    run(false, idnps, Math.min(clients * 2, genericRequests), clients, 1);
    Run generic = run(false, idnps, genericRequests, clients, 3);
    // After loading the territory the JIT compilers have minutes of work queued (HAPI, Hibernate),
    // and the read model's own path only gets compiled once it runs hot: on two cores they took
    // 40 % of the CPU from the measured searches. A node that has run for a while is past that; so
    // is the measure: rounds of searches until the compilers take under 2 % of the cores.
    awaitQuietCompiler();
    int warmUpRounds = 0;
    Run warmUp;
    do {
      warmUp = run(true, idnps, Math.max(200, requests / 2), clients, 10 + warmUpRounds);
      warmUpRounds++;
      log.info(
          "SAS benchmark: warm-up round {}, JIT compilers {} % of the cores",
          warmUpRounds, String.format(Locale.ROOT, "%.1f", 100 * warmUp.compilerShare()));
    } while (warmUp.compilerShare() > 0.02 && warmUpRounds < MAX_WARM_UP_ROUNDS);
    log.info("SAS benchmark: measuring the read model");
    Run fast = run(true, idnps, requests, clients, 4);
    // The same path for one client alone: the latency of one answer without queueing behind
    // the others for the two cores.
    Run alone = run(true, idnps, 100, 1, 5);
    log.info("SAS benchmark: measured");
    sasSearch.useFastPath(true);

    String database = System.getProperty("hub.test.database", "h2");
    log.info(
        String.format(
            Locale.ROOT,
            "%nSAS search benchmark (%s, %d GPs, %d slots, 25 GPs x now..D+2 per request, %d"
                + " requests (generic %d), %d clients, %.0f free slots per answer)%n"
                + "  generic search  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  %7.1f req/s%n"
                + "  read model      p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  %7.1f req/s%n"
                + "  ratio (generic / read model)  p95 x%.1f  throughput x%.1f%n"
                + "  read model, one client alone  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms"
                + "  %7.1f req/s%n"
                + "  read model measured after %d warm-up rounds; JIT compilers during it: %.1f %%"
                + " of the cores",
            database,
            gps,
            territory.slots().size(),
            requests,
            genericRequests,
            clients,
            fast.meanSlots(),
            generic.percentileMillis(50),
            generic.percentileMillis(95),
            generic.percentileMillis(99),
            generic.perSecond(),
            fast.percentileMillis(50),
            fast.percentileMillis(95),
            fast.percentileMillis(99),
            fast.perSecond(),
            generic.percentileMillis(95) / fast.percentileMillis(95),
            fast.perSecond() / generic.perSecond(),
            alone.percentileMillis(50),
            alone.percentileMillis(95),
            alone.percentileMillis(99),
            alone.perSecond(),
            warmUpRounds,
            100 * fast.compilerShare()));
    assertThat(fast.meanSlots()).isPositive();
    assertThat(generic.meanSlots()).isPositive();
  }

  /** The JIT compilers' total time so far, or -1 when the JVM does not tell. */
  private static long compileMillis() {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    return compiler == null || !compiler.isCompilationTimeMonitoringSupported()
        ? -1
        : compiler.getTotalCompilationTime();
  }

  /**
   * Waits until the JIT compilers have spent less than 2 % of one core over the last two seconds,
   * for at most two minutes.
   */
  private static void awaitQuietCompiler() throws InterruptedException {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
      return;
    }
    long started = System.nanoTime();
    long before = compiler.getTotalCompilationTime();
    while (System.nanoTime() - started < TimeUnit.MINUTES.toNanos(2)) {
      Thread.sleep(2000);
      long now = compiler.getTotalCompilationTime();
      if (now - before < 40) {
        break;
      }
      before = now;
    }
    log.info(
        "SAS benchmark: JIT compilers quiet after {} s",
        (System.nanoTime() - started) / 1_000_000_000);
  }

  private Run run(boolean fastPath, List<String> idnps, int requests, int clients, long seed)
      throws Exception {
    sasSearch.useFastPath(fastPath);
    SplittableRandom random = new SplittableRandom(seed);
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      queries.add(query(idnps, random));
    }
    long[] nanos = new long[requests];
    // A sample of the answers is kept and parsed after the clock stops: keeping a megabyte per
    // answer would make the collector copy hundreds of megabytes while the clients run.
    int kept = Math.max(1, requests / 20);
    byte[][] bodies = new byte[requests][];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long compiledBefore = compileMillis();
    long started = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                  long t0 = System.nanoTime();
                  HttpResponse<byte[]> response =
                      http.send(
                          HttpRequest.newBuilder(
                                  URI.create(HubClient.base(port) + "/Slot?" + queries.get(i)))
                              .header("Accept", "application/json+fhir")
                              .build(),
                          // Bytes, decoded after the clock stops: the SAS platform's own
                          // decoding is not the hub's latency, and would take the hub's CPU.
                          HttpResponse.BodyHandlers.ofByteArray());
                  nanos[i] = System.nanoTime() - t0;
                  assertThat(response.statusCode()).isEqualTo(200);
                  if (i % kept == 0) {
                    bodies[i] = response.body();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    long wall = System.nanoTime() - started;
    long compiled = compiledBefore < 0 ? -1 : compileMillis() - compiledBefore;
    pool.shutdown();
    // Parsed after the clock stops: the clients share the server's two cores.
    long slots = 0;
    int parsed = 0;
    for (int i = 0; i < requests; i += kept) {
      slots += countSlots(bodies[i]);
      parsed++;
    }
    return new Run(nanos, wall, slots / (double) parsed, compiled);
  }

  /** The SAS's request for 25 random GPs, from now to the end of the day after tomorrow. */
  private String query(List<String> idnps, SplittableRandom random) {
    ZonedDateTime now = ZonedDateTime.now(clock);
    ZonedDateTime end = now.toLocalDate().plusDays(2).atTime(23, 59, 59).atZone(ClockConfig.PARIS);
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      if (i > 0) {
        ids.append(',');
      }
      ids.append(FrIdentifiers.IDNPS).append("%7C").append(idnps.get(random.nextInt(idnps.size())));
    }
    return "_include=Slot:schedule&_include:iterate=Schedule:actor&start=ge"
        + now.format(OFFSET).replace("+", "%2B")
        + "&start=le"
        + end.format(OFFSET).replace("+", "%2B")
        + "&schedule.actor:Practitioner.identifier="
        + ids
        + "&status=free";
  }

  private static int countSlots(byte[] body) {
    Bundle bundle =
        HubClient.FHIR
            .newJsonParser()
            .parseResource(Bundle.class, new String(body, StandardCharsets.UTF_8));
    return (int)
        bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals("Slot")).count();
  }

  /**
   * Loads the territory in the hub's own transactions, as fast as it can: plain creates, the
   * directory in chunks whose {@code urn:uuid} references to earlier chunks are rewritten to the
   * ids those got, then the slots (which reference their Schedule by identifier).
   */
  private int load(DemoTerritory territory) {
    FhirTerser terser = HubClient.FHIR.newTerser();
    Map<String, String> assigned = new HashMap<>();
    List<Resource> directory = territory.directory();
    for (int from = 0; from < directory.size(); from += DIRECTORY_PER_TRANSACTION) {
      List<Resource> chunk = new ArrayList<>();
      for (Resource resource :
          directory.subList(from, Math.min(directory.size(), from + DIRECTORY_PER_TRANSACTION))) {
        Resource copy = resource.copy();
        for (Reference reference :
            terser.getAllPopulatedChildElementsOfType(copy, Reference.class)) {
          String target = assigned.get(reference.getReference());
          if (target != null) {
            reference.setReference(target);
          }
        }
        chunk.add(copy);
      }
      Bundle response = transaction(chunk, terser);
      for (int i = 0; i < chunk.size(); i++) {
        String location = response.getEntry().get(i).getResponse().getLocation();
        assigned.put(
            directory.get(from + i).getIdElement().getValue(),
            new org.hl7.fhir.r4.model.IdType(location).toUnqualifiedVersionless().getValue());
      }
    }
    // Slot transactions are independent of each other: two writers keep both cores (and, on
    // PostgreSQL, its own processes) busy.
    List<? extends Resource> slots = territory.slots();
    AtomicInteger nextChunk = new AtomicInteger();
    ExecutorService writers = Executors.newFixedThreadPool(LOAD_THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < LOAD_THREADS; t++) {
      done.add(
          writers.submit(
              () -> {
                FhirTerser own = HubClient.FHIR.newTerser();
                for (int from = nextChunk.getAndIncrement() * SLOTS_PER_TRANSACTION;
                    from < slots.size();
                    from = nextChunk.getAndIncrement() * SLOTS_PER_TRANSACTION) {
                  transaction(
                      List.copyOf(
                          slots.subList(
                              from, Math.min(slots.size(), from + SLOTS_PER_TRANSACTION))),
                      own);
                  if (from % (SLOTS_PER_TRANSACTION * 100) == 0) {
                    log.info("SAS benchmark: {} of {} slots loaded", from, slots.size());
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> writer : done) {
        writer.get();
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("loading the slots failed", e);
    } finally {
      writers.shutdown();
    }
    return directory.size() + slots.size();
  }

  private Bundle transaction(List<? extends Resource> resources, FhirTerser terser) {
    Bundle bundle = DemoTransactions.conditionalCreates(resources, terser);
    for (BundleEntryComponent entry : bundle.getEntry()) {
      entry.getRequest().setIfNoneExist(null);
    }
    return systemDao.transaction(new SystemRequestDetails(), bundle);
  }

  /**
   * The search parameters installed at start-up queue reindexing jobs over a database that is still
   * empty: cancelled, so that they neither delay the load nor run over the territory while it is
   * measured.
   */
  private void cancelBatchJobs() throws InterruptedException {
    jobs.getInstances(1000, 0).stream()
        .filter(j -> !j.getStatus().isEnded())
        .forEach(j -> jobs.cancelInstance(j.getInstanceId()));
    awaitBatchJobs();
  }

  private void awaitBatchJobs() throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
    while (jobs.getInstances(1000, 0).stream().anyMatch(j -> !j.getStatus().isEnded())) {
      assertThat(System.nanoTime()).as("batch jobs still running").isLessThan(deadline);
      // Without this, each step of a job waits for the next one-minute maintenance pass.
      jobMaintenance.triggerMaintenancePass();
      Thread.sleep(1000);
    }
  }

  private <T> T withoutValidation(java.util.function.Supplier<T> work) {
    jpaInterceptors.unregisterInterceptor(validation);
    try {
      return work.get();
    } finally {
      jpaInterceptors.registerInterceptor(validation);
    }
  }
}
