package fr.cpts.hub.server.flow;

import static fr.cpts.hub.server.flow.RuleSchedules.PARIS;
import static fr.cpts.hub.server.flow.RuleSchedules.create;
import static fr.cpts.hub.server.flow.RuleSchedules.free;
import static fr.cpts.hub.server.flow.RuleSchedules.identifiers;
import static fr.cpts.hub.server.flow.RuleSchedules.nextMonday;
import static fr.cpts.hub.server.flow.RuleSchedules.schedule;
import static fr.cpts.hub.server.flow.RuleSchedules.slotsOf;
import static fr.cpts.hub.server.flow.RuleSchedules.starts;
import static fr.cpts.hub.server.flow.RuleSchedules.until;
import static fr.cpts.hub.server.flow.RuleSchedules.updateRules;
import static fr.cpts.hub.server.flow.RuleSchedules.weekdayAfternoons;
import static fr.cpts.hub.server.flow.RuleSchedules.weekdayMornings;
import static fr.cpts.hub.server.flow.RuleSchedules.weekdayStarts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.mappers.ical.AvailabilityPeriod;
import fr.cpts.hub.mappers.ical.AvailabilitySlotGenerator;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.schedule.ScheduleHorizonJob;
import fr.cpts.hub.server.schedule.ScheduleSlotRegenerator;
import fr.cpts.hub.server.schedule.ScheduleSlotRegenerator.Result;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Availability as a recurrence rule: a practice software publishes a Schedule carrying FR Core
 * availability-time extensions and the hub generates its slots over the 28-day horizon; changing
 * the rule deletes the free slots no longer produced and keeps the booked ones; the nightly job
 * keeps the horizon ahead; concurrent regenerations make no duplicate.
 */
@HubIntegrationTest
class ScheduleAvailabilityIT {

  private static final Logger log = LoggerFactory.getLogger(ScheduleAvailabilityIT.class);
  private static final Duration TWENTY_MINUTES = Duration.ofMinutes(20);

  @LocalServerPort int port;
  @Autowired ScheduleHorizonJob job;
  @Autowired ScheduleSlotRegenerator regenerator;

  private IGenericClient client;
  private LocalDate monday;
  private LocalDate secondFriday;

  @BeforeEach
  void client() {
    client = HubClient.of(port);
    monday = nextMonday();
    secondFriday = monday.plusDays(11);
  }

  @Test
  void create_withWeekdayMorningsRule_generatesExactlyItsSlots_conformant_andNoOther() {
    String scheduleId =
        create(client, schedule("rule-exact", weekdayMornings(monday, until(secondFriday))));

    List<Slot> slots = slotsOf(client, scheduleId);

    Set<Instant> expected = weekdayStarts(monday, secondFriday, 8, 12, TWENTY_MINUTES);
    assertThat(expected).hasSize(2 * 5 * 12);
    assertThat(slots).hasSize(expected.size());
    assertThat(starts(slots)).isEqualTo(expected);
    assertThat(identifiers(slots)).doesNotHaveDuplicates().hasSize(slots.size());
    Schedule stored = RuleSchedules.read(client, scheduleId);
    String key = AvailabilitySlotGenerator.scheduleKey(stored);
    for (Slot slot : slots) {
      assertThat(slot.getStatus()).isEqualTo(SlotStatus.FREE);
      assertThat(slot.getEnd().toInstant())
          .isEqualTo(slot.getStart().toInstant().plus(TWENTY_MINUTES));
      assertThat(slot.getSchedule().getReference()).isEqualTo(scheduleId);
      assertThat(slot.getMeta().getProfile().get(0).getValue()).isEqualTo(HubProfiles.SLOT);
      assertThat(slot.getMeta().getSecurity())
          .extracting(c -> c.getSystem() + "|" + c.getCode())
          .containsExactly(FrCodeSystems.TRE_R314_TYPE_CRENEAU + "|SNP");
      assertThat(slot.getComment()).isEqualTo(stored.getComment());
      assertThat(slot.getIdentifierFirstRep().getSystem()).isEqualTo(HubIdentifiers.SLOT);
      assertThat(slot.getIdentifierFirstRep().getValue())
          .isEqualTo(
              AvailabilitySlotGenerator.slotIdentifierValue(
                  key, slot.getStart().toInstant(), PARIS));
    }
  }

