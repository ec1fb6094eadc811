package fr.cpts.hub.server.flow;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.ig.IgExamples;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.LocalDate;
import java.util.Date;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.UnsignedIntType;

/**
 * Synthetic data of the médecin traitant flows: GPs at places of their own (random, far from the
 * demo territory and from each other's tests), patients with a test-system INS or without, and the
 * intake Bundle the web form and the tele-secretariat post.
 */
final class MtFixtures {

  private static final SplittableRandom RANDOM = new SplittableRandom();
  private static final AtomicLong SEQUENCE = new AtomicLong(RANDOM.nextLong(1_000_000_000L));

  private MtFixtures() {}

  /** A place in its own commune: a fictitious INSEE code and postal code, a position. */
  record Place(String insee, String postalCode, double latitude, double longitude) {

    /** Somewhere at random, away from the demo territory (around 47.6 N, 2.8 W). */
    static Place anywhere() {
      return new Place(
          String.format("%05d", 10_000 + RANDOM.nextInt(80_000)),
          String.format("%05d", 10_000 + RANDOM.nextInt(80_000)),
          43.5 + RANDOM.nextDouble() * 5.0,
          1.0 + RANDOM.nextDouble() * 6.0);
    }

    /** Another commune about {@code km} kilometres north of this one. */
    Place north(double km) {
      return new Place(
          String.format("%05d", 10_000 + RANDOM.nextInt(80_000)),
          String.format("%05d", 10_000 + RANDOM.nextInt(80_000)),
          latitude + km / 111.2,
          longitude);
    }
  }

  /** A GP stored with a Practitioner, a Location and a PractitionerRole. */
  record Gp(String roleId, String practitionerId, String locationId) {
    String role() {
      return "PractitionerRole/" + roleId;
    }
  }

