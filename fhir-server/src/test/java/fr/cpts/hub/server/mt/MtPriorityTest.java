package fr.cpts.hub.server.mt;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import fr.cpts.hub.profiles.HubPackage;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskPriority;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;

class MtPriorityTest {

  static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

  static MtSituation situation(
      boolean ald, boolean c2s, Integer age, boolean precarity, boolean complexCare) {
    return new MtSituation(
        ald,
        c2s,
        age == null ? OptionalInt.empty() : OptionalInt.of(age),
        precarity,
        complexCare,
        "autonomous",
        List.of(),
        "56260",
        List.of("fr"));
  }

  static List<String> fired(MtPriority priority) {
    return priority.reasons().stream().map(r -> r.rule().code()).toList();
  }

  @Test
  void nothingToReport_scoresZero_routine() {
    MtPriority priority = MtPriority.of(situation(false, false, 45, false, false), TODAY, TODAY);
    assertThat(priority.score()).isZero();
    assertThat(priority.reasons()).isEmpty();
    assertThat(priority.priority()).isEqualTo(TaskPriority.ROUTINE);
  }

  @Test
  void everyRule_addsItsPoints_andSaysWhy() {
    MtPriority priority =
        MtPriority.of(situation(true, true, 78, true, true), TODAY.minusDays(95), TODAY);
    assertThat(fired(priority))
        .containsExactly("ald", "c2s", "age-70", "precarity", "complex-care", "waiting");
    // 30 + 20 + 20 + 20 + 15 + 3 full periods of 30 days x 5
    assertThat(priority.score()).isEqualTo(120);
    assertThat(priority.priority()).isEqualTo(TaskPriority.ASAP);
    assertThat(priority.reasons())
        .extracting(MtPriority.Reason::explanation)
        .contains("70 ans ou plus (78 ans): +20", "Temps d'attente (95 jours): +15");
  }

  @Test
  void age_firesFrom70_notAt69_norWhenUnknown() {
    assertThat(fired(MtPriority.of(situation(false, false, 70, false, false), TODAY, TODAY)))
        .containsExactly("age-70");
    assertThat(fired(MtPriority.of(situation(false, false, 69, false, false), TODAY, TODAY)))
        .isEmpty();
    assertThat(fired(MtPriority.of(situation(false, false, null, false, false), TODAY, TODAY)))
        .isEmpty();
  }

  @Test
  void waiting_countsFullPeriodsOf30Days_cappedAt30() {
    MtSituation plain = situation(false, false, 40, false, false);
    assertThat(MtPriority.of(plain, TODAY.minusDays(29), TODAY).score()).isZero();
    assertThat(MtPriority.of(plain, TODAY.minusDays(30), TODAY).score()).isEqualTo(5);
    assertThat(MtPriority.of(plain, TODAY.minusDays(179), TODAY).score()).isEqualTo(25);
    assertThat(MtPriority.of(plain, TODAY.minusDays(400), TODAY).score()).isEqualTo(30);
  }

  @Test
  void complexCare_alsoFiresForHouseboundPatients_andTwoChronicConditions() {
    MtSituation housebound =
        new MtSituation(
            false,
            false,
            OptionalInt.of(50),
            false,
            false,
            "housebound",
            List.of(),
            null,
            List.of());
    MtSituation twoConditions =
        new MtSituation(
            false,
            false,
            OptionalInt.of(50),
            false,
            false,
            "autonomous",
            List.of("diabète", "BPCO"),
            null,
            List.of());
    MtSituation oneCondition =
        new MtSituation(
            false,
            false,
            OptionalInt.of(50),
            false,
            false,
            "autonomous",
            List.of("asthme"),
            null,
            List.of());
    assertThat(fired(MtPriority.of(housebound, TODAY, TODAY))).containsExactly("complex-care");
    assertThat(MtPriority.of(twoConditions, TODAY, TODAY).reasons().get(0).explanation())
        .isEqualTo("Parcours de soins complexe (2 maladies chroniques): +15");
    assertThat(fired(MtPriority.of(oneCondition, TODAY, TODAY))).isEmpty();
  }

  @Test
  void thresholds_mapTheScoreToTaskPriority() {
    // ALD alone: 30, urgent; C2S alone: 20, routine; ALD + C2S + precarity: 70, asap.
    assertThat(MtPriority.of(situation(true, false, 40, false, false), TODAY, TODAY).priority())
        .isEqualTo(TaskPriority.URGENT);
    assertThat(MtPriority.of(situation(false, true, 40, false, false), TODAY, TODAY).priority())
        .isEqualTo(TaskPriority.ROUTINE);
    assertThat(MtPriority.of(situation(true, true, 40, true, false), TODAY, TODAY).priority())
        .isEqualTo(TaskPriority.ASAP);
  }

