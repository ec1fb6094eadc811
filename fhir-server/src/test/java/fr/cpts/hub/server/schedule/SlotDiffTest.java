package fr.cpts.hub.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;
import org.junit.jupiter.api.Test;

class SlotDiffTest {

  static final String KEY = "dr-x-cabinet";
  static final Instant NINE = Instant.parse("2031-03-03T08:00:00Z");

  /** The slot the generator makes at {@code minutes} after nine (Paris): no id, free. */
  static Slot wanted(int minutes) {
    Instant start = NINE.plus(Duration.ofMinutes(minutes));
    Slot slot = new Slot();
    slot.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
    slot.addIdentifier()
        .setSystem(HubIdentifiers.SLOT)
        .setValue(KEY + "-20310303T" + String.format("%02d%02d", 9 + minutes / 60, minutes % 60));
    slot.addServiceType(new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, "AMB", null)));
    slot.setAppointmentType(
        new CodeableConcept(new Coding(FrCodeSystems.V2_0276, "ROUTINE", null)));
    slot.setSchedule(new Reference("Schedule/7"));
    slot.setStatus(SlotStatus.FREE);
    slot.setStart(Date.from(start));
    slot.setEnd(Date.from(start.plus(Duration.ofMinutes(20))));
    slot.setComment("https://agenda.example.fr/dr-x");
    return slot;
  }

  /** The same slot as stored: with an id and a version. */
  static Slot stored(int minutes, String id, SlotStatus status) {
    Slot slot = wanted(minutes);
    slot.setId("Slot/" + id + "/_history/3");
    slot.setStatus(status);
    return slot;
  }

  static List<String> ids(List<Slot> slots) {
    return slots.stream().map(s -> s.getIdElement().getIdPart()).toList();
  }

  @Test
  void between_sameSlotsStored_changesNothing_evenWithoutSpecialty() {
    SlotDiff diff =
        SlotDiff.between(
            List.of(wanted(0), wanted(20)),
            List.of(stored(0, "a", SlotStatus.FREE), stored(20, "b", SlotStatus.FREE)),
            KEY);

    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.unchanged()).isEqualTo(2);
    assertThat(diff.keptBusy()).isEmpty();
    assertThat(diff.touchedIds()).isEmpty();
  }

  @Test
  void between_newRule_createsTheMissing_deletesTheFreeUnwanted_keepsTheBooked() {
    SlotDiff diff =
        SlotDiff.between(
            List.of(wanted(40), wanted(60)),
            List.of(
                stored(0, "free-gone", SlotStatus.FREE),
                stored(20, "booked-gone", SlotStatus.BUSY),
                stored(40, "still", SlotStatus.FREE)),
            KEY);

    assertThat(diff.toCreate())
        .extracting(s -> s.getIdentifierFirstRep().getValue())
        .containsExactly(KEY + "-20310303T1000");
    assertThat(ids(diff.toDelete())).containsExactly("free-gone");
    assertThat(ids(diff.keptBusy())).containsExactly("booked-gone");
    assertThat(diff.toUpdate()).isEmpty();
    assertThat(diff.unchanged()).isEqualTo(1);
    assertThat(diff.touchedIds()).containsExactly("free-gone");
  }

  @Test
  void between_changedEndOrTemplate_rewritesTheFreeSlot_butNeverABusyOne() {
    Slot longer = wanted(0);
    longer.setEnd(Date.from(NINE.plus(Duration.ofMinutes(30))));
    Slot newComment = wanted(20);
    newComment.setComment("https://agenda.example.fr/autre");

    SlotDiff diff =
        SlotDiff.between(
            List.of(longer, newComment),
            List.of(stored(0, "free", SlotStatus.FREE), stored(20, "busy", SlotStatus.BUSY)),
            KEY);

    assertThat(diff.toUpdate()).hasSize(1);
    assertThat(diff.toUpdate().get(0).existing().getIdElement().getIdPart()).isEqualTo("free");
    assertThat(diff.toUpdate().get(0).wanted()).isSameAs(longer);
    assertThat(ids(diff.keptBusy())).containsExactly("busy");
    assertThat(diff.toCreate()).isEmpty();
    assertThat(diff.toDelete()).isEmpty();
  }

  @Test
  void between_slotsNotMadeByTheGeneratorForThisSchedule_areNeverTouched() {
    Slot practiceOwn = stored(0, "own", SlotStatus.FREE);
    practiceOwn.getIdentifierFirstRep().setValue("gp-own-1");
    Slot otherSchedule = stored(20, "other", SlotStatus.FREE);
    otherSchedule.getIdentifierFirstRep().setValue("dr-y-cabinet-20310303T0920");
    Slot otherSystem = stored(40, "other-system", SlotStatus.FREE);
    otherSystem.getIdentifierFirstRep().setSystem("urn:oid:1.2.3");
    Slot longerKey = stored(60, "longer-key", SlotStatus.FREE);
    longerKey.getIdentifierFirstRep().setValue(KEY + "-bis-20310303T1000");

    SlotDiff diff =
        SlotDiff.between(
            List.of(), List.of(practiceOwn, otherSchedule, otherSystem, longerKey), KEY);

    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.keptBusy()).isEmpty();
  }

  @Test
  void between_twoStoredWithOneIdentifier_keepsTheBookedOne_andDeletesTheFreeDuplicate() {
    SlotDiff diff =
        SlotDiff.between(
            List.of(wanted(0)),
            List.of(stored(0, "dup-free", SlotStatus.FREE), stored(0, "dup-busy", SlotStatus.BUSY)),
            KEY);

    assertThat(ids(diff.toDelete())).containsExactly("dup-free");
    assertThat(diff.toCreate()).isEmpty();
    assertThat(diff.unchanged()).isEqualTo(1);
  }

  @Test
  void keeping_movesTheSlotsWithAnAppointment_fromDeleteAndUpdate_toKept() {
    Slot longer = wanted(0);
    longer.setEnd(Date.from(NINE.plus(Duration.ofMinutes(30))));
    SlotDiff diff =
        SlotDiff.between(
            List.of(longer),
            List.of(stored(0, "appointed", SlotStatus.FREE), stored(20, "gone", SlotStatus.FREE)),
            KEY);
    assertThat(diff.touchedIds()).containsExactlyInAnyOrder("appointed", "gone");

    SlotDiff kept = diff.keeping(Set.of("appointed"));

    assertThat(kept.toUpdate()).isEmpty();
    assertThat(ids(kept.toDelete())).containsExactly("gone");
    assertThat(ids(kept.keptBusy())).containsExactly("appointed");
    assertThat(diff.keeping(Set.of())).isSameAs(diff);
  }

  @Test
  void between_wantedSlotWithoutTheGeneratorsIdentifier_isAProgrammingError() {
    Slot odd = wanted(0);
    odd.getIdentifierFirstRep().setValue("whatever");
    assertThatThrownBy(() -> SlotDiff.between(List.of(odd), List.of(), KEY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