  @Test
  void transactionBundle_conditionalPutOfARuleBearingSchedule_generatesItsSlotsToo() {
    Schedule schedule = schedule("rule-bundle", weekdayMornings(monday, until(secondFriday)));
    String byIdentifier =
        "Schedule?identifier="
            + HubIdentifiers.SCHEDULE
            + "|"
            + schedule.getIdentifierFirstRep().getValue();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(schedule)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(byIdentifier);

    client.transaction().withBundle(transaction).execute();

    Bundle found = client.search().byUrl(byIdentifier).returnBundle(Bundle.class).execute();
    assertThat(found.getEntry()).hasSize(1);
    String scheduleId =
        found.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(starts(slots)).isEqualTo(weekdayStarts(monday, secondFriday, 8, 12, TWENTY_MINUTES));
    assertThat(identifiers(slots)).doesNotHaveDuplicates().hasSize(120);
  }

  @Test
  void update_changedRule_replacesTheFreeSlots_keepsTheBookedOne_andThePracticesOwnSlot() {
    String scheduleId =
        create(client, schedule("rule-change", weekdayMornings(monday, until(secondFriday))));
    Instant mondayEight = monday.atTime(8, 0).atZone(PARIS).toInstant();
    Slot booked = RuleSchedules.slotStartingAt(slotsOf(client, scheduleId), mondayEight);
    RuleSchedules.book(client, booked, RuleSchedules.patient(client));
    String ownSlot =
        RuleSchedules.publishOwnSlot(
            client, scheduleId, monday.atTime(12, 30).atZone(PARIS).toInstant());

    updateRules(client, scheduleId, weekdayAfternoons(monday, until(secondFriday)));

    List<Slot> slots = slotsOf(client, scheduleId);
    Set<Instant> afternoons = weekdayStarts(monday, secondFriday, 14, 16, Duration.ofMinutes(30));
    assertThat(afternoons).hasSize(2 * 5 * 4);
    Map<String, Slot> byId =
        slots.stream()
            .collect(
                Collectors.toMap(
                    s -> s.getIdElement().toUnqualifiedVersionless().getValue(), s -> s));
    assertThat(byId).containsKeys(booked.getIdElement().toUnqualifiedVersionless().getValue());
    assertThat(byId.get(booked.getIdElement().toUnqualifiedVersionless().getValue()).getStatus())
        .isEqualTo(SlotStatus.BUSY);
    assertThat(byId.get(ownSlot).getStatus()).isEqualTo(SlotStatus.FREE);
    Set<Instant> expected = new TreeSet<>(afternoons);
    expected.add(mondayEight);
    expected.add(byId.get(ownSlot).getStart().toInstant());
    assertThat(slots).hasSize(afternoons.size() + 2);
    assertThat(starts(slots)).isEqualTo(expected);
    assertThat(
            slots.stream()
                .filter(s -> s.getStatus() == SlotStatus.FREE)
                .filter(s -> afternoons.contains(s.getStart().toInstant()))
                .map(s -> Duration.between(s.getStart().toInstant(), s.getEnd().toInstant()))
                .collect(Collectors.toSet()))
        .containsExactly(Duration.ofMinutes(30));
  }

  @Test
  void update_sameRuleAgain_andTheJobTwice_changeNoSlot() {
    String scheduleId =
        create(client, schedule("rule-same", weekdayMornings(monday, until(secondFriday))));
    Map<String, String> before = versions(slotsOf(client, scheduleId));

    Schedule same = RuleSchedules.read(client, scheduleId);
    client.update().resource(same).execute();
    Schedule otherwiseChanged = RuleSchedules.read(client, scheduleId);
    otherwiseChanged.setPlanningHorizon(
        new Period().setStart(java.util.Date.from(monday.atStartOfDay(PARIS).toInstant())));
    client.update().resource(otherwiseChanged).execute();
    job.extendAll(Instant.now());
    Result again =
        regenerator.regenerate(scheduleId.substring("Schedule/".length()), Instant.now());

    assertThat(RuleSchedules.read(client, scheduleId).getIdElement().getVersionIdPart())
        .isEqualTo("2");
    assertThat(again).isEqualTo(new Result(0, 0, 0, 0, 120));
    assertThat(versions(slotsOf(client, scheduleId))).isEqualTo(before).hasSize(120);
  }

