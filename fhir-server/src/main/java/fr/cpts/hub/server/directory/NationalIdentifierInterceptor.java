package fr.cpts.hub.server.directory;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.util.FhirTerser;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.server.config.HubStorageInterceptor;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Accepts national identifiers as GP software sends them and stores them as FR Core wants them,
 * before the profiles are checked:
 *
 * <ul>
 *   <li>a Practitioner's IDNPS sent without its {@code 8} (an RPPS number on the IDNPS system) is
 *       prefixed; an RPPS alone gains its IDNPS, an RPPS-based IDNPS alone gains its RPPS, so that
 *       {@code identifier=} searches and conditional updates match on either system;
 *   <li>an Organization's FINESS or SIRET/SIREN alone gains its IDNST ({@code 1}+FINESS, {@code
 *       3}+SIRET, {@code 2}+SIREN); an IDNST of 14 digits (a SIRET without its {@code 3}) is
 *       prefixed;
 *   <li>identifiers of these systems without a type get the FR Core type;
 *   <li>the same identifiers in conditional references and, in a transaction, in its entries'
 *       conditional URLs ({@link ConditionalIdentifiers}).
 * </ul>
 *
 * A 9-character IDNST cannot be told apart (FINESS or SIREN) and is left as sent.
 */
@Component
@Interceptor(order = NationalIdentifierInterceptor.BEFORE_VALIDATION)
public class NationalIdentifierInterceptor implements HubStorageInterceptor {

  /** Before the profile validation (order 0). */
  static final int BEFORE_VALIDATION = -100;

  private static final FhirTerser TERSER = FhirContext.forR4Cached().newTerser();
  private static final Pattern RPPS = Pattern.compile("\\d{11}");
  private static final Pattern IDNPS_FROM_RPPS = Pattern.compile("8\\d{11}");
  private static final Pattern SIRET = Pattern.compile("\\d{14}");
  private static final Pattern SIREN = Pattern.compile("\\d{9}");

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = BEFORE_VALIDATION)
  public void created(IBaseResource resource) {
    normalise(resource);
  }

  @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = BEFORE_VALIDATION)
  public void updated(IBaseResource previous, IBaseResource resource) {
    normalise(resource);
  }

  /**
   * The conditional URLs of a transaction's entries ({@code request.url}, {@code ifNoneExist}),
   * normalised before HAPI resolves them; the entries' resources are normalised as they are stored
   * (their conditional references too), like any other write.
   */
  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void transaction(IBaseBundle bundle) {
    if (!(bundle instanceof Bundle transaction)) {
      return;
    }
    for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
      Bundle.BundleEntryRequestComponent request = entry.getRequest();
      if (request.hasUrl() && request.getUrl().contains("?")) {
        request.setUrl(ConditionalIdentifiers.normalise(request.getUrl()));
      }
      if (request.hasIfNoneExist()) {
        request.setIfNoneExist(ConditionalIdentifiers.normalise(request.getIfNoneExist()));
      }
    }
  }

  static void normalise(IBaseResource resource) {
    conditionalReferences(resource);
    if (resource instanceof Practitioner practitioner) {
      practitioner(practitioner.getIdentifier(), practitioner);
    } else if (resource instanceof Organization organization) {
      organization(organization);
    }
  }

  private static void practitioner(List<Identifier> identifiers, Practitioner practitioner) {
    for (Identifier identifier : identifiers) {
      if (FrIdentifiers.IDNPS.equals(identifier.getSystem())
          && identifier.hasValue()
          && RPPS.matcher(identifier.getValue()).matches()) {
        identifier.setValue(FrIdentifiers.IDNPS_RPPS_PREFIX + identifier.getValue());
      }
    }
    Optional<Identifier> idnps = first(identifiers, FrIdentifiers.IDNPS);
    Optional<Identifier> rpps = first(identifiers, FrIdentifiers.RPPS);
    if (idnps.isEmpty() && rpps.isPresent() && RPPS.matcher(rpps.get().getValue()).matches()) {
      practitioner
          .addIdentifier()
          .setSystem(FrIdentifiers.IDNPS)
          .setValue(FrIdentifiers.IDNPS_RPPS_PREFIX + rpps.get().getValue());
    }
    if (rpps.isEmpty()
        && idnps.isPresent()
        && IDNPS_FROM_RPPS.matcher(idnps.get().getValue()).matches()) {
      practitioner
          .addIdentifier()
          .setSystem(FrIdentifiers.RPPS)
          .setValue(idnps.get().getValue().substring(1));
    }
    typed(practitioner.getIdentifier(), FrIdentifiers.IDNPS, "IDNPS");
    typed(practitioner.getIdentifier(), FrIdentifiers.RPPS, "RPPS");
  }

  private static void organization(Organization organization) {
    List<Identifier> identifiers = organization.getIdentifier();
    for (Identifier identifier : identifiers) {
      if (FrIdentifiers.IDNST.equals(identifier.getSystem())
          && identifier.hasValue()
          && SIRET.matcher(identifier.getValue()).matches()) {
        identifier.setValue(FrIdentifiers.IDNST_SIRET_PREFIX + identifier.getValue());
      }
    }
    if (first(identifiers, FrIdentifiers.IDNST).isEmpty()) {
      Optional<String> idnst =
          first(identifiers, FrIdentifiers.FINESS)
              .map(f -> FrIdentifiers.IDNST_FINESS_PREFIX + f.getValue())
              .or(
                  () ->
                      first(identifiers, FrIdentifiers.SIRENE)
                          .map(Identifier::getValue)
                          .map(
                              v ->
                                  SIRET.matcher(v).matches()
                                      ? FrIdentifiers.IDNST_SIRET_PREFIX + v
                                      : SIREN.matcher(v).matches()
                                          ? FrIdentifiers.IDNST_SIREN_PREFIX + v
                                          : null));
      idnst.ifPresent(v -> organization.addIdentifier().setSystem(FrIdentifiers.IDNST).setValue(v));
    }
    typed(organization.getIdentifier(), FrIdentifiers.IDNST, "IDNST");
  }

  /**
   * Conditional references ({@code Practitioner?identifier=...}) with their identifiers normalised.
   */
  private static void conditionalReferences(IBaseResource resource) {
    for (Reference reference :
        TERSER.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      if (reference.hasReference() && reference.getReference().contains("?")) {
        reference.setReference(ConditionalIdentifiers.normalise(reference.getReference()));
      }
    }
  }

  private static Optional<Identifier> first(List<Identifier> identifiers, String system) {
    return identifiers.stream()
        .filter(i -> system.equals(i.getSystem()) && i.hasValue())
        .findFirst();
  }

  private static void typed(List<Identifier> identifiers, String system, String code) {
    for (Identifier identifier : identifiers) {
      if (system.equals(identifier.getSystem()) && !identifier.hasType()) {
        identifier.setType(new CodeableConcept(new Coding(FrIdentifiers.TYPE_SYSTEM, code, null)));
      }
    }
  }
}
