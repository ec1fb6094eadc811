package fr.cpts.hub.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;

/**
 * Validates resources against the hub's profiles, offline: the package's conformance resources
 * (with the snapshots the build generated; generated here only for a package of bare
 * differentials), the FHIR R4 base definitions and HAPI's in-memory terminology. Thread-safe once
 * built.
 *
 * <p>Which profiles a resource is checked against: the hub profiles it declares in {@code
 * meta.profile}; else the hub profile matching another guide's profile it declares (the SAS's
 * {@code FrPractitionerRegul} selects {@code hub-practitioner-regulator}); if it declares none, the
 * default profile of its type, which is the type's only hub profile derived directly from the base
 * resource, not counting those chosen by another guide's label (a Patient gets {@code hub-patient};
 * a ServiceRequest, which has three, must declare one). Types without a hub profile are not checked
 * here.
 */
public final class HubProfileValidator {

  private final FhirContext fhirContext;
  private final ValidationSupportChain support;
  private final FhirValidator validator;
  private final Map<String, List<String>> profilesByType;

  /**
   * Hub profiles chosen when a resource declares another guide's profile instead of ours: the SAS
   * platform labels the regulator accounts it creates with its own profile.
   */
  private static final Map<String, String> BY_OUTSIDE_PROFILE =
      Map.of(SasProfiles.PRACTITIONER_REGULATOR, HubProfiles.PRACTITIONER_REGULATOR);

  private final Map<String, String> defaultProfileByType;
  private final Set<String> hubProfiles;

  public HubProfileValidator(FhirContext fhirContext, HubPackage hubPackage) {
    this.fhirContext = fhirContext;
    PrePopulatedValidationSupport conformance = new PrePopulatedValidationSupport(fhirContext);
    hubPackage.resources().forEach(conformance::addResource);
    // The built package carries its snapshots; a package of differentials gets them here.
    if (!hubPackage.structureDefinitions().stream().allMatch(StructureDefinition::hasSnapshot)) {
      generateSnapshots(fhirContext, hubPackage).forEach(conformance::addStructureDefinition);
    }
    this.support =
        chain(fhirContext, conformance, new QuestionnaireSupport(fhirContext, hubPackage));

    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(support);
    // FR Core and other national extensions may travel on any resource; ours are checked.
    instanceValidator.setAnyExtensionsAllowed(true);
    // A client may also declare FR Core or SAS profiles, which the hub does not hold.
    instanceValidator.setErrorForUnknownProfiles(false);
    instanceValidator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
    this.validator = fhirContext.newValidator().registerValidatorModule(instanceValidator);

    Map<String, List<String>> byType = new TreeMap<>();
    Map<String, String> defaults = new TreeMap<>();
    Map<String, List<StructureDefinition>> rootDerived = new LinkedHashMap<>();
    for (StructureDefinition profile : hubPackage.profiles()) {
      byType.computeIfAbsent(profile.getType(), t -> new ArrayList<>()).add(profile.getUrl());
      if (profile.getBaseDefinition().equals(coreDefinition(profile.getType()))) {
        rootDerived.computeIfAbsent(profile.getType(), t -> new ArrayList<>()).add(profile);
      }
    }
    // A profile chosen by an outside label is never a type's default.
    rootDerived
        .values()
        .forEach(p -> p.removeIf(d -> BY_OUTSIDE_PROFILE.containsValue(d.getUrl())));
    rootDerived.forEach(
        (type, profiles) -> {
          if (profiles.size() == 1) {
            defaults.put(type, profiles.get(0).getUrl());
          }
        });
    byType.replaceAll((type, urls) -> List.copyOf(urls));
    this.profilesByType = Collections.unmodifiableMap(byType);
    this.defaultProfileByType = Collections.unmodifiableMap(defaults);
    this.hubProfiles =
        byType.values().stream().flatMap(List::stream).collect(Collectors.toUnmodifiableSet());
  }

  /** The validation support chain, holding the package with its snapshots. */
  public IValidationSupport validationSupport() {
    return support;
  }

  /** Resource type to the URLs of its hub profiles. */
  public Map<String, List<String>> profilesByType() {
    return profilesByType;
  }

  public boolean isProfiled(String resourceType) {
    return profilesByType.containsKey(resourceType);
  }

  /** The profiles a resource is checked against, or a reason why none could be chosen. */
  public record Selection(List<String> profiles, String problem) {}

  public Selection select(IBaseResource resource) {
    String type = fhirContext.getResourceType(resource);
    List<String> declared =
        resource.getMeta().getProfile().stream()
            .map(IPrimitiveType::getValueAsString)
            // A profile entry may carry only extensions, without a value.
            .filter(Objects::nonNull)
            .filter(hubProfiles::contains)
            .toList();
    List<String> ofType = profilesByType.getOrDefault(type, List.of());
    List<String> foreign = declared.stream().filter(p -> !ofType.contains(p)).toList();
    if (!foreign.isEmpty()) {
      return new Selection(
          List.of(),
          "HUB-0302: meta.profile declares "
              + foreign
              + ", which is not a profile of "
              + type
              + "; use one of "
              + ofType);
    }
    if (!declared.isEmpty()) {
      return new Selection(declared, null);
    }
    List<String> labelled =
        resource.getMeta().getProfile().stream()
            .map(IPrimitiveType::getValueAsString)
            .filter(Objects::nonNull)
            .map(BY_OUTSIDE_PROFILE::get)
            .filter(p -> p != null && ofType.contains(p))
            .distinct()
            .toList();
    if (!labelled.isEmpty()) {
      return new Selection(labelled, null);
    }
    String defaultProfile = defaultProfileByType.get(type);
    if (defaultProfile != null) {
      return new Selection(List.of(defaultProfile), null);
    }
    if (ofType.isEmpty()) {
      return new Selection(List.of(), null);
    }
    return new Selection(
        List.of(),
        "HUB-0301: a "
            + type
            + " must declare which hub profile it follows: put one of "
            + ofType
            + " in meta.profile");
  }

