package fr.cpts.hub.server.mt;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubTime;
import fr.cpts.hub.server.directory.Places;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Reads what a request for a médecin traitant is made of, through HAPI's DAOs and searches (as the
 * hub, not as the client): its ServiceRequest, its latest fiche de saisine, its Patient; and finds
 * the open request of a patient.
 */
@Component
public class MtRecords {

  /** The Task code of a request for a médecin traitant. */
  public static final String FIND_MT = "find-mt";

  private final DaoRegistry daos;
  private final MatchUrlService matchUrls;
  private final FhirContext fhirContext;

  public MtRecords(DaoRegistry daos, MatchUrlService matchUrls, FhirContext fhirContext) {
    this.daos = daos;
    this.matchUrls = matchUrls;
    this.fhirContext = fhirContext;
  }

  /** Whether a resource is a Task "find a médecin traitant". */
  public static boolean isFindMt(IBaseResource resource) {
    return resource instanceof Task task
        && task.getCode().getCoding().stream()
            .anyMatch(
                c -> HubProfiles.CS_TASK_TYPE.equals(c.getSystem()) && FIND_MT.equals(c.getCode()));
  }

  /** A literal reference to a stored resource of that type ({@code Type/id}), if it is one. */
  static Optional<IdType> stored(Reference reference, String type) {
    if (reference == null || !reference.hasReference()) {
      return Optional.empty();
    }
    IIdType id = reference.getReferenceElement();
    if (!type.equals(id.getResourceType()) || !id.hasIdPart() || id.getValue().contains("?")) {
      return Optional.empty();
    }
    if (id.getValue().startsWith("urn:") || id.isAbsolute()) {
      return Optional.empty();
    }
    return Optional.of(new IdType(type, id.getIdPart()));
  }

  public <T extends Resource> Optional<T> read(Class<T> type, Reference reference) {
    return stored(reference, fhirContext.getResourceType(type)).flatMap(id -> read(type, id));
  }

  public <T extends Resource> Optional<T> read(Class<T> type, IdType id) {
    try {
      return Optional.of(daos.getResourceDao(type).read(id, new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  /** The request's situation as its stored records say it, on the given day. */
  public MtSituation situation(Task task, java.time.LocalDate today) {
    Patient patient = read(Patient.class, task.getFor()).orElse(null);
    QuestionnaireResponse answers =
        read(ServiceRequest.class, task.getFocus()).flatMap(this::latestAnswers).orElse(null);
    return MtSituation.of(patient, answers, today);
  }

  /** The latest fiche de saisine among a request's supportingInfo. */
  public Optional<QuestionnaireResponse> latestAnswers(ServiceRequest request) {
    return request.getSupportingInfo().stream()
        .map(r -> read(QuestionnaireResponse.class, r))
        .flatMap(Optional::stream)
        .filter(MtRecords::isFicheDeSaisine)
        .max(
            Comparator.comparing(
                (QuestionnaireResponse qr) -> qr.hasAuthored() ? qr.getAuthored().getTime() : 0L));
  }

  static boolean isFicheDeSaisine(QuestionnaireResponse answers) {
    String questionnaire = answers.getQuestionnaire();
    if (questionnaire == null) {
      return false;
    }
    int bar = questionnaire.indexOf('|');
    return HubProfiles.QUESTIONNAIRE_FICHE_SAISINE.equals(
        bar < 0 ? questionnaire : questionnaire.substring(0, bar));
  }

  /** Every stored resource a search URL ({@code Type?params}) finds, synchronously. */
  public <T extends Resource> List<T> search(Class<T> type, String url) {
    SearchParameterMap map =
        matchUrls.translateMatchUrl(url, fhirContext.getResourceDefinition(type));
    map.setLoadSynchronous(true);
    return daos
        .getResourceDao(type)
        .search(map, new SystemRequestDetails())
        .getAllResources()
        .stream()
        .map(type::cast)
        .toList();
  }

  /**
   * The places of a commune and around it: the Locations of that INSEE code, then those HAPI's
   * {@code Location?near=} finds within {@code km} of the first of them with a position (the
   * commune's centre, absent when none has one).
   */
  public Places.Around placesAround(String commune, double km) {
    Map<String, Location> places = new LinkedHashMap<>();
    search(Location.class, "Location?address-insee-code=" + commune)
        .forEach(l -> places.put(l.getIdElement().getIdPart(), l));
    Optional<double[]> centre =
        places.values().stream().map(Places::point).flatMap(Optional::stream).findFirst();
    if (centre.isPresent()) {
      search(
              Location.class,
              "Location?near=" + centre.get()[0] + "|" + centre.get()[1] + "|" + km + "|km")
          .forEach(l -> places.putIfAbsent(l.getIdElement().getIdPart(), l));
    }
    return new Places.Around(places, centre);
  }

  /** The Tasks of a hub task type authored from {@code first} to {@code last} (Paris days). */
  public List<Task> tasksAuthoredIn(String taskType, HubTime.Days period) {
    return search(
        Task.class,
        "Task?code="
            + HubProfiles.CS_TASK_TYPE
            + "|"
            + taskType
            + "&authored-on=ge"
            + period.first()
            + "&authored-on=le"
            + period.last());
  }

  /** The oldest open request of a stored patient, if there is one. */
  public Optional<Task> openRequestOf(String patientId) {
    return search(
            Task.class,
            "Task?patient=Patient/"
                + patientId
                + "&code="
                + HubProfiles.CS_TASK_TYPE
                + "|"
                + FIND_MT
                + "&status="
                + MtStep.OPEN_STATUSES)
        .stream()
        .min(
            Comparator.comparing(
                (Task t) -> t.hasAuthoredOn() ? t.getAuthoredOn().getTime() : Long.MAX_VALUE));
  }
}
