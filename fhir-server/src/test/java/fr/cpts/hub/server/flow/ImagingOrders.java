package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * Imaging orders and their results as a GP software and the radiology server publish them, each new
 * (random identifiers): a practice (its Organization and a practitioner's role in it), an order
 * whose requester is that role, a final report based on the order.
 */
final class ImagingOrders {

  /** A practice: its Organization and one practitioner's role in it. */
  record Practice(IdType organization, IdType role) {}

  private final IGenericClient client;

  ImagingOrders(IGenericClient client) {
    this.client = client;
  }

  /** The criteria of the results of the orders of a practice's practitioners. */
  static String resultsOf(Practice practice) {
    return "DiagnosticReport?based-on:ServiceRequest.requester:PractitionerRole.organization="
        + practice.organization().getValue();
  }

  IdType organization() {
    Organization organization = new Organization();
    organization
        .addIdentifier()
        .setSystem(FrIdentifiers.IDNST)
        .setValue("3" + digits(14))
        .setType(
            new CodeableConcept(
                new Coding(FrIdentifiers.TYPE_SYSTEM, FrIdentifiers.TYPE_IDNST, null)));
    organization.setActive(true);
    organization.setName("Structure " + shortId());
    return create(organization);
  }

  Practice practice() {
    IdType organization = organization();
    IdType practitioner =
        create(ConformantPractitioners.of("8" + digits(11), "NOTIF-" + shortId(), "Anne"));
    PractitionerRole role = new PractitionerRole();
    role.addIdentifier().setSystem(HubIdentifiers.PRACTITIONER_ROLE).setValue(shortId());
    role.setActive(true);
    role.setPractitioner(new Reference(practitioner));
    role.setOrganization(new Reference(organization));
    return new Practice(organization, create(role));
  }

  IdType order(Practice practice) {
    return order(practice, null);
  }

  /** An imaging order of the practice, performed by {@code performer} when given. */
  IdType order(Practice practice, IdType performer) {
    String ins =
        "2790356" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    Patient patient =
        HubClient.FHIR
            .newJsonParser()
            .parseResource(Patient.class, MllpListenerIT.PATIENT.replace("{ins}", ins));
    IdType patientId = create(patient);
    ServiceRequest order = new ServiceRequest();
    order.getMeta().addProfile(HubProfiles.SERVICE_REQUEST_IMAGING);
    order.addIdentifier().setSystem(HubIdentifiers.SERVICE_REQUEST).setValue("SR-" + shortId());
    order.setStatus(ServiceRequestStatus.ACTIVE);
    order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    order.addCategory(
        new CodeableConcept(new Coding(HubProfiles.CS_REQUEST_CATEGORY, "imaging-order", null)));
    order.setCode(
        new CodeableConcept(new Coding("http://loinc.org", "24558-9", "US Abdomen"))
            .setText("Échographie abdominale"));
    order.setSubject(new Reference(patientId));
    order.setRequester(new Reference(practice.role()));
    order.addReasonCode().setText("Douleurs de l'hypochondre droit");
    if (performer != null) {
      order.addPerformer(new Reference(performer));
    }
    return create(order);
  }

  IdType report(IdType order) {
    ServiceRequest stored = client.read().resource(ServiceRequest.class).withId(order).execute();
    DiagnosticReport report = new DiagnosticReport();
    report.getMeta().addProfile(HubProfiles.DIAGNOSTIC_REPORT_IMAGING);
    report.addIdentifier().setSystem(MllpListenerIT.REPORT_SYSTEM).setValue("CR-" + shortId());
    report.addBasedOn(new Reference(order));
    report.setStatus(DiagnosticReportStatus.FINAL);
    report.addCategory(
        new CodeableConcept(
            new Coding("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD", null)));
    report.setCode(new CodeableConcept(new Coding("http://loinc.org", "24558-9", null)));
    report.setSubject(stored.getSubject());
    report.setConclusion("Lithiase vésiculaire non compliquée.");
    return create(report);
  }

  IdType create(Resource resource) {
    return (IdType) client.create().resource(resource).execute().getId().toUnqualifiedVersionless();
  }

  private static String digits(int count) {
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < count; i++) {
      digits.append(ThreadLocalRandom.current().nextInt(10));
    }
    return digits.toString();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