  @Test
  void job_withALaterClock_extendsTheSlotsToTheNewHorizon_andAgainChangesNothing() {
    String scheduleId = create(client, schedule("rule-horizon", weekdayMornings(monday, null)));
    int published = slotsOf(client, scheduleId).size();
    // A Sunday evening, thirteen days after the Monday the rule starts; the job runs then.
    Instant later = monday.plusDays(13).atTime(22, 0).atZone(PARIS).toInstant();
    LocalDate horizonEnd = later.plus(Duration.ofDays(28)).atZone(PARIS).toLocalDate();

    job.extendAll(later);

    Set<Instant> expected = weekdayStarts(monday, horizonEnd, 8, 12, TWENTY_MINUTES);
    assertThat(expected).hasSize(6 * 5 * 12);
    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(published).isPositive().isLessThan(expected.size());
    assertThat(starts(slots)).isEqualTo(expected);
    assertThat(identifiers(slots)).doesNotHaveDuplicates().hasSize(expected.size());

    Map<String, String> versions = versions(slots);
    job.extendAll(later);
    assertThat(versions(slotsOf(client, scheduleId))).isEqualTo(versions);
  }

  @Test
  void twoRegenerationsOfOneScheduleAtOnce_createEachSlotOnce() throws Exception {
    String scheduleId = create(client, schedule("rule-race", weekdayMornings(monday, null)));
    Instant later = monday.plusDays(6).atTime(22, 0).atZone(PARIS).toInstant();
    String id = scheduleId.substring("Schedule/".length());

    List<Object> outcomes =
        atOnce(() -> regenerator.regenerate(id, later), () -> regenerator.regenerate(id, later));

    assertThat(outcomes).anyMatch(Result.class::isInstance);
    for (Object outcome : outcomes) {
      if (!(outcome instanceof Result)) {
        // Only H2's one-second lock wait can make the second one give up, and it says so.
        assertThat(String.valueOf(outcome)).contains("HUB-0733");
      }
    }
    LocalDate horizonEnd = later.plus(Duration.ofDays(28)).atZone(PARIS).toLocalDate();
    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(identifiers(slots)).doesNotHaveDuplicates();
    assertThat(starts(slots)).isEqualTo(weekdayStarts(monday, horizonEnd, 8, 12, TWENTY_MINUTES));
  }

  @Test
  void twoConcurrentUpdatesOfOneSchedule_leaveNoDuplicate_andTheSlotsOfTheStoredRule()
      throws Exception {
    String scheduleId =
        create(client, schedule("rule-put-race", weekdayMornings(monday, until(secondFriday))));
    Schedule base = RuleSchedules.read(client, scheduleId);
    Schedule toAfternoons = base.copy();
    fr.cpts.hub.mappers.ical.AvailabilityTimeExtension.replace(
        toAfternoons, List.of(weekdayAfternoons(monday, until(secondFriday))));
    Schedule toBoth = base.copy();
    fr.cpts.hub.mappers.ical.AvailabilityTimeExtension.replace(
        toBoth,
        List.of(
            weekdayMornings(monday, until(secondFriday)),
            weekdayAfternoons(monday, until(secondFriday))));

    List<Object> outcomes =
        atOnce(
            () -> HubClient.of(port).update().resource(toAfternoons).execute(),
            () -> HubClient.of(port).update().resource(toBoth).execute());

    for (Object outcome : outcomes) {
      if (outcome instanceof BaseServerResponseException e) {
        assertThat(e.getStatusCode()).isEqualTo(409);
      }
    }
    Schedule stored = RuleSchedules.read(client, scheduleId);
    Set<Instant> expected =
        new TreeSet<>(weekdayStarts(monday, secondFriday, 14, 16, Duration.ofMinutes(30)));
    if (stored.getExtension().size() == 2) {
      expected.addAll(weekdayStarts(monday, secondFriday, 8, 12, TWENTY_MINUTES));
    }
    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(identifiers(slots)).doesNotHaveDuplicates();
    assertThat(starts(slots)).isEqualTo(expected);
    assertThat(slots).hasSize(expected.size());
  }

