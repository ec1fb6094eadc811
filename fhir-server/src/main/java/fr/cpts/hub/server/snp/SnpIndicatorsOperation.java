package fr.cpts.hub.server.snp;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.config.HubOutcomes;
import fr.cpts.hub.server.config.HubTime;
import fr.cpts.hub.server.mt.MtRecords;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * {@code GET [base]/$snp-indicators?start=yyyy-mm-dd&end=yyyy-mm-dd}: the indicators of the SNP
 * requests broadcast in a period ({@link SnpIndicators}), read from their Tasks, found by a HAPI
 * search on {@code authored-on}; each role that answered counts as its Practitioner. 400 HUB-0450
 * for a missing or inverted period.
 */
@Component
public class SnpIndicatorsOperation implements HubOperationProvider {

  public static final String OPERATION = "$snp-indicators";
  public static final String CANONICAL =
      HubIdentifiers.CANONICAL_BASE + "/OperationDefinition/snp-indicators";

  private final MtRecords records;
  private final SnpProperties properties;

  public SnpIndicatorsOperation(MtRecords records, SnpProperties properties) {
    this.records = records;
    this.properties = properties;
  }

  @Operation(name = OPERATION, idempotent = true, canonicalUrl = CANONICAL)
  public Parameters indicators(
      @OperationParam(name = "start", min = 1, max = 1) DateType start,
      @OperationParam(name = "end", min = 1, max = 1) DateType end) {
    HubTime.Days period =
        HubTime.days(start, end)
            .orElseThrow(
                () -> {
                  String message =
                      "HUB-0450: give the period as start and end days (yyyy-mm-dd), start <= end";
                  return new InvalidRequestException(
                      message, HubOutcomes.error(message, "start", IssueType.REQUIRED));
                });
    List<Task> tasks = records.tasksAuthoredIn(SnpRequest.SNP_BROADCAST, period);
    Map<String, String> practitionerOfRole = new HashMap<>();
    List<SnpIndicators.Request> requests =
        tasks.stream()
            .map(
                t ->
                    new SnpIndicators.Request(
                        t.getAuthoredOn().toInstant(),
                        SnpRequest.step(t),
                        SnpRequest.acceptance(t).map(SnpRequest.Answer::at).orElse(null),
                        answeredBy(t, practitionerOfRole)))
            .toList();
    SnpIndicators indicators = SnpIndicators.of(requests, properties.objective());
    Parameters out = new Parameters();
    out.addParameter("requests", new IntegerType(indicators.requests()));
    out.addParameter("accepted", new IntegerType(indicators.accepted()));
    out.addParameter(
        "accepted-within-objective", new IntegerType(indicators.acceptedWithinObjective()));
    indicators
        .shareWithinObjective()
        .ifPresent(s -> out.addParameter("share-within-objective", decimal(s)));
    out.addParameter("escalated", new IntegerType(indicators.escalated()));
    out.addParameter("cancelled", new IntegerType(indicators.cancelled()));
    out.addParameter("open", new IntegerType(indicators.open()));
    indicators
        .medianMinutesToAccept()
        .ifPresent(m -> out.addParameter("median-minutes-to-accept", decimal(m)));
    out.addParameter(
        "professionals-participating", new IntegerType(indicators.professionalsParticipating()));
    return out;
  }

  private Set<String> answeredBy(Task task, Map<String, String> practitionerOfRole) {
    return SnpRequest.answers(task).stream()
        .map(
            a ->
                practitionerOfRole.computeIfAbsent(
                    a.role(),
                    role ->
                        records
                            .read(PractitionerRole.class, new IdType("PractitionerRole", role))
                            .filter(PractitionerRole::hasPractitioner)
                            .map(
                                r ->
                                    "Practitioner/"
                                        + r.getPractitioner().getReferenceElement().getIdPart())
                            .orElse("PractitionerRole/" + role)))
        .collect(Collectors.toSet());
  }

  private static DecimalType decimal(double value) {
    return new DecimalType(BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP));
  }
}
