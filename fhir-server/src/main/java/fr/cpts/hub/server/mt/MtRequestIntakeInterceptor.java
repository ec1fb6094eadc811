package fr.cpts.hub.server.mt;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import fr.cpts.hub.server.config.HubTime;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * The intake of a request for a médecin traitant: the web form and the tele-secretariat post one
 * transaction Bundle holding a Task {@code find-mt} (POST), its ServiceRequest (POST, the Task's
 * {@code focus}), the fiche de saisine (a QuestionnaireResponse to {@link
 * HubProfiles#QUESTIONNAIRE_FICHE_SAISINE}, POST, in the ServiceRequest's {@code supportingInfo})
 * and the Patient (POST, or a reference to a stored one in {@code Task.for}). Before HAPI processes
 * the transaction, the hub:
 *
 * <ul>
 *   <li>checks that shape (422 HUB-0820, HUB-0821; a preferred commune that is no INSEE code: 422
 *       HUB-0836); the resources themselves are checked by the profile validation as they are
 *       stored, the fiche against the Questionnaire;
 *   <li>recognises a patient already known: by INS (any INS system), else by the same family name,
 *       first given name and birth date (accents and case aside). A known patient's entry becomes a
 *       conditional create matching it ({@code ifNoneExist=Patient?_id=}), so nothing is duplicated
 *       and the answer still has one entry per entry sent; a new patient with an INS gets {@code
 *       ifNoneExist} on it;
 *   <li>merges a second request of a patient who has an open one: the open Task and its
 *       ServiceRequest are updated instead of created (the new fiche joins the ServiceRequest's
 *       {@code supportingInfo}, a note on the Task says so, its workflow step is kept), and the
 *       priority is computed from the new answers and the first request's date;
 *   <li>computes the priority of the request from the Patient and the fiche it carries.
 * </ul>
 *
 * Two submissions for one new patient at the very same moment may both create (nothing locks a
 * patient who is not stored yet); a later one merges into the oldest.
 */
@Component
@Interceptor
public class MtRequestIntakeInterceptor implements HubStorageInterceptor {

  /** User data on a Task whose priority the intake has just computed. */
  static final String PRIORITISED = MtRequestIntakeInterceptor.class.getName() + ".prioritised";

  private static final Set<String> INS_SYSTEMS =
      Set.of(
          FrIdentifiers.INS_NIR,
          FrIdentifiers.INS_NIR_TEST,
          FrIdentifiers.INS_NIR_DEMO,
          FrIdentifiers.INS_NIA);

  /** An INSEE commune code: 5 digits, or 2A/2B and 3 digits (Corsica). */
  static final Pattern INSEE = Pattern.compile("\\d{5}|2[AB]\\d{3}");

  private final MtRecords records;
  private final Clock clock;

  public MtRequestIntakeInterceptor(MtRecords records, Clock clock) {
    this.records = records;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void transaction(IBaseBundle bundle) {
    if (!(bundle instanceof Bundle transaction)) {
      return;
    }
    List<BundleEntryComponent> requests =
        transaction.getEntry().stream()
            .filter(e -> MtRecords.isFindMt(e.getResource()))
            .filter(e -> e.getRequest().getMethod() == HTTPVerb.POST)
            .toList();
    if (requests.isEmpty()) {
      return;
    }
    if (requests.size() > 1) {
      throw shape("a transaction carries one request for a médecin traitant (Task find-mt)");
    }
    BundleEntryComponent taskEntry = requests.get(0);
    Task task = (Task) taskEntry.getResource();
    BundleEntryComponent requestEntry =
        posted(transaction, task.getFocus(), ServiceRequest.class)
            .orElseThrow(
                () ->
                    shape(
                        "Task.focus references the ServiceRequest posted in the same Bundle"
                            + " (by its fullUrl)"));
    ServiceRequest serviceRequest = (ServiceRequest) requestEntry.getResource();
    List<BundleEntryComponent> fiches =
        serviceRequest.getSupportingInfo().stream()
            .map(r -> posted(transaction, r, QuestionnaireResponse.class))
            .flatMap(Optional::stream)
            .toList();
    if (fiches.size() != 1) {
      throw shape(
          "ServiceRequest.supportingInfo references the one QuestionnaireResponse (the fiche de"
              + " saisine) posted in the same Bundle");
    }
    QuestionnaireResponse fiche = (QuestionnaireResponse) fiches.get(0).getResource();
    if (!MtRecords.isFicheDeSaisine(fiche)) {
      throw unprocessable(
          "HUB-0821: the QuestionnaireResponse answers "
              + fiche.getQuestionnaire()
              + ", not the hub's fiche de saisine "
              + HubProfiles.QUESTIONNAIRE_FICHE_SAISINE,
          "QuestionnaireResponse.questionnaire");
    }
    Optional<BundleEntryComponent> patientEntry = posted(transaction, task.getFor(), Patient.class);
    Patient patient;
    Optional<String> known;
    if (patientEntry.isPresent()) {
      patient = (Patient) patientEntry.get().getResource();
      known = knownPatient(patient);
      identify(patientEntry.get(), patient, known);
    } else {
      patient =
          records
              .read(Patient.class, task.getFor())
              .orElseThrow(
                  () ->
                      shape(
                          "Task.for references the Patient, posted in the same Bundle or"
                              + " stored"));
      known = Optional.of(patient.getIdElement().getIdPart());
    }
    Instant now = clock.instant();
    LocalDate today = now.atZone(MtSituation.PARIS).toLocalDate();
    MtSituation situation = MtSituation.of(patient, fiche, today);
    if (situation.preferredCommune() != null
        && !INSEE.matcher(situation.preferredCommune()).matches()) {
      throw unprocessable(
          "HUB-0836: the preferred commune is an INSEE code (5 characters, e.g. 56260), not \""
              + situation.preferredCommune()
              + "\"",
          "QuestionnaireResponse.item.where(linkId = 'preferred-commune')");
    }
    Optional<Task> open = known.flatMap(records::openRequestOf);
    if (open.isPresent()) {
      merge(taskEntry, requestEntry, fiches.get(0), open.get(), situation, now, today);
    } else {
      if (!task.hasAuthoredOn()) {
        task.setAuthoredOnElement(HubTime.dateTime(now));
      }
      MtPriority.of(situation, HubTime.day(task.getAuthoredOnElement()), today).stamp(task, now);
      task.setUserData(PRIORITISED, Boolean.TRUE);
    }
  }

  private void merge(
      BundleEntryComponent taskEntry,
      BundleEntryComponent requestEntry,
      BundleEntryComponent ficheEntry,
      Task open,
      MtSituation situation,
      Instant now,
      LocalDate today) {
    ServiceRequest openRequest =
        records
            .read(ServiceRequest.class, open.getFocus())
            .orElseThrow(
                () ->
                    shape(
                        "the patient's open request Task/"
                            + open.getIdElement().getIdPart()
                            + " has no readable ServiceRequest"));
    openRequest.addSupportingInfo(new Reference(ficheEntry.getFullUrl()));
    requestEntry.setResource(openRequest);
    requestEntry
        .getRequest()
        .setMethod(HTTPVerb.PUT)
        .setUrl("ServiceRequest/" + openRequest.getIdElement().getIdPart());

    Task merged = open.copy();
    merged.setIdElement(new IdType("Task", open.getIdElement().getIdPart()));
    merged.addNote(
        new Annotation()
            .setTimeElement(HubTime.dateTime(now))
            .setText(
                "Nouvelle demande du même patient reçue, fusionnée avec celle-ci (fiche de"
                    + " saisine ajoutée à la demande)"));
    MtPriority.of(situation, HubTime.day(merged.getAuthoredOnElement()), today).stamp(merged, now);
    merged.setUserData(PRIORITISED, Boolean.TRUE);
    taskEntry.setResource(merged);
    taskEntry
        .getRequest()
        .setMethod(HTTPVerb.PUT)
        .setUrl("Task/" + open.getIdElement().getIdPart());
  }

  /** The stored patient this one is, by INS or by identity traits. */
  private Optional<String> knownPatient(Patient patient) {
    Optional<Identifier> ins = ins(patient);
    if (ins.isPresent()) {
      List<Patient> found =
          records.search(
              Patient.class,
              "Patient?identifier=" + encode(ins.get().getSystem() + "|" + ins.get().getValue()));
      return found.size() == 1
          ? Optional.of(found.get(0).getIdElement().getIdPart())
          : Optional.empty();
    }
    Optional<Traits> traits = Traits.of(patient);
    if (traits.isEmpty()) {
      return Optional.empty();
    }
    List<Patient> found =
        records
            .search(
                Patient.class,
                "Patient?family="
                    + encode(traits.get().family())
                    + "&given="
                    + encode(traits.get().given())
                    + "&birthdate="
                    + traits.get().birthDate())
            .stream()
            .filter(p -> Traits.of(p).filter(traits.get()::equals).isPresent())
            .toList();
    return found.size() == 1
        ? Optional.of(found.get(0).getIdElement().getIdPart())
        : Optional.empty();
  }

  /** A known patient's entry matches it; a new one with an INS is created only once. */
  private static void identify(
      BundleEntryComponent entry, Patient patient, Optional<String> known) {
    if (entry.getRequest().hasIfNoneExist()) {
      return;
    }
    if (known.isPresent()) {
      entry.getRequest().setIfNoneExist("Patient?_id=" + known.get());
    } else {
      ins(patient)
          .ifPresent(
              ins ->
                  entry
                      .getRequest()
                      .setIfNoneExist(
                          "Patient?identifier=" + encode(ins.getSystem() + "|" + ins.getValue())));
    }
  }

  private static Optional<Identifier> ins(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> INS_SYSTEMS.contains(i.getSystem()) && i.hasValue())
        .findFirst();
  }

  /** The entry posting a resource of that type that a reference points to by fullUrl. */
  private Optional<BundleEntryComponent> posted(
      Bundle bundle, Reference reference, Class<? extends Resource> type) {
    if (reference == null || !reference.hasReference()) {
      return Optional.empty();
    }
    return bundle.getEntry().stream()
        .filter(e -> type.isInstance(e.getResource()))
        .filter(e -> e.getRequest().getMethod() == HTTPVerb.POST)
        .filter(e -> Objects.equals(e.getFullUrl(), reference.getReference()))
        .findFirst();
  }

  private static UnprocessableEntityException shape(String what) {
    return unprocessable(
        "HUB-0820: a request for a médecin traitant is one transaction Bundle of a Task find-mt,"
            + " its ServiceRequest, the fiche de saisine and the Patient: "
            + what,
        "Bundle.entry");
  }

  private static UnprocessableEntityException unprocessable(String message, String expression) {
    return MtWorkflowInterceptor.unprocessable(message, expression);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Identity traits compared without accents nor case. */
  record Traits(String family, String given, String birthDate) {

    static Optional<Traits> of(Patient patient) {
      if (!patient.hasBirthDate() || patient.getName().isEmpty()) {
        return Optional.empty();
      }
      HumanName name =
          patient.getName().stream()
              .filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL)
              .findFirst()
              .orElse(patient.getNameFirstRep());
      if (!name.hasFamily() || !name.hasGiven()) {
        return Optional.empty();
      }
      return Optional.of(
          new Traits(
              plain(name.getFamily()),
              plain(name.getGiven().get(0).getValue()),
              patient.getBirthDateElement().getValueAsString()));
    }

    private static String plain(String text) {
      return Normalizer.normalize(text.trim(), Normalizer.Form.NFD)
          .replaceAll("\\p{M}", "")
          .toUpperCase(Locale.ROOT);
    }
  }
}
