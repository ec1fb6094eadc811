package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.flow.MtFixtures.Fiche;
import fr.cpts.hub.server.flow.MtFixtures.Place;
import fr.cpts.hub.server.mt.MtPriorityRecomputeJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The nightly recompute of the open MT requests' priorities: the waiting points of a request grow
 * with the days, the job rewrites the requests whose priority changed and no other; of two nodes
 * firing the same night's run, one does it. The job is given a later instant (the hub's clock
 * abstraction), nobody sleeps.
 */
@HubIntegrationTest
class MtPriorityRecomputeIT {

  static final java.time.ZoneId PARIS = java.time.ZoneId.of("Europe/Paris");

  @LocalServerPort int port;
  @Autowired MtPriorityRecomputeJob job;
  @Autowired Clock clock;
  IGenericClient client;

  @BeforeEach
  void setUp() {
    client = HubClient.of(port);
  }

  private Task submit(LocalDate authoredOn) {
    Place commune = Place.anywhere();
    Bundle answer =
        client
            .transaction()
            .withBundle(
                MtFixtures.intake(
                    MtFixtures.patientWithIns(MtFixtures.ins(), "ATTENTE", "Anne", "1980-01-02"),
                    new Fiche().c2s().commune(commune.insee()),
                    authoredOn))
            .execute();
    return read(answer.getEntry().get(3).getResponse().getLocation());
  }

  private Task read(String location) {
    return client
        .read()
        .resource(Task.class)
        .withId(new org.hl7.fhir.r4.model.IdType(location).toUnqualifiedVersionless())
        .execute();
  }

  private static int score(Task task) {
    Extension priority = task.getExtensionByUrl(HubProfiles.EXT_PRIORITY);
    return ((IntegerType) priority.getExtensionByUrl("score").getValue()).getValue();
  }

  private static List<String> reasons(Task task) {
    return task.getExtensionByUrl(HubProfiles.EXT_PRIORITY).getExtensionsByUrl("reason").stream()
        .map(e -> ((Coding) e.getValue()).getCode())
        .toList();
  }

  @Test
  void recompute_twoDaysLater_raisesTheRequestThatCrossed30Days_andLeavesTheOtherAlone() {
    Instant now = clock.instant();
    LocalDate today = now.atZone(PARIS).toLocalDate();
    Task waiting = submit(today.minusDays(29));
    Task recent = submit(today);
    assertThat(score(waiting)).as("29 days: no waiting points yet").isEqualTo(20);
    assertThat(reasons(waiting)).containsExactly("c2s");
    assertThat(score(recent)).isEqualTo(20);
    String waitingVersion = waiting.getMeta().getVersionId();
    String recentVersion = recent.getMeta().getVersionId();

    Instant later = now.plus(Duration.ofDays(2));
    MtPriorityRecomputeJob.Summary summary = job.recompute(later);

    assertThat(summary.ran()).isTrue();
    assertThat(summary.failed()).isZero();
    assertThat(summary.rewritten()).isPositive();
    Task raised = read(waiting.getIdElement().getValue());
    assertThat(score(raised)).as("31 days: +5").isEqualTo(25);
    assertThat(reasons(raised)).containsExactly("c2s", "waiting");
    assertThat(Long.parseLong(raised.getMeta().getVersionId()))
        .isEqualTo(Long.parseLong(waitingVersion) + 1);
    assertThat(raised.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
    assertThat(raised.getExtensionByUrl(HubProfiles.EXT_PRIORITY).getExtensionByUrl("computed"))
        .extracting(e -> ((org.hl7.fhir.r4.model.DateTimeType) e.getValue()).getValue().toInstant())
        .isEqualTo(later.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(raised.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("received");
    Task same = read(recent.getIdElement().getValue());
    assertThat(same.getMeta().getVersionId())
        .as("unchanged points: no new version")
        .isEqualTo(recentVersion);
    assertThat(score(same)).isEqualTo(20);

    // Again as of the same instant: nothing left to rewrite for these two.
    job.recompute(later);
    assertThat(read(waiting.getIdElement().getValue()).getMeta().getVersionId())
        .isEqualTo(raised.getMeta().getVersionId());
    assertThat(read(recent.getIdElement().getValue()).getMeta().getVersionId())
        .isEqualTo(recentVersion);
  }

  @Test
  void twoNodesFiringTheSameRun_oneDoesIt_andTheNextNightRunsAgain() throws Exception {
    String night = "test-" + UUID.randomUUID();
    Instant now = clock.instant();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<MtPriorityRecomputeJob.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Callable<MtPriorityRecomputeJob.Summary> run =
            () -> {
              start.await();
              return job.run(night, now);
            };
        runs.add(pool.submit(run));
      }
      start.countDown();
      List<Boolean> ran = new ArrayList<>();
      for (Future<MtPriorityRecomputeJob.Summary> run : runs) {
        ran.add(run.get().ran());
      }
      assertThat(ran).containsExactlyInAnyOrder(true, false);
    } finally {
      pool.shutdownNow();
    }
    assertThat(job.run(night, now).ran()).as("the same run again").isFalse();
    assertThat(job.run(night + "-next", now).ran()).as("the next night's run").isTrue();
  }
}
