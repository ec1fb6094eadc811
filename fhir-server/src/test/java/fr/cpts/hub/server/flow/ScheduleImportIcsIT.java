package fr.cpts.hub.server.flow;

import static fr.cpts.hub.server.flow.RuleSchedules.PARIS;
import static fr.cpts.hub.server.flow.RuleSchedules.create;
import static fr.cpts.hub.server.flow.RuleSchedules.identifiers;
import static fr.cpts.hub.server.flow.RuleSchedules.schedule;
import static fr.cpts.hub.server.flow.RuleSchedules.slotsOf;
import static fr.cpts.hub.server.flow.RuleSchedules.starts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.server.schedule.ScheduleImportIcsOperation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Agenda import: a practice software posts its iCalendar file to {@code Schedule/{id}/$import-ics};
 * the hub stores it as the Schedule's availability rules and regenerates the slots, answering what
 * it created, deleted and kept; a file it cannot read is refused with 400 and changes nothing.
 */
@HubIntegrationTest
class ScheduleImportIcsIT {

  /** mappers' golden file: SNP every day 09:00-09:30 (Paris) from 22 October 2026, no end. */
  private static final String DAILY_NINE = "/ics/dst-autumn.ics";

  /** Every line numbered; line 8 holds a frequency RFC 5545 does not know. */
  private static final String MALFORMED =
      String.join(
          "\r\n",
          "BEGIN:VCALENDAR",
          "VERSION:2.0",
          "PRODID:-//Cabinet exemple//FR",
          "BEGIN:VEVENT",
          "UID:snp-1",
          "DTSTART;TZID=Europe/Paris:20261207T090000",
          "DTEND;TZID=Europe/Paris:20261207T093000",
          "RRULE:FREQ=SOMETIMES",
          "CATEGORIES:SNP",
          "END:VEVENT",
          "END:VCALENDAR",
          "");

  @LocalServerPort int port;

  private IGenericClient client;

  @BeforeEach
  void client() {
    client = HubClient.of(port);
  }

  @Test
  void importIcs_goldenDailyEvents_createsTheirSlots_andAnswersTheCountsAndVersion()
      throws IOException {
    String scheduleId = create(client, schedule("ics-golden"));

    Instant before = Instant.now();
    Parameters answer = importIcs(scheduleId, ics(resource(DAILY_NINE)), "SNP");
    Instant after = Instant.now();

    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(starts(slots)).isIn(dailyNine(before), dailyNine(after));
    assertThat(slots).hasSizeGreaterThanOrEqualTo(27);
    assertThat(identifiers(slots)).doesNotHaveDuplicates();
    assertThat(slots)
        .allMatch(s -> s.getStatus() == SlotStatus.FREE)
        .allMatch(
            s ->
                Duration.between(s.getStart().toInstant(), s.getEnd().toInstant())
                    .equals(Duration.ofMinutes(30)));
    assertThat(count(answer, ScheduleImportIcsOperation.CREATED)).isEqualTo(slots.size());
    assertThat(count(answer, ScheduleImportIcsOperation.DELETED)).isZero();
    assertThat(count(answer, ScheduleImportIcsOperation.KEPT_BUSY)).isZero();
    assertThat(answer.getParameter(ScheduleImportIcsOperation.VERSION).getValue().primitiveValue())
        .isEqualTo("2");
    Schedule stored = RuleSchedules.read(client, scheduleId);
    assertThat(stored.getIdElement().getVersionIdPart()).isEqualTo("2");
    assertThat(stored.getExtensionsByUrl(FrExtensions.SCHEDULE_AVAILABILITY_TIME)).hasSize(1);

    Parameters again = importIcs(scheduleId, ics(resource(DAILY_NINE)), "SNP");

    assertThat(count(again, ScheduleImportIcsOperation.CREATED)).isLessThanOrEqualTo(1);
    assertThat(count(again, ScheduleImportIcsOperation.DELETED)).isZero();
    assertThat(again.getParameter(ScheduleImportIcsOperation.VERSION).getValue().primitiveValue())
        .isEqualTo("2");
  }

