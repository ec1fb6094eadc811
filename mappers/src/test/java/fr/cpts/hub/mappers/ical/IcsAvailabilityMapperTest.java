package fr.cpts.hub.mappers.ical;

import static fr.cpts.hub.mappers.ical.Fixtures.context;
import static fr.cpts.hub.mappers.ical.Fixtures.schedule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ical.AvailabilityPeriod.Availability;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IcsAvailabilityMapperTest {

  static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  static final IcsImportOptions SNP = IcsImportOptions.categories("SNP", "ABSENCE");

  final IcsAvailabilityMapper mapper = new IcsAvailabilityMapper();

  /** A calendar around the lines given, with CRLF line ends; its first body line is line 4. */
  static String ics(String... lines) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CPTS Exemple//Test//FR\r\n"
        + String.join("\r\n", lines)
        + "\r\nEND:VCALENDAR\r\n";
  }

  /** A VAVAILABILITY holding one AVAILABLE made of the lines given. */
  static String available(String... lines) {
    String[] all = new String[lines.length + 7];
    all[0] = "BEGIN:VAVAILABILITY";
    all[1] = "UID:va";
    all[2] = "DTSTAMP:20261001T000000Z";
    all[3] = "BEGIN:AVAILABLE";
    all[4] = "DTSTAMP:20261001T000000Z";
    System.arraycopy(lines, 0, all, 5, lines.length);
    all[all.length - 2] = "END:AVAILABLE";
    all[all.length - 1] = "END:VAVAILABILITY";
    return ics(all);
  }

  Schedule map(String ics, IcsImportOptions options) {
    return mapper.map(ics, schedule(), options, context(NOW));
  }

  static List<AvailabilityPeriod> periods(Schedule schedule) {
    return AvailabilityTimeExtension.read(schedule, MappingContext.PARIS);
  }

  // --- what becomes what

  @Test
  void map_available_becomesAFreeEntry_withItsStructuredRule_inTheContextZone() {
    Schedule schedule =
        map(
            available(
                "UID:a1",
                "DTSTART:20261102T080000Z",
                "DURATION:PT20M",
                "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4"),
            SNP);

    List<AvailabilityPeriod> periods = periods(schedule);
    assertThat(periods).hasSize(1);
    AvailabilityPeriod period = periods.get(0);
    assertThat(period.availability()).isEqualTo(Availability.FREE);
    assertThat(period.identifier()).isEqualTo("a1");
    assertThat(period.rule().toString()).isEqualTo("FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE");
    Extension extension = schedule.getExtensionByUrl(AvailabilityTimeExtension.URL);
    assertThat(extension.getExtensionByUrl("start").getValue().primitiveValue())
        .isEqualTo("2026-11-02T09:00:00+01:00");
    assertThat(extension.getExtensionByUrl("end").getValue().primitiveValue())
        .isEqualTo("2026-11-02T09:20:00+01:00");
    Fixtures.assertValid(schedule);
  }

  @Test
  void map_keepsTheRestOfTheSchedule_replacingOnlyItsAvailability_andLeavesTheTargetAlone() {
    Schedule target = schedule();
    target.addExtension(
        AvailabilityTimeExtension.toExtension(
            AvailabilityPeriod.free(
                java.time.ZonedDateTime.parse("2026-01-05T09:00:00+01:00[Europe/Paris]"),
                java.time.ZonedDateTime.parse("2026-01-05T09:30:00+01:00[Europe/Paris]"),
                null,
                "old")));
    target.addExtension("https://example.fr/StructureDefinition/other", new StringType("kept"));

    Schedule schedule =
        mapper.map(
            available("UID:new", "DTSTART:20261102T090000", "DTEND:20261102T091500"),
            target,
            SNP,
            context(NOW));

    assertThat(periods(schedule)).extracting(AvailabilityPeriod::identifier).containsExactly("new");
    assertThat(schedule.getExtensionByUrl("https://example.fr/StructureDefinition/other"))
        .isNotNull();
    assertThat(schedule.getExtension()).hasSize(2);
    assertThat(schedule.getComment()).isEqualTo(Fixtures.BOOKING_URL);
    assertThat(periods(target)).extracting(AvailabilityPeriod::identifier).containsExactly("old");
  }

  @Test
  void map_availabilityOnly_ignoresEveryVevent() {
    Schedule schedule =
        map(
            ics(
                "BEGIN:VEVENT",
                "UID:e1",
                "DTSTAMP:20261001T000000Z",
                "DTSTART:20261102T090000",
                "DTEND:20261102T091500",
                "CATEGORIES:SNP",
                "END:VEVENT"),
            IcsImportOptions.availabilityOnly());

    assertThat(schedule.getExtensionsByUrl(AvailabilityTimeExtension.URL)).isEmpty();
  }

  @Test
  void map_unavailableCategory_winsOverTheFreeCategory() {
    Schedule schedule =
        map(
            ics(
                "BEGIN:VEVENT",
                "UID:e1",
                "DTSTAMP:20261001T000000Z",
                "DTSTART:20261102T090000",
                "DTEND:20261102T120000",
                "CATEGORIES:SNP,Absence",
                "END:VEVENT"),
            SNP);

    assertThat(periods(schedule))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.availability()).isEqualTo(Availability.BUSY_UNAVAILABLE);
              assertThat(p.unavailabilityReason()).isEqualTo("ABSENCE");
            });
  }

  @Test
  void map_missingUid_takesAnIdFromTheContext() {
    Schedule schedule = map(available("DTSTART:20261102T090000", "DTEND:20261102T091500"), SNP);

    assertThat(periods(schedule))
        .extracting(AvailabilityPeriod::identifier)
        .containsExactly("generated-1");
  }

  @Test
  void map_byMinuteOnlyRepeatingDtstart_isDropped_andZeroCanThusBeImported() {
    Schedule schedule =
        map(
            available(
                "UID:a1",
                "DTSTART:20261102T090000",
                "DTEND:20261102T091500",
                "RRULE:FREQ=DAILY;BYHOUR=9,14;BYMINUTE=0"),
            SNP);

    assertThat(periods(schedule).get(0).rule().toString()).isEqualTo("FREQ=DAILY;BYHOUR=9,14");
    Fixtures.assertValid(schedule);
  }

  @Test
  void map_exruleAndRdate_becomeARecurringExceptionAndExtraFreeTimes() {
    Schedule schedule =
        map(
            available(
                "UID:a1",
                "DTSTART:20261102T090000",
                "DTEND:20261102T091500",
                "RRULE:FREQ=DAILY;COUNT=7",
                "EXRULE:FREQ=WEEKLY;BYDAY=SA,SU",
                "RDATE:20261107T110000,20261108T110000"),
            SNP);

    List<Slot> slots =
        new AvailabilitySlotGenerator()
            .generate(
                schedule,
                Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-15T00:00:00Z"),
                context(NOW));

    assertThat(slots)
        .extracting(s -> s.getStartElement().getValueAsString())
        .containsExactly(
            "2026-11-02T09:00:00.000+01:00",
            "2026-11-03T09:00:00.000+01:00",
            "2026-11-04T09:00:00.000+01:00",
            "2026-11-05T09:00:00.000+01:00",
            "2026-11-06T09:00:00.000+01:00",
            "2026-11-07T11:00:00.000+01:00",
            "2026-11-08T11:00:00.000+01:00");
    Fixtures.assertValid(schedule);
  }

  @Test
  void map_untilAsDate_includesThatWholeDay() {
    Schedule schedule =
        map(
            available(
                "UID:a1",
                "DTSTART:20261102T170000",
                "DTEND:20261102T171500",
                "RRULE:FREQ=DAILY;UNTIL=20261104"),
            SNP);

    assertThat(
            schedule
                .getExtensionByUrl(AvailabilityTimeExtension.URL)
                .getExtensionByUrl("rrule")
                .getExtensionByUrl("until")
                .getValue()
                .primitiveValue())
        .isEqualTo("2026-11-04T23:59:59+01:00");
  }

  @Test
  void map_cancelledVevent_isIgnored() {
    Schedule schedule =
        map(
            ics(
                "BEGIN:VEVENT",
                "UID:e1",
                "DTSTAMP:20261001T000000Z",
                "DTSTART:20261102T090000",
                "DTEND:20261102T091500",
                "STATUS:CANCELLED",
                "CATEGORIES:SNP",
                "END:VEVENT"),
            SNP);

    assertThat(periods(schedule)).isEmpty();
  }

  @Test
  void map_availableOutsideItsVavailability_isDropped_andOneInsideKept() {
    String text =
        ics(
            "BEGIN:VAVAILABILITY",
            "UID:va",
            "DTSTAMP:20261001T000000Z",
            "DTSTART:20261102T000000",
            "DTEND:20261107T000000",
            "BEGIN:AVAILABLE",
            "UID:inside",
            "DTSTAMP:20261001T000000Z",
            "DTSTART:20261103T090000",
            "DTEND:20261103T091500",
            "END:AVAILABLE",
            "BEGIN:AVAILABLE",
            "UID:after",
            "DTSTAMP:20261001T000000Z",
            "DTSTART:20261110T090000",
            "DTEND:20261110T091500",
            "RRULE:FREQ=DAILY",
            "END:AVAILABLE",
            "END:VAVAILABILITY");

    assertThat(periods(map(text, SNP)))
        .extracting(AvailabilityPeriod::identifier)
        .containsExactly("inside");
  }

  @Test
  void map_windowsTimeZoneName_isResolved() {
    Schedule schedule =
        map(
            available(
                "UID:a1",
                "DTSTART;TZID=Romance Standard Time:20260702T090000",
                "DTEND;TZID=Romance Standard Time:20260702T091500"),
            SNP);

    assertThat(
            schedule
                .getExtensionByUrl(AvailabilityTimeExtension.URL)
                .getExtensionByUrl("start")
                .getValue()
                .primitiveValue())
        .isEqualTo("2026-07-02T09:00:00+02:00");
  }

  // --- refused

  @Test
  void map_emptyText_isRejected() {
    assertThatThrownBy(() -> map("  ", SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessageStartingWith("HUB-0701")
        .hasMessageContaining("empty");
  }

  @Test
  void map_notAnICalendar_isRejectedAtLine1() {
    assertThatThrownBy(() -> map("Lundi 9h-12h, mardi 14h-18h", SNP))
        .isInstanceOfSatisfying(
            IcsImportException.class, e -> assertThat(e.line()).isEqualTo(OptionalInt.of(1)))
        .hasMessage(
            "HUB-0701: the iCalendar file cannot be read at line 1: "
                + "Expected [BEGIN], read [Lundi 9h-12h, mardi 14h-18h]");
  }

  @Test
  void map_unknownFrequency_isRejectedAtItsLine() {
    // Lines: 1-3 calendar header, 4-8 VAVAILABILITY and AVAILABLE openings, 9 UID, 10 DTSTART...
    String text =
        available(
            "UID:a1", "DTSTART:20261102T090000", "DTEND:20261102T091500", "RRULE:FREQ=SOMETIMES");

    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOfSatisfying(
            IcsImportException.class, e -> assertThat(e.line()).isEqualTo(OptionalInt.of(12)))
        .hasMessageStartingWith("HUB-0701: the iCalendar file cannot be read at line 12: ")
        .hasMessageContaining("SOMETIMES");
  }

  @Test
  void map_truncatedFile_isRejectedAtTheEndOfFile() {
    String text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n";

    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessageContaining("line 5")
        .hasMessageContaining("Unexpected end of file");
  }

  @Test
  void map_unknownTimeZone_isRejectedNamingTheComponentAndProperty() {
    String text =
        available(
            "UID:a1",
            "DTSTART;TZID=Mars/Olympus_Mons:20261102T090000",
            "DTEND;TZID=Mars/Olympus_Mons:20261102T091500");

    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOfSatisfying(IcsImportException.class, e -> assertThat(e.line()).isEmpty())
        .hasMessageStartingWith("HUB-0702: AVAILABLE UID=a1: DTSTART")
        .hasMessageContaining("Mars/Olympus_Mons");
  }

  @Test
  void map_componentWithoutEnd_isRejected() {
    assertThatThrownBy(() -> map(available("UID:a1", "DTSTART:20261102T090000"), SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessage("HUB-0703: AVAILABLE UID=a1 has neither DTEND nor DURATION");
  }

  @Test
  void map_componentWithoutStart_isRejected() {
    assertThatThrownBy(() -> map(available("UID:a1", "DURATION:PT15M"), SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessage("HUB-0703: AVAILABLE UID=a1 has no DTSTART");
  }

  @Test
  void map_componentEndingBeforeItStarts_isRejected() {
    String text = available("UID:a1", "DTSTART:20261102T090000", "DTEND:20261102T080000");

    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessageStartingWith("HUB-0703: AVAILABLE UID=a1 ends");
  }

  @Test
  void map_bySetPos_isRejectedAsNotCarriedByTheExtension() {
    String text =
        available(
            "UID:a1",
            "DTSTART:20261102T090000",
            "DTEND:20261102T091500",
            "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1");

    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessage(
            "HUB-0704: AVAILABLE UID=a1: RRULE holds BYSETPOS, which the FR Core"
                + " availability-time extension cannot carry");
  }

  @Test
  void map_midnightAmongOtherHours_isRejectedAsNotCarriedByTheExtension() {
    String text =
        available(
            "UID:a1",
            "DTSTART:20261102T120000",
            "DTEND:20261102T121500",
            "RRULE:FREQ=DAILY;BYHOUR=0,12");

    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOf(IcsImportException.class)
        .hasMessageStartingWith("HUB-0704: AVAILABLE UID=a1: RRULE BYHOUR holds 0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "BEGIN:VCALENDAR\r\nEND:VEVENT\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026-11-02 09:00\r\nEND:VEVENT\r\nEND:VCALENDAR",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDURATION:half an hour\r\nEND:VEVENT\r\nEND:VCALENDAR",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:FREQ=DAILY;COUNT=x\r\nEND:VEVENT\r\nEND:VCALENDAR",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART\r\nEND:VEVENT\r\nEND:VCALENDAR",
        "\u0000\u0001binary"
      })
  void map_malformedInput_alwaysGivesATypedErrorWithALine(String text) {
    assertThatThrownBy(() -> map(text, SNP))
        .isInstanceOfSatisfying(IcsImportException.class, e -> assertThat(e.line()).isPresent())
        .hasMessageStartingWith("HUB-0701: the iCalendar file cannot be read at line ");
  }
}
