package fr.cpts.hub.mappers.ical;

import static fr.cpts.hub.mappers.ical.Fixtures.BOOKING_URL;
import static fr.cpts.hub.mappers.ical.Fixtures.SCHEDULE_KEY;
import static fr.cpts.hub.mappers.ical.Fixtures.assertValid;
import static fr.cpts.hub.mappers.ical.Fixtures.context;
import static fr.cpts.hub.mappers.ical.Fixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import net.fortuna.ical4j.model.Recur;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

class AvailabilitySlotGeneratorTest {

  static final ZoneId PARIS = MappingContext.PARIS;

  /** A "now" before any availability of the tests. */
  static final Instant LONG_AGO = Instant.parse("2026-01-01T00:00:00Z");

  final AvailabilitySlotGenerator generator = new AvailabilitySlotGenerator();

  static ZonedDateTime paris(String localDateTime) {
    return java.time.LocalDateTime.parse(localDateTime).atZone(PARIS);
  }

  static Recur<ZonedDateTime> rule(String rrule) {
    return new Recur<>(rrule);
  }

  static AvailabilityPeriod free(String start, String end, String rrule, String id) {
    return AvailabilityPeriod.free(
        paris(start), paris(end), rrule == null ? null : rule(rrule), id);
  }

  static AvailabilityPeriod busy(String start, String end, String rrule, String id) {
    return AvailabilityPeriod.unavailable(
        paris(start), paris(end), rrule == null ? null : rule(rrule), id, "congés");
  }

  static Schedule scheduleWith(AvailabilityPeriod... periods) {
    Schedule schedule = schedule();
    AvailabilityTimeExtension.replace(schedule, List.of(periods));
    return schedule;
  }

  List<Slot> generate(Schedule schedule, String from, String to, Instant now) {
    return generator.generate(
        schedule, paris(from).toInstant(), paris(to).toInstant(), context(now));
  }

  static List<ZonedDateTime> starts(List<Slot> slots) {
    return slots.stream().map(s -> s.getStart().toInstant().atZone(PARIS)).toList();
  }

  static List<String> startTexts(List<Slot> slots) {
    return slots.stream().map(s -> s.getStartElement().getValueAsString()).toList();
  }

