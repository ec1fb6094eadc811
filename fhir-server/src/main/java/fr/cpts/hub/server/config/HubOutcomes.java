package fr.cpts.hub.server.config;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** The OperationOutcome of a refusal: one error issue, its HUB code in the text, its element. */
public final class HubOutcomes {

  private HubOutcomes() {}

  public static OperationOutcome error(String message, String expression, IssueType type) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(type)
        .setDiagnostics(message)
        .addExpression(expression);
    return outcome;
  }
}