  static Gp gp(
      IGenericClient client,
      String family,
      Place place,
      boolean accepting,
      Integer capacity,
      String... groups) {
    Practitioner practitioner =
        ConformantPractitioners.of(
            String.format("81%010d", SEQUENCE.incrementAndGet() % 10_000_000_000L), family, "Jean");
    String practitionerId = client.create().resource(practitioner).execute().getId().getIdPart();

    Location location = new Location();
    location.setName("Cabinet " + family);
    location.setStatus(Location.LocationStatus.ACTIVE);
    Address address = new Address();
    address.addLine("1 place de la Mairie");
    address.setCity("Commune " + place.insee());
    address.setPostalCode(place.postalCode());
    address.addExtension(
        FrExtensions.ADDRESS_INSEE_CODE,
        new Coding(FrCodeSystems.TRE_R13_COMMUNE, place.insee(), null));
    location.setAddress(address);
    location.getPosition().setLatitude(place.latitude()).setLongitude(place.longitude());
    String locationId = client.create().resource(location).execute().getId().getIdPart();

    PractitionerRole role = new PractitionerRole();
    role.setActive(true);
    role.setPractitioner(new Reference("Practitioner/" + practitionerId));
    role.addLocation(new Reference("Location/" + locationId));
    Extension flag = role.addExtension().setUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS);
    flag.addExtension("accepting", new BooleanType(accepting));
    if (capacity != null) {
      flag.addExtension("capacity", new UnsignedIntType(capacity));
    }
    for (String group : groups) {
      flag.addExtension(
          "condition", new CodeableConcept(new Coding(HubProfiles.CS_PATIENT_GROUP, group, null)));
    }
    String roleId = client.create().resource(role).execute().getId().getIdPart();
    return new Gp(roleId, practitionerId, locationId);
  }

  /** A fresh 15-character INS-NIR of the test system. */
  static String ins() {
    return String.format("1800156%08d", SEQUENCE.incrementAndGet() % 100_000_000L);
  }

  /** A patient with an INS of the test system (the guide's INS example, renamed). */
  static Patient patientWithIns(String ins, String family, String given, String birthDate) {
    Patient patient =
        (Patient)
            IgExamples.all().stream()
                .filter(e -> e.file().equals("Patient-ex-patient-ins.json"))
                .findFirst()
                .orElseThrow()
                .parse(HubClient.FHIR);
    patient.setId((String) null);
    patient.getIdentifierFirstRep().setValue(ins);
    patient.getNameFirstRep().setFamily(family).getGiven().clear();
    patient.getNameFirstRep().addGiven(given);
    patient.setBirthDateElement(new DateType(birthDate));
    return patient;
  }

  /** A patient whose INS is not known. */
  static Patient patientWithoutIns(String family, String given, String birthDate) {
    Patient patient = new Patient();
    patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily(family).addGiven(given);
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new DateType(birthDate));
    return patient;
  }

  /** The answers of a fiche de saisine. */
  static final class Fiche {
    boolean ald;
    boolean c2s;
    boolean precarity;
    String mobility = "autonomous";
    String commune;
    String[] chronicConditions = {};

    Fiche commune(String insee) {
      this.commune = insee;
      return this;
    }

    Fiche ald() {
      this.ald = true;
      return this;
    }

    Fiche c2s() {
      this.c2s = true;
      return this;
    }

    Fiche precarity() {
      this.precarity = true;
      return this;
    }

    QuestionnaireResponse build(String patientReference) {
      QuestionnaireResponse fiche = new QuestionnaireResponse();
      fiche.setQuestionnaire(HubProfiles.QUESTIONNAIRE_FICHE_SAISINE);
      fiche.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
      fiche.setSubject(new Reference(patientReference));
      fiche.setAuthored(new Date());
      answer(fiche, "ald", new BooleanType(ald));
      answer(fiche, "c2s", new BooleanType(c2s));
      answer(fiche, "mobility", new Coding(HubProfiles.CS_MOBILITY, mobility, null));
      answer(fiche, "precarity", new BooleanType(precarity));
      for (String condition : chronicConditions) {
        answer(fiche, "chronic-conditions", new StringType(condition));
      }
      if (commune != null) {
        answer(fiche, "preferred-commune", new StringType(commune));
      }
      answer(fiche, "languages", new Coding("urn:ietf:bcp:47", "fr", null));
      return fiche;
    }

    private static void answer(QuestionnaireResponse fiche, String linkId, Type value) {
      QuestionnaireResponse.QuestionnaireResponseItemComponent item =
          fiche.getItem().stream()
              .filter(i -> linkId.equals(i.getLinkId()))
              .findFirst()
              .orElseGet(() -> fiche.addItem().setLinkId(linkId));
      item.addAnswer().setValue(value);
    }
  }

  /**
   * The intake Bundle: Patient, fiche, ServiceRequest and Task, all POSTed, referencing each other
   * by fullUrl; {@code authoredOn} null leaves it to the hub.
   */
  static Bundle intake(Patient patient, Fiche answers, LocalDate authoredOn) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String patientUrl = "urn:uuid:" + java.util.UUID.randomUUID();
    String ficheUrl = "urn:uuid:" + java.util.UUID.randomUUID();
    String requestUrl = "urn:uuid:" + java.util.UUID.randomUUID();
    bundle
        .addEntry()
        .setFullUrl(patientUrl)
        .setResource(patient)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient");
    bundle
        .addEntry()
        .setFullUrl(ficheUrl)
        .setResource(answers.build(patientUrl))
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("QuestionnaireResponse");
    ServiceRequest request = new ServiceRequest();
    request.getMeta().addProfile(HubProfiles.SERVICE_REQUEST_MT);
    request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    request.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    request.addCategory(
        new CodeableConcept(new Coding(HubProfiles.CS_REQUEST_CATEGORY, "find-mt", null)));
    request.setSubject(new Reference(patientUrl));
    request.setAuthoredOnElement(
        authoredOn == null ? DateTimeType.now() : new DateTimeType(authoredOn + "T00:30:00+01:00"));
    request.addSupportingInfo(new Reference(ficheUrl));
    bundle
        .addEntry()
        .setFullUrl(requestUrl)
        .setResource(request)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("ServiceRequest");
    Task task = new Task();
    task.setStatus(Task.TaskStatus.RECEIVED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setCode(new CodeableConcept(new Coding(HubProfiles.CS_TASK_TYPE, "find-mt", null)));
    task.setFocus(new Reference(requestUrl));
    task.setFor(new Reference(patientUrl));
    task.setRequester(new Reference(patientUrl));
    if (authoredOn != null) {
      task.setAuthoredOnElement(new DateTimeType(authoredOn + "T00:30:00+01:00"));
    }
    bundle
        .addEntry()
        .setResource(task)
        .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Task");
    return bundle;
  }
}