  @Test
  void importIcs_asBase64Attachment_isReadTheSame() throws IOException {
    String scheduleId = create(client, schedule("ics-attachment"));
    Attachment file =
        new Attachment()
            .setContentType("text/calendar; charset=utf-8")
            .setData(resource(DAILY_NINE).getBytes(StandardCharsets.UTF_8));
    Parameters in = new Parameters();
    in.addParameter().setName(ScheduleImportIcsOperation.ICS_ATTACHMENT).setValue(file);
    in.addParameter(ScheduleImportIcsOperation.CATEGORY, new StringType("snp"));

    Parameters answer = operation(scheduleId, in);

    List<Slot> slots = slotsOf(client, scheduleId);
    assertThat(slots).hasSizeGreaterThanOrEqualTo(27);
    assertThat(count(answer, ScheduleImportIcsOperation.CREATED)).isEqualTo(slots.size());
  }

  @Test
  void importIcs_anotherAgenda_deletesTheFreeSlots_keepsTheBookedOne_andCountsThem()
      throws IOException {
    String scheduleId = create(client, schedule("ics-change"));
    importIcs(scheduleId, ics(resource(DAILY_NINE)), "SNP");
    List<Slot> nine = slotsOf(client, scheduleId);
    Slot booked = nine.get(nine.size() / 2);
    RuleSchedules.book(client, booked, RuleSchedules.patient(client));
    LocalDate tomorrow = LocalDate.now(PARIS).plusDays(1);
    String afternoons =
        String.join(
            "\r\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Cabinet exemple//FR",
            "BEGIN:VEVENT",
            "UID:snp-apres-midi",
            "DTSTART;TZID=Europe/Paris:" + tomorrow.toString().replace("-", "") + "T140000",
            "DTEND;TZID=Europe/Paris:" + tomorrow.toString().replace("-", "") + "T141500",
            "RRULE:FREQ=DAILY;COUNT=5",
            "CATEGORIES:SNP",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:absence",
            "DTSTART;VALUE=DATE:" + tomorrow.plusDays(2).toString().replace("-", ""),
            "DTEND;VALUE=DATE:" + tomorrow.plusDays(3).toString().replace("-", ""),
            "CATEGORIES:ABSENCE",
            "END:VEVENT",
            "END:VCALENDAR",
            "");

    Parameters in = ics(afternoons);
    in.addParameter(ScheduleImportIcsOperation.UNAVAILABLE_CATEGORY, new StringType("ABSENCE"));
    Parameters answer = importIcs(scheduleId, in, "SNP");

    List<Slot> slots = slotsOf(client, scheduleId);
    Set<Instant> expected = new TreeSet<>();
    for (int day = 0; day < 5; day++) {
      if (day != 2) {
        expected.add(tomorrow.plusDays(day).atTime(14, 0).atZone(PARIS).toInstant());
      }
    }
    expected.add(booked.getStart().toInstant());
    assertThat(starts(slots)).isEqualTo(expected);
    assertThat(slots).hasSize(5);
    assertThat(count(answer, ScheduleImportIcsOperation.CREATED)).isEqualTo(4);
    assertThat(count(answer, ScheduleImportIcsOperation.DELETED)).isEqualTo(nine.size() - 1);
    assertThat(count(answer, ScheduleImportIcsOperation.KEPT_BUSY)).isEqualTo(1);
    assertThat(RuleSchedules.slotStartingAt(slots, booked.getStart().toInstant()).getStatus())
        .isEqualTo(SlotStatus.BUSY);
  }

  @Test
  void importIcs_malformedFile_isRefusedWith400QuotingTheCodeAndLine_andNothingIsStored()
      throws IOException {
    String scheduleId = create(client, schedule("ics-malformed"));
    importIcs(scheduleId, ics(resource(DAILY_NINE)), "SNP");
    Schedule before = RuleSchedules.read(client, scheduleId);
    List<Slot> slotsBefore = slotsOf(client, scheduleId);

    assertThatThrownBy(() -> importIcs(scheduleId, ics(MALFORMED), "SNP"))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> {
              OperationOutcome.OperationOutcomeIssueComponent issue = issue(e);
              assertThat(issue.getDiagnostics())
                  .startsWith("HUB-0701")
                  .contains("line 8")
                  .contains("SOMETIMES");
              assertThat(issue.getLocation())
                  .extracting(l -> l.getValue())
                  .containsExactly("line 8");
            });

