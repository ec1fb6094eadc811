package fr.cpts.hub.server.snp;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.profiles.HubProfiles;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.PractitionerRole.DaysOfWeek;
import org.junit.jupiter.api.Test;

/** Which volunteers fit a request: their SNP modes and the availability they declare. */
class SnpCandidatesTest {

  // Tuesday 1 December 2026, 10:00 in Paris, to Wednesday 2 December 10:00.
  private static final SnpCandidates.Window WINDOW =
      new SnpCandidates.Window(
          Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-02T09:00:00Z"));

  @Test
  void takesAlerts_onlyWhenParticipatingWithTheAlertsMode() {
    assertThat(SnpCandidates.takesAlerts(role(true, "alerts"))).isTrue();
    assertThat(SnpCandidates.takesAlerts(role(true, "slots"))).isFalse();
    assertThat(SnpCandidates.takesAlerts(role(false, "alerts"))).isFalse();
    assertThat(SnpCandidates.takesAlerts(new PractitionerRole())).isFalse();
  }

  @Test
  void offers_atThePracticeAnyone_homeVisitsAndTeleconsultationThoseWhoSaySo() {
    PractitionerRole plain = role(true, "alerts");
    PractitionerRole visiting = role(true, "alerts", "home-visits");
    assertThat(SnpCandidates.offers(plain, Set.of("AMB"))).isTrue();
    assertThat(SnpCandidates.offers(plain, Set.of("HH"))).isFalse();
    assertThat(SnpCandidates.offers(visiting, Set.of("HH"))).isTrue();
    assertThat(SnpCandidates.offers(visiting, Set.of("VR"))).isFalse();
    assertThat(SnpCandidates.offers(role(true, "alerts", "teleconsultation"), Set.of("VR", "HH")))
        .isTrue();
  }

  @Test
  void available_unlessAwayForTheWholeWindow_orOpenOnNoDayOfIt() {
    PractitionerRole role = role(true, "alerts");
    assertThat(SnpCandidates.available(role, WINDOW)).as("declares nothing").isTrue();

    role.addNotAvailable()
        .setDescription("Congés")
        .getDuring()
        .setStart(Date.from(Instant.parse("2026-11-30T00:00:00Z")))
        .setEnd(Date.from(Instant.parse("2026-12-05T00:00:00Z")));
    assertThat(SnpCandidates.available(role, WINDOW)).isFalse();

    PractitionerRole mondays = role(true, "alerts");
    mondays.addAvailableTime().addDaysOfWeek(DaysOfWeek.MON).setAllDay(true);
    assertThat(SnpCandidates.available(mondays, WINDOW)).as("Tuesday to Wednesday").isFalse();

    PractitionerRole wednesdayMornings = role(true, "alerts");
    wednesdayMornings
        .addAvailableTime()
        .addDaysOfWeek(DaysOfWeek.WED)
        .setAvailableStartTime("08:00:00")
        .setAvailableEndTime("12:00:00");
    assertThat(SnpCandidates.available(wednesdayMornings, WINDOW))
        .as("Wednesday 8:00 to 10:00 is in the window")
        .isTrue();

    PractitionerRole wednesdayAfternoons = role(true, "alerts");
    wednesdayAfternoons
        .addAvailableTime()
        .addDaysOfWeek(DaysOfWeek.WED)
        .setAvailableStartTime("14:00:00")
        .setAvailableEndTime("18:00:00");
    assertThat(SnpCandidates.available(wednesdayAfternoons, WINDOW))
        .as("the window ends Wednesday 10:00")
        .isFalse();
  }

  private static PractitionerRole role(boolean participating, String... modes) {
    PractitionerRole role = new PractitionerRole();
    Extension snp = role.addExtension().setUrl(HubProfiles.EXT_SNP_PARTICIPATION);
    snp.addExtension("participating", new BooleanType(participating));
    for (String mode : modes) {
      snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, mode, null));
    }
    return role;
  }
}
