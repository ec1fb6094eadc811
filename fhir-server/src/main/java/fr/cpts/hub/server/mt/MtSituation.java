package fr.cpts.hub.server.mt;

import fr.cpts.hub.profiles.HubProfiles;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemAnswerComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * What the fiche de saisine and the Patient say of a patient's situation, as the priority rules and
 * the matching read it. The items are those of the hub's Questionnaire {@link
 * HubProfiles#QUESTIONNAIRE_FICHE_SAISINE} (linkIds below).
 *
 * @param ald long-term illness (item {@code ald})
 * @param c2s covered by the Complémentaire santé solidaire (item {@code c2s})
 * @param age age in whole years on the day of computation: from Patient.birthDate, else item {@code
 *     birth-date}, else item {@code age}; empty when none is given
 * @param precarity item {@code precarity}
 * @param complexCare item {@code complex-care}
 * @param mobility code of hub-mobility (item {@code mobility}), or null
 * @param chronicConditions answers of item {@code chronic-conditions}
 * @param preferredCommune INSEE code of item {@code preferred-commune}, or null
 * @param languages BCP-47 codes (or free text) of item {@code languages}
 */
public record MtSituation(
    boolean ald,
    boolean c2s,
    OptionalInt age,
    boolean precarity,
    boolean complexCare,
    String mobility,
    List<String> chronicConditions,
    String preferredCommune,
    List<String> languages) {

  public static final String ITEM_ALD = "ald";
  public static final String ITEM_C2S = "c2s";
  public static final String ITEM_BIRTH_DATE = "birth-date";
  public static final String ITEM_AGE = "age";
  public static final String ITEM_MOBILITY = "mobility";
  public static final String ITEM_PRECARITY = "precarity";
  public static final String ITEM_COMPLEX_CARE = "complex-care";
  public static final String ITEM_CHRONIC_CONDITIONS = "chronic-conditions";
  public static final String ITEM_PREFERRED_COMMUNE = "preferred-commune";
  public static final String ITEM_LANGUAGES = "languages";

  /** hub-mobility: cannot travel to a practice. */
  public static final String HOUSEBOUND = "housebound";

  public MtSituation {
    chronicConditions = List.copyOf(chronicConditions);
    languages = List.copyOf(languages);
  }

  /**
   * Reads the answers; the patient (may be null) gives the birth date when it has one.
   *
   * @param today the day ages are computed on (Europe/Paris)
   */
  public static MtSituation of(Patient patient, QuestionnaireResponse answers, LocalDate today) {
    Optional<LocalDate> birthDate =
        Optional.ofNullable(patient)
            .filter(Patient::hasBirthDate)
            .map(p -> localDate(p.getBirthDateElement()))
            .or(() -> first(answers, ITEM_BIRTH_DATE, DateType.class).map(MtSituation::localDate));
    OptionalInt age =
        birthDate
            .map(b -> OptionalInt.of(Period.between(b, today).getYears()))
            .orElseGet(
                () ->
                    first(answers, ITEM_AGE, IntegerType.class)
                        .map(a -> OptionalInt.of(a.getValue()))
                        .orElse(OptionalInt.empty()));
    return new MtSituation(
        yes(answers, ITEM_ALD),
        yes(answers, ITEM_C2S),
        age,
        yes(answers, ITEM_PRECARITY),
        yes(answers, ITEM_COMPLEX_CARE),
        first(answers, ITEM_MOBILITY, Coding.class).map(Coding::getCode).orElse(null),
        all(answers, ITEM_CHRONIC_CONDITIONS).stream()
            .filter(StringType.class::isInstance)
            .map(t -> ((StringType) t).getValue())
            .filter(s -> s != null && !s.isBlank())
            .toList(),
        first(answers, ITEM_PREFERRED_COMMUNE, StringType.class)
            .map(StringType::getValue)
            .map(String::trim)
            .orElse(null),
        all(answers, ITEM_LANGUAGES).stream()
            .map(
                t ->
                    t instanceof Coding coding
                        ? coding.getCode()
                        : t instanceof StringType text ? text.getValue() : null)
            .filter(s -> s != null && !s.isBlank())
            .toList());
  }

  private static LocalDate localDate(DateType date) {
    // A date without a time: its calendar day, whatever the JVM's zone.
    return LocalDate.of(date.getYear(), date.getMonth() + 1, date.getDay());
  }

  private static boolean yes(QuestionnaireResponse answers, String linkId) {
    return first(answers, linkId, BooleanType.class).map(BooleanType::booleanValue).orElse(false);
  }

  private static <T extends Type> Optional<T> first(
      QuestionnaireResponse answers, String linkId, Class<T> type) {
    return all(answers, linkId).stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  private static List<Type> all(QuestionnaireResponse answers, String linkId) {
    if (answers == null) {
      return List.of();
    }
    return items(answers.getItem()).stream()
        .filter(i -> linkId.equals(i.getLinkId()))
        .flatMap(i -> i.getAnswer().stream())
        .map(QuestionnaireResponseItemAnswerComponent::getValue)
        .filter(v -> v != null && !v.isEmpty())
        .toList();
  }

  /** Items at any depth (a form may group them). */
  private static List<QuestionnaireResponseItemComponent> items(
      List<QuestionnaireResponseItemComponent> items) {
    return items.stream()
        .flatMap(
            i ->
                java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(i), items(i.getItem()).stream()))
        .toList();
  }

  /** The zone the hub counts days and ages in. */
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
}
