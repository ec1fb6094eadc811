package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.server.audit.AuditQueueWriter;
import fr.cpts.hub.server.audit.AuditTrailInterceptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the audit trail costs: Patient reads by 8 concurrent clients (each read leaves one
 * AuditEvent), with the trail on, off, and on again; prints reads per second and the latency the
 * clients see. Run with {@code ./mvnw -Pbench verify -pl fhir-server -am
 * -Dit.test=AuditTrailBenchmark} (H2) or with {@code -Dbench.database=postgres}.
 */
@HubIntegrationTest
class AuditTrailBenchmark {

  private static final Logger log = LoggerFactory.getLogger("fr.cpts.hub.bench");

  @LocalServerPort int port;
  @Autowired AuditTrailInterceptor trail;
  @Autowired AuditQueueWriter writer;

  /** The answers' latencies, the time the reads took, then the time until the trail was stored. */
  private record Run(long[] nanos, long wallNanos, long drainNanos) {
    double perSecond() {
      return nanos.length / (wallNanos / 1e9);
    }

    /** Reads per second counting the time the queued events took to be stored. */
    double sustainedPerSecond() {
      return nanos.length / ((wallNanos + drainNanos) / 1e9);
    }

    double percentileMillis(int p) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
  }

  @Test
  void patientReads_withAndWithoutTheAuditTrail() throws Exception {
    int reads = Integer.getInteger("bench.reads", 2000);
    int clients = Integer.getInteger("bench.clients", 8);
    IGenericClient client = HubClient.of(port);
    List<String> patients = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      patients.add(BookingFixtures.createPatient(client));
    }
    try {
      run(true, patients, reads / 2, clients); // warm-up of both
      run(false, patients, reads / 2, clients);
      Run with = run(true, patients, reads, clients);
      Run without = run(false, patients, reads, clients);
      Run withAgain = run(true, patients, reads, clients);
      log.info(
          String.format(
              Locale.ROOT,
              "%nAudit trail benchmark (%s, %d Patient reads per round, %d clients)%n"
                  + "  with the trail     %7.1f reads/s  p50 %5.1f ms  p95 %5.1f ms"
                  + "  (again %7.1f reads/s  p95 %5.1f ms)%n"
                  + "    trail stored %.1f s after the last read: %7.1f reads/s sustained%n"
                  + "  without the trail  %7.1f reads/s  p50 %5.1f ms  p95 %5.1f ms%n"
                  + "  cost: throughput x%.2f (x%.2f sustained)",
              System.getProperty("hub.test.database", "h2"),
              reads,
              clients,
              with.perSecond(),
              with.percentileMillis(50),
              with.percentileMillis(95),
              withAgain.perSecond(),
              withAgain.percentileMillis(95),
              with.drainNanos() / 1e9,
              with.sustainedPerSecond(),
              without.perSecond(),
              without.percentileMillis(50),
              without.percentileMillis(95),
              without.perSecond() / ((with.perSecond() + withAgain.perSecond()) / 2),
              without.perSecond() / with.sustainedPerSecond()));
    } finally {
      trail.record(true);
    }
  }

  private Run run(boolean audited, List<String> patients, int reads, int clients) throws Exception {
    trail.record(audited);
    long[] nanos = new long[reads];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long started = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      SplittableRandom random = new SplittableRandom(c);
      workers.add(
          pool.submit(
              () -> {
                IGenericClient own = HubClient.of(port);
                for (int i = next.getAndIncrement(); i < reads; i = next.getAndIncrement()) {
                  long t0 = System.nanoTime();
                  own.read()
                      .resource(Patient.class)
                      .withId(patients.get(random.nextInt(patients.size())))
                      .execute();
                  nanos[i] = System.nanoTime() - t0;
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    long wall = System.nanoTime() - started;
    pool.shutdown();
    // The queued events are stored by the scheduled writer (every second) and this one.
    writer.flush();
    while (writer.waiting() > 0) {
      Thread.sleep(20);
    }
    return new Run(nanos, wall, System.nanoTime() - started - wall);
  }
}