    Schedule after = RuleSchedules.read(client, scheduleId);
    assertThat(after.getIdElement().getVersionIdPart())
        .isEqualTo(before.getIdElement().getVersionIdPart());
    assertThat(slotsOf(client, scheduleId))
        .extracting(s -> s.getIdElement().getValue())
        .containsExactlyInAnyOrderElementsOf(
            slotsBefore.stream().map(s -> s.getIdElement().getValue()).toList());
  }

  @Test
  void capabilityStatement_listsTheOperationOnSchedule_withItsDefinition() {
    CapabilityStatement capabilities =
        client.capabilities().ofType(CapabilityStatement.class).execute();

    assertThat(
            capabilities.getRestFirstRep().getResource().stream()
                .filter(r -> "Schedule".equals(r.getType()))
                .flatMap(r -> r.getOperation().stream())
                .filter(o -> "import-ics".equals(o.getName())))
        .extracting(o -> o.getDefinition())
        .containsExactly(ScheduleImportIcsOperation.CANONICAL);
  }

  @Test
  void importIcs_unknownSchedule_is404() {
    assertThatThrownBy(() -> importIcs("Schedule/does-not-exist", ics(MALFORMED), "SNP"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void importIcs_withoutFile_orWithBoth_is400() throws IOException {
    String scheduleId = create(client, schedule("ics-no-file"));
    Parameters both = ics(resource(DAILY_NINE));
    both.addParameter()
        .setName(ScheduleImportIcsOperation.ICS_ATTACHMENT)
        .setValue(new Attachment().setContentType("text/calendar").setData(new byte[] {1}));
    Parameters wrongType = new Parameters();
    wrongType
        .addParameter()
        .setName(ScheduleImportIcsOperation.ICS_ATTACHMENT)
        .setValue(new Attachment().setContentType("application/pdf").setData(new byte[] {1}));

    for (Parameters in : List.of(new Parameters(), both)) {
      assertThatThrownBy(() -> operation(scheduleId, in))
          .isInstanceOfSatisfying(
              InvalidRequestException.class,
              e -> assertThat(issue(e).getDiagnostics()).startsWith("HUB-0730"));
    }
    assertThatThrownBy(() -> operation(scheduleId, wrongType))
        .isInstanceOfSatisfying(
            InvalidRequestException.class,
            e -> assertThat(issue(e).getDiagnostics()).startsWith("HUB-0731"));
    assertThat(RuleSchedules.read(client, scheduleId).getIdElement().getVersionIdPart())
        .isEqualTo("1");
  }

  /** Every day's 09:00 (Paris) that a regeneration at {@code now} keeps: the next 28 days. */
  private static Set<Instant> dailyNine(Instant now) {
    Set<Instant> starts = new TreeSet<>();
    Instant end = now.plus(Duration.ofDays(28));
    for (LocalDate day = now.atZone(PARIS).toLocalDate(); ; day = day.plusDays(1)) {
      Instant start = ZonedDateTime.of(day, LocalTime.of(9, 0), PARIS).toInstant();
      if (!start.isBefore(end)) {
        return starts;
      }
      if (!start.isBefore(now)) {
        starts.add(start);
      }
    }
  }

  private Parameters importIcs(String scheduleId, Parameters in, String category) {
    in.addParameter(ScheduleImportIcsOperation.CATEGORY, new StringType(category));
    return operation(scheduleId, in);
  }

  private Parameters operation(String scheduleId, Parameters in) {
    return client
        .operation()
        .onInstance(new IdType(scheduleId))
        .named(ScheduleImportIcsOperation.OPERATION)
        .withParameters(in)
        .execute();
  }

  private static Parameters ics(String text) {
    Parameters in = new Parameters();
    in.addParameter(ScheduleImportIcsOperation.ICS, new StringType(text));
    return in;
  }

  private static int count(Parameters answer, String name) {
    return ((IntegerType) answer.getParameter(name).getValue()).getValue();
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(
      BaseServerResponseException e) {
    return ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep();
  }

  private static String resource(String path) throws IOException {
    try (InputStream in = ScheduleImportIcsIT.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
