package fr.cpts.hub.mappers.ical;

import ca.uhn.fhir.context.FhirContext;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ProfileValidation;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfileValidator;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;

/** Synthetic data and the shared validator of the iCalendar tests. */
final class Fixtures {

  static final FhirContext FHIR = ProfileValidation.FHIR;

  static final String BOOKING_URL = "https://agenda.example.fr/dr-x";
  static final String SCHEDULE_KEY = "dr-x-cabinet";

  private Fixtures() {}

  /** Dr X's schedule at the practice: SNP slots, consultation at the practice. */
  static Schedule schedule() {
    Schedule schedule = new Schedule();
    schedule.setId("sched-dr-x");
    schedule.getMeta().addProfile(HubProfiles.SCHEDULE);
    schedule.getMeta().addSecurity(FrCodeSystems.TRE_R314_TYPE_CRENEAU, "SNP", null);
    schedule.addIdentifier().setSystem(HubIdentifiers.SCHEDULE).setValue(SCHEDULE_KEY);
    schedule.setActive(true);
    schedule.addServiceType(
        new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, "AMB", null)));
    schedule.addActor(new Reference("Practitioner/pr-dr-x"));
    schedule.addActor(new Reference("PractitionerRole/prr-dr-x-cabinet"));
    schedule.setComment(BOOKING_URL);
    return schedule;
  }

  static MappingContext context(Instant now) {
    return MappingContext.paris(Clock.fixed(now, ZoneOffset.UTC), counter());
  }

  /** ids generated-1, generated-2... */
  static Supplier<String> counter() {
    AtomicInteger next = new AtomicInteger();
    return () -> "generated-" + next.incrementAndGet();
  }

  static HubProfileValidator validator() {
    return ProfileValidation.validator();
  }

  /** The errors (and fatal errors) the hub profiles find in a resource. */
  static List<String> errors(IBaseResource resource) {
    return ProfileValidation.errors(resource);
  }

  static void assertValid(IBaseResource resource) {
    ProfileValidation.assertValid(resource);
  }
}
