package fr.cpts.hub.server.mt;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.directory.Places;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * {@code GET|POST [base]/Task/{id}/$mt-match}: GPs to propose an open request for a médecin
 * traitant to. Everything is found by HAPI searches on the directory's flags: the active
 * PractitionerRoles that accept new patients ({@code accepts-new-patients=true}) at a place of the
 * patient's preferred commune ({@code location.address-insee-code}) or within {@value #RADIUS} km
 * of it ({@code Location?near=}, from the position of a place of that commune); then, in memory,
 * those with capacity left (or none stated), whose conditions (patient groups of the extension) fit
 * the patient, and who have not declined this request. Same commune first, then nearest, then most
 * capacity left.
 *
 * <p>Out: a searchset Bundle, the PractitionerRoles (mode match, best first, {@code search.score}
 * from 1 down) and their Locations (mode include). 404 for an unknown Task or one that is no
 * request for a médecin traitant, 409 HUB-0833 for a closed request, 422 HUB-0832 when the request
 * names no preferred commune, 400 HUB-0834 for a radius or count out of bounds.
 */
@Component
public class MtMatchOperation implements HubOperationProvider {

  public static final String OPERATION = "$mt-match";
  public static final String CANONICAL =
      HubIdentifiers.CANONICAL_BASE + "/OperationDefinition/task-mt-match";
  public static final String RADIUS = "radius";
  public static final String COUNT = "count";

  /** The age from which the {@code elderly} group applies, below which {@code children} does. */
  private static final int ELDERLY_FROM = 70;

  private static final int CHILDREN_UNDER = 16;

  private final MtRecords records;
  private final MtProperties properties;
  private final Clock clock;

  public MtMatchOperation(MtRecords records, MtProperties properties, Clock clock) {
    this.records = records;
    this.properties = properties;
    this.clock = clock;
  }

  @Operation(name = OPERATION, type = Task.class, idempotent = true, canonicalUrl = CANONICAL)
  public Bundle match(
      @IdParam IdType id,
      @OperationParam(name = RADIUS, min = 0, max = 1) DecimalType radius,
      @OperationParam(name = COUNT, min = 0, max = 1) IntegerType count) {
    double km = radius == null ? properties.matchingRadiusKm() : radius.getValue().doubleValue();
    int limit = count == null ? properties.matchingCount() : count.getValue();
    if (km <= 0 || km > 200 || limit < 1 || limit > 100) {
      throw new InvalidRequestException(
          "HUB-0834: radius is 0 to 200 km and count 1 to 100",
          MtWorkflowInterceptor.outcome(
              "HUB-0834: radius is 0 to 200 km and count 1 to 100",
              "Parameters.parameter",
              IssueType.VALUE));
    }
    Task task =
        records
            .read(Task.class, new IdType("Task", id.getIdPart()))
            .filter(MtRecords::isFindMt)
            .orElseThrow(
                () ->
                    new ResourceNotFoundException(
                        "HUB-0830: Task/"
                            + id.getIdPart()
                            + " is no request for a médecin traitant"));
    MtStep step = MtStep.of(task.getBusinessStatus()).orElse(MtStep.RECEIVED);
    if (step.isFinal() || step == MtStep.ACCEPTED) {
      throw new ResourceVersionConflictException(
          "HUB-0833: the request is at step " + step.code() + "; no GP is to be found for it");
    }
    LocalDate today = clock.instant().atZone(MtSituation.PARIS).toLocalDate();
    MtSituation situation = records.situation(task, today);
    String commune = situation.preferredCommune();
    if (commune == null || !MtRequestIntakeInterceptor.INSEE.matcher(commune).matches()) {
      throw MtWorkflowInterceptor.unprocessable(
          "HUB-0832: the request names no preferred commune (INSEE code) in its fiche de saisine",
          "Task.focus");
    }
    Set<String> declined = declinedBy(task);

    Places.Around around = records.placesAround(commune, km);
    Map<String, Location> places = around.places();
    Optional<double[]> centre = around.centre();
    List<Candidate> candidates = new ArrayList<>();
    for (List<String> chunk : Places.chunks(new ArrayList<>(places.keySet()), 50)) {
      String locations = chunk.stream().map(l -> "Location/" + l).collect(Collectors.joining(","));
      for (PractitionerRole role :
          records.search(
              PractitionerRole.class,
              "PractitionerRole?"
                  + HubProfiles.SP_ACCEPTS_NEW_PATIENTS
                  + "=true&active=true&location="
                  + locations)) {
        if (declined.contains(role.getIdElement().getIdPart())
            || candidates.stream()
                .anyMatch(
                    c ->
                        c.role()
                            .getIdElement()
                            .getIdPart()
                            .equals(role.getIdElement().getIdPart()))) {
          continue;
        }
        OptionalInt left = MtCapacity.capacity(role);
        if (left.isPresent() && left.getAsInt() == 0) {
          continue;
        }
        Location place = bestPlace(role, places, commune, centre);
        if (place == null || !fits(role, situation, commune, place)) {
          continue;
        }
        candidates.add(
            new Candidate(
                role,
                place,
                commune.equals(Places.insee(place)),
                Places.distanceKm(centre, place),
                left.orElse(Integer.MAX_VALUE)));
      }
    }
    candidates.sort(
        Comparator.comparing((Candidate c) -> !c.sameCommune())
            .thenComparingDouble(Candidate::distanceKm)
            .thenComparing(Comparator.comparingInt(Candidate::capacityLeft).reversed())
            .thenComparing(c -> c.role().getIdElement().getIdPart()));
    List<Candidate> best = candidates.subList(0, Math.min(limit, candidates.size()));
    return answer(best);
  }