  @Test
  void situation_readsTheFiche_andPrefersThePatientsBirthDate() {
    QuestionnaireResponse fiche = new QuestionnaireResponse();
    answer(fiche, "ald", new BooleanType(true));
    answer(fiche, "c2s", new BooleanType(false));
    answer(fiche, "birth-date", new DateType("1990-01-01"));
    answer(fiche, "mobility", new Coding(HubProfiles.CS_MOBILITY, "housebound", null));
    answer(fiche, "precarity", new BooleanType(true));
    answer(fiche, "chronic-conditions", new StringType("diabète"), new StringType("BPCO"));
    answer(fiche, "preferred-commune", new StringType(" 56260 "));
    answer(
        fiche,
        "languages",
        new Coding("urn:ietf:bcp:47", "br", null),
        new StringType("créole réunionnais"));

    MtSituation fromFiche = MtSituation.of(null, fiche, TODAY);
    assertThat(fromFiche.age()).hasValue(36);
    assertThat(fromFiche.ald()).isTrue();
    assertThat(fromFiche.c2s()).isFalse();
    assertThat(fromFiche.precarity()).isTrue();
    assertThat(fromFiche.mobility()).isEqualTo("housebound");
    assertThat(fromFiche.chronicConditions()).containsExactly("diabète", "BPCO");
    assertThat(fromFiche.preferredCommune()).isEqualTo("56260");
    assertThat(fromFiche.languages()).containsExactly("br", "créole réunionnais");

    Patient patient = new Patient();
    patient.setBirthDateElement(new DateType("1952-12-03"));
    assertThat(MtSituation.of(patient, fiche, TODAY).age()).hasValue(73);

    QuestionnaireResponse ageOnly = new QuestionnaireResponse();
    answer(ageOnly, "age", new IntegerType(81));
    assertThat(MtSituation.of(null, ageOnly, TODAY).age()).hasValue(81);
    assertThat(MtSituation.of(null, new QuestionnaireResponse(), TODAY).age()).isEmpty();
  }

  @Test
  void stamp_writesTaskPriority_andTheExtensionWithEachReason_replacingAnEarlierOne() {
    Task task = new Task();
    MtPriority.of(situation(true, false, 40, false, false), TODAY, TODAY)
        .stamp(task, Instant.parse("2026-12-02T09:00:00Z"));
    MtPriority.of(situation(true, false, 75, false, false), TODAY, TODAY)
        .stamp(task, Instant.parse("2026-12-02T10:00:00Z"));
    assertThat(task.getPriority()).isEqualTo(TaskPriority.URGENT);
    assertThat(task.getExtensionsByUrl(HubProfiles.EXT_PRIORITY)).hasSize(1);
    Extension priority = task.getExtensionByUrl(HubProfiles.EXT_PRIORITY);
    assertThat(((IntegerType) priority.getExtensionByUrl("score").getValue()).getValue())
        .isEqualTo(50);
    assertThat(priority.getExtensionsByUrl("reason"))
        .extracting(e -> ((Coding) e.getValue()).getCode())
        .containsExactly("ald", "age-70");
    assertThat(priority.getExtensionByUrl("computed").getValue().primitiveValue())
        .isEqualTo("2026-12-02T11:00:00+01:00");
  }

  @Test
  void theRules_andTheCodeSystemOfThePackage_listTheSameCodesAndPoints() {
    CodeSystem rules =
        HubPackage.load(FhirContext.forR4Cached()).codeSystems().stream()
            .filter(cs -> HubProfiles.CS_PRIORITY_RULE.equals(cs.getUrl()))
            .findFirst()
            .orElseThrow();
    Map<String, Integer> published =
        rules.getConcept().stream()
            .collect(
                Collectors.toMap(
                    CodeSystem.ConceptDefinitionComponent::getCode,
                    c -> ((IntegerType) c.getPropertyFirstRep().getValue()).getValue()));
    MtSituation everything = situation(true, true, 80, true, true);
    Map<String, Integer> applied =
        Arrays.stream(MtPriorityRule.values())
            .collect(
                Collectors.toMap(
                    MtPriorityRule::code,
                    // one period of waiting: the points per period
                    r -> r.points(new MtPriorityRule.Input(everything, 30))));
    assertThat(applied).isEqualTo(published);
  }

  private static void answer(QuestionnaireResponse fiche, String linkId, Type... values) {
    QuestionnaireResponse.QuestionnaireResponseItemComponent item =
        fiche.addItem().setLinkId(linkId);
    for (Type value : values) {
      item.addAnswer().setValue(value);
    }
  }
}
