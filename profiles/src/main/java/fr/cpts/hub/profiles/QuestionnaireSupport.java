package fr.cpts.hub.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Questionnaire;

/**
 * Serves the package's Questionnaires to HAPI's validator, by canonical URL (with or without {@code
 * |version}), so that a QuestionnaireResponse is checked against its Questionnaire: item types,
 * required items, answer options. HAPI's pre-populated support holds only definitions and
 * terminology.
 */
final class QuestionnaireSupport implements IValidationSupport {

  private final FhirContext fhirContext;
  private final Map<String, Questionnaire> byUrl;

  QuestionnaireSupport(FhirContext fhirContext, HubPackage hubPackage) {
    this.fhirContext = fhirContext;
    this.byUrl =
        hubPackage.questionnaires().stream()
            .collect(Collectors.toUnmodifiableMap(Questionnaire::getUrl, Function.identity()));
  }

  @Override
  public FhirContext getFhirContext() {
    return fhirContext;
  }

  @Override
  public String getName() {
    return "cpts-hub questionnaires";
  }

  @Override
  public <T extends IBaseResource> T fetchResource(Class<T> type, String uri) {
    if (uri == null || (type != null && !type.isAssignableFrom(Questionnaire.class))) {
      return null;
    }
    int bar = uri.indexOf('|');
    Questionnaire questionnaire = byUrl.get(bar < 0 ? uri : uri.substring(0, bar));
    @SuppressWarnings("unchecked")
    T found = (T) questionnaire;
    return found;
  }
}