  @Test
  void generate_dailyWeekdaysRule_givesOneSlotPerWeekdayAtTheRuleHour() {
    Schedule schedule =
        scheduleWith(
            free(
                "2026-11-02T09:00",
                "2026-11-02T09:20",
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                "weekdays"));

    List<Slot> slots = generate(schedule, "2026-11-02T00:00", "2026-11-16T00:00", LONG_AGO);

    assertThat(slots).hasSize(10);
    assertThat(starts(slots))
        .allSatisfy(
            start -> {
              assertThat(start.toLocalTime()).isEqualTo(LocalTime.of(9, 0));
              assertThat(start.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
            });
    assertThat(slots)
        .allSatisfy(
            slot ->
                assertThat(slot.getEnd().getTime() - slot.getStart().getTime())
                    .isEqualTo(20 * 60_000L));
  }

  @Test
  void generate_ruleWithCount_stopsAfterCountOccurrences() {
    Schedule schedule =
        scheduleWith(free("2026-11-02T14:00", "2026-11-02T14:15", "FREQ=DAILY;COUNT=3", "c"));

    List<Slot> slots = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly(
            "2026-11-02T14:00:00.000+01:00",
            "2026-11-03T14:00:00.000+01:00",
            "2026-11-04T14:00:00.000+01:00");
  }

  @Test
  void generate_ruleWithUntil_includesTheOccurrenceStartingAtUntil() {
    Schedule schedule =
        scheduleWith(
            free(
                "2026-11-02T14:00",
                "2026-11-02T14:15",
                "FREQ=DAILY;INTERVAL=2;UNTIL=20261106T130000Z",
                "u"));

    List<Slot> slots = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly(
            "2026-11-02T14:00:00.000+01:00",
            "2026-11-04T14:00:00.000+01:00",
            "2026-11-06T14:00:00.000+01:00");
  }

  @Test
  void generate_withoutRule_givesTheSingleOccurrence() {
    Schedule schedule = scheduleWith(free("2026-11-05T17:30", "2026-11-05T17:45", null, "one"));

    List<Slot> slots = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(startTexts(slots)).containsExactly("2026-11-05T17:30:00.000+01:00");
  }

  @Test
  void generate_busyUnavailableEntry_removesOnlyTheOccurrencesItOverlaps() {
    Schedule schedule =
        scheduleWith(
            free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY;COUNT=3", "nine"),
            free("2026-11-02T09:30", "2026-11-02T10:00", "FREQ=DAILY;COUNT=3", "half-past"),
            free("2026-11-02T10:00", "2026-11-02T10:30", "FREQ=DAILY;COUNT=3", "ten"),
            // Tuesday 09:15-10:00: overlaps 09:00 and 09:30, only touches 10:00.
            busy("2026-11-03T09:15", "2026-11-03T10:00", null, "meeting"));

    List<Slot> slots = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly(
            "2026-11-02T09:00:00.000+01:00",
            "2026-11-02T09:30:00.000+01:00",
            "2026-11-02T10:00:00.000+01:00",
            "2026-11-03T10:00:00.000+01:00",
            "2026-11-04T09:00:00.000+01:00",
            "2026-11-04T09:30:00.000+01:00",
            "2026-11-04T10:00:00.000+01:00");
  }

  @Test
  void generate_recurringException_removesEveryOccurrenceItCovers() {
    Schedule schedule =
        scheduleWith(
            free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY", "daily"),
            // Every Wednesday, all day: the weekly day off.
            busy("2026-11-04T00:00", "2026-11-05T00:00", "FREQ=WEEKLY;BYDAY=WE", "wednesdays"));

    List<Slot> slots = generate(schedule, "2026-11-02T00:00", "2026-11-16T00:00", LONG_AGO);

    assertThat(slots).hasSize(14 - 2);
    assertThat(starts(slots)).noneMatch(s -> s.getDayOfWeek() == DayOfWeek.WEDNESDAY);
  }

  @Test
  void generate_window_keepsStartsFromInclusiveToExclusive() {
    Schedule schedule =
        scheduleWith(free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY", "daily"));

    List<Slot> slots = generate(schedule, "2026-11-03T09:00", "2026-11-05T09:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly("2026-11-03T09:00:00.000+01:00", "2026-11-04T09:00:00.000+01:00");
  }

  @Test
  void generate_acrossDaylightSavingChangeInAutumn_keepsLocalHour() {
    Schedule schedule =
        scheduleWith(free("2026-10-23T09:00", "2026-10-23T09:30", "FREQ=DAILY", "daily"));

    List<Slot> slots = generate(schedule, "2026-10-24T00:00", "2026-10-27T00:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly(
            "2026-10-24T09:00:00.000+02:00",
            "2026-10-25T09:00:00.000+01:00",
            "2026-10-26T09:00:00.000+01:00");
    assertThat(slots.get(0).getStart().toInstant())
        .isEqualTo(Instant.parse("2026-10-24T07:00:00Z"));
    assertThat(slots.get(1).getStart().toInstant())
        .isEqualTo(Instant.parse("2026-10-25T08:00:00Z"));
  }

  @Test
  void generate_acrossDaylightSavingChangeInSpring_keepsLocalHour() {
    Schedule schedule =
        scheduleWith(
            free("2027-03-22T09:00", "2027-03-22T09:30", "FREQ=WEEKLY;BYDAY=SA,SU,MO", "w"));

    List<Slot> slots = generate(schedule, "2027-03-27T00:00", "2027-03-30T00:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly(
            "2027-03-27T09:00:00.000+01:00",
            "2027-03-28T09:00:00.000+02:00",
            "2027-03-29T09:00:00.000+02:00");
    assertThat(slots.get(1).getStart().toInstant())
        .isEqualTo(Instant.parse("2027-03-28T07:00:00Z"));
    assertThat(slots.get(1).getEndElement().getValueAsString())
        .isEqualTo("2027-03-28T09:30:00.000+02:00");
  }

  @Test
  void generate_pastOccurrences_areDropped() {
    Schedule schedule =
        scheduleWith(free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY", "daily"));
    // Now is Wednesday 09:00:01: that morning's slot has already begun.
    Instant now = paris("2026-11-04T09:00:01").toInstant();

    List<Slot> slots = generate(schedule, "2026-11-02T00:00", "2026-11-07T00:00", now);

    assertThat(startTexts(slots))
        .containsExactly("2026-11-05T09:00:00.000+01:00", "2026-11-06T09:00:00.000+01:00");
  }

  @Test
  void generate_windowEntirelyPast_givesNoSlot() {
    Schedule schedule =
        scheduleWith(free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY", "daily"));

    List<Slot> slots =
        generate(
            schedule,
            "2026-11-02T00:00",
            "2026-11-07T00:00",
            paris("2026-12-01T00:00").toInstant());

    assertThat(slots).isEmpty();
  }

  @Test
  void generate_identifiers_areDeterministicAndSlotIdsLeftEmpty() {
    Schedule schedule =
        scheduleWith(free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY;COUNT=2", "d"));

    List<Slot> first = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);
    List<Slot> second = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(first)
        .extracting(s -> s.getIdentifierFirstRep().getValue())
        .containsExactly(SCHEDULE_KEY + "-20261102T0900", SCHEDULE_KEY + "-20261103T0900");
    assertThat(second)
        .extracting(s -> s.getIdentifierFirstRep().getValue())
        .isEqualTo(first.stream().map(s -> s.getIdentifierFirstRep().getValue()).toList());
    assertThat(first).allSatisfy(s -> assertThat(s.getIdentifier()).hasSize(1));
    assertThat(first)
        .allSatisfy(
            s -> assertThat(s.getIdentifierFirstRep().getSystem()).isEqualTo(HubIdentifiers.SLOT));
    assertThat(first).allSatisfy(s -> assertThat(s.hasId()).isFalse());
  }

  @Test
  void slotIdentifierValue_usesTheLocalTimeOfTheZone() {
    Instant summer = Instant.parse("2026-07-01T07:00:00Z");
    Instant winter = Instant.parse("2026-12-01T08:00:00Z");

    assertThat(AvailabilitySlotGenerator.slotIdentifierValue("k", summer, PARIS))
        .isEqualTo("k-20260701T0900");
    assertThat(AvailabilitySlotGenerator.slotIdentifierValue("k", winter, PARIS))
        .isEqualTo("k-20261201T0900");
  }

  @Test
  void scheduleKey_prefersTheHubIdentifier_thenAnyIdentifier_thenTheId() {
    Schedule schedule = schedule();
    schedule.getIdentifier().add(0, new org.hl7.fhir.r4.model.Identifier().setValue("other"));
    assertThat(AvailabilitySlotGenerator.scheduleKey(schedule)).isEqualTo(SCHEDULE_KEY);

    schedule.getIdentifier().remove(1);
    assertThat(AvailabilitySlotGenerator.scheduleKey(schedule)).isEqualTo("other");

    schedule.getIdentifier().clear();
    assertThat(AvailabilitySlotGenerator.scheduleKey(schedule)).isEqualTo("sched-dr-x");
  }

  @Test
  void generate_twoFreeEntriesStartingTogether_giveOneSlot_theFirstDeclared() {
    Schedule schedule =
        scheduleWith(
            free("2026-11-02T09:00", "2026-11-02T09:15", null, "short"),
            free("2026-11-02T09:00", "2026-11-02T09:45", null, "long"));

    List<Slot> slots = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(slots).hasSize(1);
    assertThat(slots.get(0).getEndElement().getValueAsString())
        .isEqualTo("2026-11-02T09:15:00.000+01:00");
  }

  @Test
  void generate_slot_followsTheScheduleTemplate_andIsValidAgainstTheHubProfile() {
    Schedule schedule = scheduleWith(free("2026-11-23T14:30", "2026-11-23T14:45", null, "one"));

    Slot slot = generate(schedule, "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO).get(0);

    assertThat(slot.getMeta().getProfile())
        .extracting(p -> p.getValue())
        .containsExactly(HubProfiles.SLOT);
    assertThat(slot.getMeta().getSecurity())
        .extracting(Coding::getSystem, Coding::getCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP"));
    assertThat(slot.getSchedule().getReference()).isEqualTo("Schedule/sched-dr-x");
    assertThat(slot.getServiceType()).hasSize(1);
    assertThat(slot.getServiceTypeFirstRep().getCodingFirstRep().getSystem())
        .isEqualTo(FrCodeSystems.V3_ACT_CODE);
    assertThat(slot.getServiceTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("AMB");
    assertThat(slot.getAppointmentType().getCodingFirstRep().getSystem())
        .isEqualTo(FrCodeSystems.V2_0276);
    assertThat(slot.getAppointmentType().getCodingFirstRep().getCode()).isEqualTo("ROUTINE");
    assertThat(slot.getComment()).isEqualTo(BOOKING_URL);
    assertThat(slot.getStatus()).isEqualTo(Slot.SlotStatus.FREE);
    assertThat(slot.getStartElement().getValueAsString())
        .isEqualTo("2026-11-23T14:30:00.000+01:00");
    assertThat(slot.getEndElement().getValueAsString()).isEqualTo("2026-11-23T14:45:00.000+01:00");
    assertThat(slot.hasExtension()).as("no extras").isFalse();
    assertValid(slot);
  }

  @Test
  void generate_scheduleWithoutId_referencesItByItsIdentifier() {
    Schedule schedule = scheduleWith(free("2026-11-23T14:30", "2026-11-23T14:45", null, "one"));
    schedule.setIdElement(null);

    Slot slot = generate(schedule, "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO).get(0);

    assertThat(slot.getSchedule().hasReference()).isFalse();
    assertThat(slot.getSchedule().getType()).isEqualTo("Schedule");
    assertThat(slot.getSchedule().getIdentifier().getSystem()).isEqualTo(HubIdentifiers.SCHEDULE);
    assertThat(slot.getSchedule().getIdentifier().getValue()).isEqualTo(SCHEDULE_KEY);
    assertValid(slot);
  }

  @Test
  void generate_versionedAbsoluteScheduleId_isReferencedUnqualifiedAndVersionless() {
    Schedule schedule = scheduleWith(free("2026-11-23T14:30", "2026-11-23T14:45", null, "one"));
    schedule.setId("https://hub.example.fr/fhir/Schedule/sched-dr-x/_history/3");

    Slot slot = generate(schedule, "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO).get(0);

    assertThat(slot.getSchedule().getReference()).isEqualTo("Schedule/sched-dr-x");
  }

  @Test
  void generate_scheduleWithoutSlotType_isRejected() {
    Schedule schedule = scheduleWith(free("2026-11-23T14:30", "2026-11-23T14:45", null, "one"));
    schedule.getMeta().getSecurity().clear();

    assertThatThrownBy(() -> generate(schedule, "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HUB-0721")
        .hasMessageContaining("meta.security");
  }

  @Test
  void generate_scheduleWithoutAvailability_givesNoSlot() {
    assertThat(generate(schedule(), "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO)).isEmpty();
  }

  @Test
  void generate_readsTheExtensionAsAClientSendsIt_inJson() {
    String json =
        """
        {"resourceType": "Schedule", "id": "sched-dr-x",
         "meta": {"security": [{"system": "%s", "code": "SNP"}]},
         "extension": [{"url": "%s", "extension": [
           {"url": "type", "valueCoding": {"system": "http://hl7.org/fhir/slotstatus", "code": "free"}},
           {"url": "rrule", "extension": [
             {"url": "freq", "valueCoding": {"system": "https://www.ietf.org/rfc/rfc2445", "code": "WEEKLY"}},
             {"url": "byDay", "valueString": "MO"},
             {"url": "byDay", "valueString": "TH"},
             {"url": "count", "valueInteger": 3}]},
           {"url": "start", "valueDateTime": "2026-11-23T08:00:00+01:00"},
           {"url": "end", "valueDateTime": "2026-11-23T08:30:00+01:00"},
           {"url": "identifier", "valueIdentifier": {"value": "a1"}}]}],
         "identifier": [{"system": "%s", "value": "dr-x-cabinet"}],
         "actor": [{"reference": "Practitioner/pr-dr-x"}]}
        """
            .formatted(
                FrCodeSystems.TRE_R314_TYPE_CRENEAU,
                AvailabilityTimeExtension.URL,
                HubIdentifiers.SCHEDULE);
    Schedule schedule = Fixtures.FHIR.newJsonParser().parseResource(Schedule.class, json);

    List<Slot> slots = generate(schedule, "2026-11-20T00:00", "2026-12-20T00:00", LONG_AGO);

    assertThat(startTexts(slots))
        .containsExactly(
            "2026-11-23T08:00:00.000+01:00",
            "2026-11-26T08:00:00.000+01:00",
            "2026-11-30T08:00:00.000+01:00");
  }

  @Test
  void generate_malformedExtension_isRejectedSayingWhichOne() {
    Schedule schedule = scheduleWith(free("2026-11-23T14:30", "2026-11-23T14:45", null, "one"));
    schedule.getExtension().get(0).removeExtension(AvailabilityTimeExtension.START);

    assertThatThrownBy(() -> generate(schedule, "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HUB-0710")
        .hasMessageContaining("#1")
        .hasMessageContaining("Schedule/sched-dr-x");
  }

  @Test
  void extension_roundTrip_keepsEveryRulePart() {
    AvailabilityPeriod period =
        free(
            "2026-11-02T09:00",
            "2026-11-02T09:20",
            "FREQ=MONTHLY;INTERVAL=2;UNTIL=20271231T225959Z;BYDAY=1MO,-1FR;BYHOUR=9,14;"
                + "BYMINUTE=10,40;BYMONTH=1,6;WKST=MO",
            "rt");

    AvailabilityPeriod read =
        AvailabilityTimeExtension.fromExtension(
            AvailabilityTimeExtension.toExtension(period), PARIS);

    assertThat(read.rule().toString())
        .isEqualTo(
            "FREQ=MONTHLY;WKST=MO;UNTIL=20271231T235959;INTERVAL=2;BYMONTH=1,6;BYDAY=1MO,-1FR;"
                + "BYHOUR=9,14;BYMINUTE=10,40");
    assertThat(read.start()).isEqualTo(period.start());
    assertThat(read.end()).isEqualTo(period.end());
    assertThat(read.identifier()).isEqualTo("rt");
  }

  @Test
  void validator_findsTheErrorsTheGeneratorMustAvoid_soThatValidatingOutputsMeansSomething() {
    Schedule schedule = scheduleWith(free("2026-11-23T14:30", "2026-11-23T14:45", null, "one"));
    Slot slot = generate(schedule, "2026-11-23T00:00", "2026-11-26T00:00", LONG_AGO).get(0);
    slot.getMeta().getSecurity().clear();
    schedule.getExtension().get(0).removeExtension(AvailabilityTimeExtension.IDENTIFIER);

    assertThat(Fixtures.errors(slot)).anyMatch(e -> e.contains("Slot.meta.security"));
    assertThat(Fixtures.errors(schedule)).anyMatch(e -> e.contains("identifier"));
  }

  @Test
  void generate_busyTentativeEntry_isAnExceptionToo() {
    Schedule schedule =
        scheduleWith(
            free("2026-11-02T09:00", "2026-11-02T09:30", "FREQ=DAILY;COUNT=2", "d"),
            busy("2026-11-02T09:00", "2026-11-02T09:30", null, "maybe"));
    schedule
        .getExtension()
        .get(1)
        .getExtensionByUrl(AvailabilityTimeExtension.TYPE)
        .setValue(new Coding(AvailabilityTimeExtension.SLOT_STATUS_SYSTEM, "busy-tentative", null));

    List<Slot> slots = generate(schedule, "2026-11-01T00:00", "2026-12-01T00:00", LONG_AGO);

    assertThat(startTexts(slots)).containsExactly("2026-11-03T09:00:00.000+01:00");
  }
}