  @Test
  void create_ruleOnAScheduleWithoutSlotType_isRefusedWith422_andNothingIsStored() {
    Schedule schedule = schedule("rule-no-type", weekdayMornings(monday, until(secondFriday)));
    schedule.getMeta().getSecurity().clear();
    String key = schedule.getIdentifierFirstRep().getValue();

    assertThatThrownBy(() -> client.create().resource(schedule).execute())
        .isInstanceOf(UnprocessableEntityException.class)
        .hasMessageContaining("HUB-0732")
        .hasMessageContaining("HUB-0721");
    assertThat(
            client
                .search()
                .byUrl("Schedule?identifier=" + HubIdentifiers.SCHEDULE + "|" + key)
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
                .execute()
                .getEntry())
        .isEmpty();
  }

  /**
   * The figure asked for: 28 days of 24 one-hour slots a day, created through a PUT of the rule,
   * regenerated unchanged, then all moved by half an hour (every slot deleted and created again).
   */
  @Test
  void regenerate_28DaysOf24SlotsADay_createsThemAll_andTimesIt() {
    String scheduleId = create(client, schedule("rule-timing"));
    ZonedDateTime nextHour = ZonedDateTime.now(PARIS).truncatedTo(ChronoUnit.HOURS).plusHours(1);
    AvailabilityPeriod hourly =
        free(nextHour.toLocalDateTime(), Duration.ofHours(1), "FREQ=HOURLY", "h24");
    AvailabilityPeriod hourlyAtHalfPast =
        free(
            nextHour.plusMinutes(30).toLocalDateTime(),
            Duration.ofHours(1),
            "FREQ=HOURLY",
            "h24-30");

    Instant before = Instant.now();
    long started = System.nanoTime();
    updateRules(client, scheduleId, hourly);
    long created = System.nanoTime() - started;
    Instant after = Instant.now();
    int count = slotsOf(client, scheduleId).size();
    assertThat(count).isIn(hourlyCount(nextHour, before), hourlyCount(nextHour, after));
    assertThat(count).isBetween(28 * 24 - 1, 28 * 24);

    started = System.nanoTime();
    Result unchanged =
        regenerator.regenerate(scheduleId.substring("Schedule/".length()), Instant.now());
    long noop = System.nanoTime() - started;
    // An hour may have entered the horizon since the PUT.
    assertThat(unchanged.created()).isLessThanOrEqualTo(1);
    assertThat(unchanged.updated() + unchanged.deleted()).isZero();

    started = System.nanoTime();
    updateRules(client, scheduleId, hourlyAtHalfPast);
    long moved = System.nanoTime() - started;
    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(slots)
        .allMatch(s -> s.getStart().toInstant().atZone(PARIS).getMinute() == 30)
        .hasSizeBetween(28 * 24 - 1, 28 * 24);
    log.info(
        "Regeneration of 28 days x 24 slots: {} slots created by PUT in {} ms; unchanged rule"
            + " regenerated in {} ms; rule moved (all deleted and created again) in {} ms",
        count,
        created / 1_000_000,
        noop / 1_000_000,
        moved / 1_000_000);
  }

  /** Hourly starts from {@code first} that a regeneration at {@code now} keeps. */
  private static int hourlyCount(ZonedDateTime first, Instant now) {
    Instant end = now.plus(Duration.ofDays(28));
    Set<String> minutes = new HashSet<>();
    for (Instant t = first.toInstant(); t.isBefore(end); t = t.plus(Duration.ofHours(1))) {
      if (!t.isBefore(now)) {
        minutes.add(t.atZone(PARIS).toLocalDateTime().toString());
      }
    }
    return minutes.size();
  }

  private static Map<String, String> versions(List<Slot> slots) {
    return slots.stream()
        .collect(
            Collectors.toMap(
                s -> s.getIdElement().getIdPart(), s -> s.getIdElement().getVersionIdPart()));
  }

  /** Runs the calls at the same moment; each one's result, or the exception it threw. */
  @SafeVarargs
  private static List<Object> atOnce(Callable<?>... calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.length);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Object>> runs = new ArrayList<>();
    for (Callable<?> call : calls) {
      runs.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  return call.call();
                } catch (Exception e) {
                  return e;
                }
              }));
    }
    start.countDown();
    List<Object> outcomes = new ArrayList<>();
    for (Future<Object> run : runs) {
      outcomes.add(run.get());
    }
    pool.shutdown();
    return outcomes;
  }
}
