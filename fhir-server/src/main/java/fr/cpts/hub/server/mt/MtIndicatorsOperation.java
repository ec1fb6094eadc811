package fr.cpts.hub.server.mt;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.config.HubTime;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * {@code GET [base]/$mt-indicators?start=yyyy-mm-dd&end=yyyy-mm-dd}: the indicators of the requests
 * for a médecin traitant received in a period ({@link MtIndicators}), read from their Tasks, found
 * by a HAPI search on {@code authored-on}; each attached request's GP is its owner's Practitioner.
 * 400 HUB-0840 for a missing or inverted period.
 */
@Component
public class MtIndicatorsOperation implements HubOperationProvider {

  public static final String OPERATION = "$mt-indicators";
  public static final String CANONICAL =
      HubIdentifiers.CANONICAL_BASE + "/OperationDefinition/mt-indicators";

  private final MtRecords records;

  public MtIndicatorsOperation(MtRecords records) {
    this.records = records;
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
                      "HUB-0840: give the period as start and end days (yyyy-mm-dd), start <= end";
                  return new InvalidRequestException(
                      message, MtWorkflowInterceptor.outcome(message, "start", IssueType.REQUIRED));
                });
    List<Task> tasks = records.tasksAuthoredIn(MtRecords.FIND_MT, period);
    Map<String, String> gpOfRole = new HashMap<>();
    List<MtIndicators.Request> requests = tasks.stream().map(t -> request(t, gpOfRole)).toList();
    MtIndicators indicators = MtIndicators.of(requests);
    Parameters out = new Parameters();
    out.addParameter("received", new IntegerType(indicators.received()));
    out.addParameter("attached", new IntegerType(indicators.attached()));
    out.addParameter("attached-with-ipa", new IntegerType(indicators.attachedWithIpa()));
    out.addParameter("attached-without-ipa", new IntegerType(indicators.attachedWithoutIpa()));
    out.addParameter("abandoned", new IntegerType(indicators.abandoned()));
    out.addParameter("open", new IntegerType(indicators.open()));
    out.addParameter("gps-participating", new IntegerType(indicators.gpsParticipating()));
    indicators
        .medianDaysToAttachment()
        .ifPresent(m -> out.addParameter("median-days-to-attachment", new DecimalType(m)));
    return out;
  }

  private MtIndicators.Request request(Task task, Map<String, String> gpOfRole) {
    MtStep step = MtStep.of(task.getBusinessStatus()).orElse(MtStep.RECEIVED);
    boolean ipa = false;
    LocalDate attachedOn = null;
    for (Extension recorded : task.getExtensionsByUrl(HubProfiles.EXT_WORKFLOW_STEP)) {
      Optional<MtStep> reached =
          Optional.ofNullable(recorded.getExtensionByUrl("step"))
              .map(Extension::getValue)
              .filter(Coding.class::isInstance)
              .flatMap(c -> MtStep.ofCode(((Coding) c).getCode()));
      if (reached.isEmpty()) {
        continue;
      }
      if (reached.get() == MtStep.IPA_ASSESSMENT) {
        ipa = true;
      }
      if (reached.get() == MtStep.ATTACHED
          && recorded.getExtensionByUrl("at") != null
          && recorded.getExtensionByUrl("at").getValue() instanceof DateTimeType at) {
        attachedOn = HubTime.day(at);
      }
    }
    String gp = null;
    if (step == MtStep.ATTACHED && task.hasOwner()) {
      String role = task.getOwner().getReferenceElement().getIdPart();
      gp =
          gpOfRole.computeIfAbsent(
              role,
              r ->
                  records
                      .read(PractitionerRole.class, new Reference("PractitionerRole/" + r))
                      .filter(PractitionerRole::hasPractitioner)
                      .map(p -> p.getPractitioner().getReferenceElement().getIdPart())
                      .map(p -> "Practitioner/" + p)
                      .orElse("PractitionerRole/" + r));
    }
    if (step == MtStep.ATTACHED && attachedOn == null) {
      // Attached without a recorded step (written before the workflow): counted as attached the
      // day it was last modified.
      attachedOn =
          task.hasLastModified()
              ? HubTime.day(task.getLastModifiedElement())
              : HubTime.day(task.getAuthoredOnElement());
    }
    return new MtIndicators.Request(
        HubTime.day(task.getAuthoredOnElement()), step, attachedOn, ipa, gp);
  }
}
