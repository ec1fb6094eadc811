package fr.cpts.hub.server.profile;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import fr.cpts.hub.profiles.HubProfileValidator;
import fr.cpts.hub.profiles.HubProfileValidator.Selection;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Refuses to store a resource that does not conform to the hub's profiles: every create and update
 * of a profiled type (a REST call, a transaction entry, a conditional write, the demo loader) is
 * validated before it is stored, and a non-conformant one fails with 422 Unprocessable Entity and
 * an OperationOutcome listing each error at its element ({@code expression}). A transaction with
 * one such entry stores nothing.
 *
 * <p>A conformant resource is stored with the profile it was checked against in {@code
 * meta.profile}. Types without a hub profile, deletes and reads are not its business.
 */
@Interceptor
public class ProfileValidationInterceptor {

  static final String NOT_CONFORMANT = "HUB-0304";

  /** How many errors the first issue quotes, for clients that only show the first one. */
  private static final int SUMMARISED_ERRORS = 3;

  private final FhirContext fhirContext;
  private final HubProfileValidator validator;

  public ProfileValidationInterceptor(FhirContext fhirContext, HubProfileValidator validator) {
    this.fhirContext = fhirContext;
    this.validator = validator;
  }

  /**
   * Set to true in the user data of a {@link SystemRequestDetails} whose resources the hub builds
   * itself, in code whose output the tests validate (the audit trail): they are stored without
   * being validated again. Client requests never carry it.
   */
  public static final String BUILT_BY_THE_HUB =
      ProfileValidationInterceptor.class.getName() + ".builtByTheHub";

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    if (!builtByTheHub(request)) {
      enforce(resource);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    if (!builtByTheHub(request)) {
      enforce(resource);
    }
  }

  private static boolean builtByTheHub(RequestDetails request) {
    return request instanceof SystemRequestDetails
        && Boolean.TRUE.equals(request.getUserData().get(BUILT_BY_THE_HUB));
  }

  private void enforce(IBaseResource resource) {
    String type = fhirContext.getResourceType(resource);
    if (!validator.isProfiled(type)) {
      return;
    }
    Selection selection = validator.select(resource);
    // A copy: a resource HAPI parsed or read carries its original text in its user data, which the
    // validator would check instead of what the hub's earlier hooks made of it (prefixed IDNPS...).
    ValidationResult result = validator.validate(((Resource) resource).copy(), selection);
    List<SingleValidationMessage> errors =
        result.getMessages().stream()
            .filter(
                m ->
                    m.getSeverity() == ResultSeverityEnum.ERROR
                        || m.getSeverity() == ResultSeverityEnum.FATAL)
            .toList();
    if (!errors.isEmpty()) {
      // The exception's message may be logged: it names the type and the count, nothing of the
      // resource; the validator's messages, which may quote it, travel in the OperationOutcome.
      throw new UnprocessableEntityException(
          NOT_CONFORMANT + ": a " + type + " does not conform (" + errors.size() + " errors)",
          outcome(type, errors));
    }
    Resource stored = (Resource) resource;
    for (String profile : selection.profiles()) {
      if (!stored.getMeta().hasProfile(profile)) {
        stored.getMeta().getProfile().add(new CanonicalType(profile));
      }
    }
  }

  private OperationOutcome outcome(String type, List<SingleValidationMessage> errors) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(IssueSeverity.ERROR)
        .setCode(IssueType.PROCESSING)
        .setDiagnostics(
            NOT_CONFORMANT
                + ": this "
                + type
                + " does not conform to the hub's profiles ("
                + errors.size()
                + (errors.size() == 1 ? " error" : " errors")
                + "); nothing was stored. "
                + errors.stream()
                    .limit(SUMMARISED_ERRORS)
                    .map(e -> e.getLocationString() + ": " + e.getMessage())
                    .collect(Collectors.joining(" | "))
                + (errors.size() > SUMMARISED_ERRORS ? " | ..." : "")
                + " (every error is an issue below; the profiles are described at"
                + " /ig/profiles.html)");
    for (SingleValidationMessage error : errors) {
      OperationOutcome.OperationOutcomeIssueComponent issue =
          outcome
              .addIssue()
              .setSeverity(
                  error.getSeverity() == ResultSeverityEnum.FATAL
                      ? IssueSeverity.FATAL
                      : IssueSeverity.ERROR)
              .setCode(IssueType.INVALID)
              .setDiagnostics(error.getMessage());
      if (error.getLocationString() != null) {
        issue.addExpression(error.getLocationString());
      }
    }
    return outcome;
  }
}