  /**
   * Validates a resource against the profiles {@link #select(IBaseResource)} chooses. A resource of
   * a type without hub profile is only checked against the base FHIR definitions.
   */
  public ValidationResult validate(IBaseResource resource) {
    return validate(resource, select(resource));
  }

  /** Validates a resource against a selection already made by {@link #select(IBaseResource)}. */
  public ValidationResult validate(IBaseResource resource, Selection selection) {
    if (selection.problem() != null) {
      SingleValidationMessage message = new SingleValidationMessage();
      message.setSeverity(ResultSeverityEnum.ERROR);
      message.setLocationString(fhirContext.getResourceType(resource) + ".meta.profile");
      message.setMessage(selection.problem());
      return new ValidationResult(fhirContext, List.of(message));
    }
    ValidationOptions options = new ValidationOptions();
    selection.profiles().forEach(options::addProfile);
    return validator.validateWithResult(resource, options);
  }

  private static ValidationSupportChain chain(
      FhirContext fhirContext, IValidationSupport... conformance) {
    List<IValidationSupport> supports = new ArrayList<>(List.of(conformance));
    supports.addAll(
        List.of(
            new DefaultProfileValidationSupport(fhirContext),
            new CommonCodeSystemsTerminologyService(fhirContext),
            new InMemoryTerminologyServerValidationSupport(fhirContext),
            new SnapshotGeneratingValidationSupport(fhirContext),
            unknownCodeSystemsAsWarnings(fhirContext)));
    return new ValidationSupportChain(supports.toArray(IValidationSupport[]::new));
  }

  /**
   * Generates the snapshot of every StructureDefinition of the package, offline, by a chain of its
   * own: extensions first, then each profile after its base. A resource profile is only known to
   * that chain once its turn comes, so that generating an extension never wanders into a profile
   * that uses it (the xver Slot.serviceType extension would otherwise pull hub-slot in too early).
   */
  public static List<StructureDefinition> generateSnapshots(
      FhirContext fhirContext, HubPackage hubPackage) {
    PrePopulatedValidationSupport known = new PrePopulatedValidationSupport(fhirContext);
    hubPackage.resources().stream().filter(r -> !isResourceProfile(r)).forEach(known::addResource);
    ValidationSupportChain generating = chain(fhirContext, known);
    List<StructureDefinition> generated = new ArrayList<>();
    for (StructureDefinition sd : inDependencyOrder(hubPackage.structureDefinitions())) {
      known.addStructureDefinition(sd);
      generating.invalidateCaches();
      StructureDefinition withSnapshot = snapshot(generating, sd);
      known.addStructureDefinition(withSnapshot);
      // The chain caches definitions for ever: drop the differential it may have fetched.
      generating.invalidateCaches();
      generated.add(withSnapshot);
    }
    return List.copyOf(generated);
  }

  private static boolean isResourceProfile(org.hl7.fhir.r4.model.Resource resource) {
    return resource instanceof StructureDefinition sd
        && sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE;
  }

  private static StructureDefinition snapshot(
      ValidationSupportChain support, StructureDefinition differential) {
    StructureDefinition generated =
        (StructureDefinition)
            support.generateSnapshot(
                new ValidationSupportContext(support),
                differential,
                differential.getUrl(),
                null,
                differential.getName());
    if (generated == null || !generated.hasSnapshot()) {
      throw new IllegalStateException(
          "HUB-0303: no snapshot could be generated for " + differential.getUrl());
    }
    return generated;
  }

  /** Extensions first, then profiles on a base resource, then profiles on those profiles. */
  static List<StructureDefinition> inDependencyOrder(List<StructureDefinition> definitions) {
    Set<String> urls =
        definitions.stream().map(StructureDefinition::getUrl).collect(Collectors.toSet());
    Comparator<StructureDefinition> order =
        Comparator.comparingInt(
                (StructureDefinition sd) -> "Extension".equals(sd.getType()) ? 0 : 1)
            .thenComparingInt(sd -> urls.contains(sd.getBaseDefinition()) ? 1 : 0)
            .thenComparing(StructureDefinition::getUrl);
    return definitions.stream().sorted(order).toList();
  }

  private static String coreDefinition(String type) {
    return "http://hl7.org/fhir/StructureDefinition/" + type;
  }

  private static IValidationSupport unknownCodeSystemsAsWarnings(FhirContext fhirContext) {
    UnknownCodeSystemWarningValidationSupport unknown =
        new UnknownCodeSystemWarningValidationSupport(fhirContext);
    unknown.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
    return unknown;
  }
}
