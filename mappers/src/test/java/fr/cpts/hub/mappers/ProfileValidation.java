package fr.cpts.hub.mappers;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import fr.cpts.hub.profiles.HubPackage;
import fr.cpts.hub.profiles.HubProfileValidator;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** The hub profiles' validator, shared by the mappers' tests: loading the package is slow. */
public final class ProfileValidation {

  public static final FhirContext FHIR = FhirContext.forR4Cached();

  private ProfileValidation() {}

  public static HubProfileValidator validator() {
    return Holder.VALIDATOR;
  }

  /** The errors (and fatal errors) the hub profiles find in a resource. */
  public static List<String> errors(IBaseResource resource) {
    return validator().validate(resource).getMessages().stream()
        .filter(
            m ->
                m.getSeverity() == ResultSeverityEnum.ERROR
                    || m.getSeverity() == ResultSeverityEnum.FATAL)
        .map(SingleValidationMessage::toString)
        .toList();
  }

  public static void assertValid(IBaseResource resource) {
    assertThat(errors(resource))
        .as(
            "validation errors of %s/%s",
            FHIR.getResourceType(resource), resource.getIdElement().getIdPart())
        .isEmpty();
  }

  /** Built once per test JVM. */
  private static final class Holder {
    static final HubProfileValidator VALIDATOR =
        new HubProfileValidator(FHIR, HubPackage.load(FHIR));
  }
}
