package fr.cpts.hub.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import fr.cpts.hub.profiles.HubPackage;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationDefinitionParameterComponent;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.junit.jupiter.api.Test;

/** The provider and its OperationDefinition in the profiles package say the same thing. */
class ScheduleImportIcsOperationTest {

  static OperationDefinition definition() {
    return HubPackage.load(FhirContext.forR4Cached()).operationDefinitions().stream()
        .filter(o -> ScheduleImportIcsOperation.CANONICAL.equals(o.getUrl()))
        .findFirst()
        .orElseThrow();
  }

  static Method operationMethod() {
    return Arrays.stream(ScheduleImportIcsOperation.class.getMethods())
        .filter(m -> m.isAnnotationPresent(Operation.class))
        .findFirst()
        .orElseThrow();
  }

  /** name -> "min..max" of the definition's parameters of one use. */
  static Map<String, String> declared(OperationDefinition definition, OperationParameterUse use) {
    return definition.getParameter().stream()
        .filter(p -> p.getUse() == use)
        .collect(
            Collectors.toMap(
                OperationDefinitionParameterComponent::getName,
                p -> p.getMin() + ".." + p.getMax(),
                (a, b) -> a,
                LinkedHashMap::new));
  }

  static String cardinality(OperationParam param) {
    return param.min() + ".." + (param.max() == OperationParam.MAX_UNLIMITED ? "*" : param.max());
  }

  @Test
  void definition_namesTheOperationOnScheduleInstances_asTheProviderServesIt() {
    OperationDefinition definition = definition();
    Operation operation = operationMethod().getAnnotation(Operation.class);

    assertThat("$" + definition.getCode()).isEqualTo(ScheduleImportIcsOperation.OPERATION);
    assertThat(operation.name()).isEqualTo(ScheduleImportIcsOperation.OPERATION);
    assertThat(operation.canonicalUrl()).isEqualTo(definition.getUrl());
    assertThat(definition.getResource()).extracting(c -> c.getCode()).containsExactly("Schedule");
    assertThat(definition.getInstance()).isTrue();
    assertThat(definition.getType()).isFalse();
    assertThat(definition.getSystem()).isFalse();
    assertThat(definition.getAffectsState()).isEqualTo(!operation.idempotent());
  }

  @Test
  void definition_andProvider_haveTheSameParameters_withTheSameCardinalities() {
    OperationDefinition definition = definition();
    Map<String, String> in = new LinkedHashMap<>();
    for (Parameter parameter : operationMethod().getParameters()) {
      OperationParam param = parameter.getAnnotation(OperationParam.class);
      if (param != null) {
        in.put(param.name(), cardinality(param));
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (OperationParam param :
        operationMethod().getAnnotation(Operation.class).returnParameters()) {
      out.put(param.name(), cardinality(param));
    }

    assertThat(in)
        .containsOnlyKeys(
            ScheduleImportIcsOperation.ICS,
            ScheduleImportIcsOperation.ICS_ATTACHMENT,
            ScheduleImportIcsOperation.CATEGORY,
            ScheduleImportIcsOperation.UNAVAILABLE_CATEGORY)
        .isEqualTo(declared(definition, OperationParameterUse.IN));
    assertThat(out)
        .containsOnlyKeys(
            ScheduleImportIcsOperation.CREATED,
            ScheduleImportIcsOperation.UPDATED,
            ScheduleImportIcsOperation.DELETED,
            ScheduleImportIcsOperation.KEPT_BUSY,
            ScheduleImportIcsOperation.VERSION)
        .isEqualTo(declared(definition, OperationParameterUse.OUT));
  }
}