  private Bundle answer(List<Candidate> best) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal(best.size());
    Map<String, Location> included = new LinkedHashMap<>();
    for (int i = 0; i < best.size(); i++) {
      Candidate candidate = best.get(i);
      bundle
          .addEntry()
          .setFullUrl("PractitionerRole/" + candidate.role().getIdElement().getIdPart())
          .setResource(candidate.role())
          .getSearch()
          .setMode(SearchEntryMode.MATCH)
          .setScore(BigDecimal.valueOf(1.0 - (double) i / best.size()));
      included.putIfAbsent(candidate.place().getIdElement().getIdPart(), candidate.place());
    }
    included.forEach(
        (id, place) ->
            bundle
                .addEntry()
                .setFullUrl("Location/" + id)
                .setResource(place)
                .getSearch()
                .setMode(SearchEntryMode.INCLUDE));
    return bundle;
  }

  /** The role's place among those found: one in the commune if any, else the nearest. */
  private static Location bestPlace(
      PractitionerRole role,
      Map<String, Location> places,
      String commune,
      Optional<double[]> centre) {
    List<Location> own =
        role.getLocation().stream()
            .map(r -> places.get(r.getReferenceElement().getIdPart()))
            .filter(l -> l != null)
            .toList();
    return own.stream()
        .min(
            Comparator.comparing((Location l) -> !commune.equals(Places.insee(l)))
                .thenComparingDouble(l -> Places.distanceKm(centre, l)))
        .orElse(null);
  }

  /**
   * Whether the patient is in one of the groups the GP accepts (any, when the GP states none):
   * children under 16, adults, 70 and over, ALD, C2S, living in the practice's commune. An unknown
   * age counts as an adult's.
   */
  static boolean fits(
      PractitionerRole role, MtSituation situation, String commune, Location place) {
    Extension flag = role.getExtensionByUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS);
    List<String> groups =
        flag.getExtensionsByUrl("condition").stream()
            .map(Extension::getValue)
            .filter(CodeableConcept.class::isInstance)
            .flatMap(v -> ((CodeableConcept) v).getCoding().stream())
            .filter(c -> HubProfiles.CS_PATIENT_GROUP.equals(c.getSystem()))
            .map(Coding::getCode)
            .toList();
    if (groups.isEmpty()) {
      return true;
    }
    int age = situation.age().orElse(CHILDREN_UNDER);
    return groups.stream()
        .anyMatch(
            group ->
                switch (group) {
                  case "children" -> age < CHILDREN_UNDER;
                  case "adults" -> age >= CHILDREN_UNDER;
                  case "elderly" -> age >= ELDERLY_FROM;
                  case "ald" -> situation.ald();
                  case "c2s" -> situation.c2s();
                  case "same-commune" -> commune.equals(Places.insee(place));
                  default -> false;
                });
  }

  private static Set<String> declinedBy(Task task) {
    return task.getExtensionsByUrl(HubProfiles.EXT_WORKFLOW_STEP).stream()
        .filter(
            s ->
                s.getExtensionByUrl("step") != null
                    && s.getExtensionByUrl("step").getValue() instanceof Coding c
                    && MtStep.DECLINED.code().equals(c.getCode()))
        .map(s -> s.getExtensionByUrl("actor"))
        .filter(a -> a != null && a.getValue() instanceof Reference)
        .map(a -> ((Reference) a.getValue()).getReferenceElement().getIdPart())
        .collect(Collectors.toSet());
  }

  private record Candidate(
      PractitionerRole role,
      Location place,
      boolean sameCommune,
      double distanceKm,
      int capacityLeft) {}
}
