package fr.cpts.hub.server.sas;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import fr.cpts.hub.mappers.FrenchPhoneNumber;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.SasProfiles;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * The SAS platform's view of the hub's slots: from the stored resources ({@link SasSources}), the
 * answer the SAS and its test kit expect (ANS SAS guide 1.1.0, summarised in domain.md). Each
 * resource is rebuilt with only what the SAS profile reads and labelled with exactly one profile,
 * the SAS one:
 *
 * <ul>
 *   <li>free slots inside the window and not before now, sorted by start; start and end with
 *       milliseconds and the Europe/Paris offset; the slot type in {@code meta.security}, the
 *       consultation kind in {@code serviceType} (the CPTS reference only in the CPTS variant);
 *   <li>one Schedule per (professional, place) with the Practitioner and the PractitionerRole as
 *       actors;
 *   <li>the Practitioner with its IDNPS typed in FR Core 1.1's {@code fr-v2-0203};
 *   <li>the PractitionerRole with its Location contained (address: one line, city, postal code; the
 *       hub's location id typed {@code INTRN}), its Organization by IDNST, phones in {@code +33}
 *       form;
 *   <li>for CPTS (INT_R04): the HealthcareService and the CPTS Organization.
 * </ul>
 *
 * It does no I/O: both search paths feed it and get the same answer.
 */
public final class SasAnswerView {

  static final String CONTAINED_LOCATION_ID = "loc";

  /**
   * The version of {@link #slotView}'s output. The read model keeps each slot's view encoded with
   * the version that wrote it and only serves views of this version: bump it whenever the slot view
   * changes, and the views stored by an older hub are recomputed (at start-up, and meanwhile on
   * each answer).
   */
  public static final int VERSION = 1;

  private final ZoneId zone;

  public SasAnswerView(ZoneId zone) {
    this.zone = zone;
  }

  /**
   * The searchset Bundle answering {@code query}.
   *
   * @param base the server's base URL, for the entries' fullUrl
   * @param selfLink the query as the client sent it, echoed in {@code link[self]}
   * @param nextLink the next page's link, or null
   */
  public Bundle build(
      SasSlotQuery query,
      Instant now,
      SasSources sources,
      String base,
      String selfLink,
      String nextLink) {
    Instant from = query.from().isBefore(now) ? now : query.from();
    List<Slot> slots =
        sources.slots().stream()
            .filter(s -> s.getStatus() == Slot.SlotStatus.FREE)
            .filter(s -> !s.getStart().toInstant().isBefore(from))
            .filter(s -> !s.getStart().toInstant().isAfter(query.to()))
            .sorted(
                Comparator.comparing((Slot s) -> s.getStart().toInstant())
                    .thenComparing(s -> s.getIdElement().getIdPart()))
            .toList();

    Bundle bundle =
        envelope(
            query, sources.total() - (sources.slots().size() - slots.size()), selfLink, nextLink);
    Set<String> scheduleIds = new TreeSet<>();
    Set<String> serviceIds = new TreeSet<>();
    for (Slot slot : slots) {
      add(bundle, base, slotView(slot, query.cpts()), SearchEntryMode.MATCH);
      scheduleIds.add(idOf(slot.getSchedule()));
      serviceIds.addAll(serviceIds(slot));
    }
    included(query.cpts(), scheduleIds, serviceIds, sources)
        .forEach(r -> add(bundle, base, r, SearchEntryMode.INCLUDE));
    return bundle;
  }

  /** The Bundle without its entries: profile, type, total and links. */
  public Bundle envelope(SasSlotQuery query, int total, String selfLink, String nextLink) {
    Bundle bundle = new Bundle();
    bundle.getMeta().addProfile(query.cpts() ? SasProfiles.CPTS_BUNDLE : SasProfiles.BUNDLE);
    bundle.setType(Bundle.BundleType.SEARCHSET);
    bundle.setTotal(total);
    bundle.addLink().setRelation(Bundle.LINK_SELF).setUrl(selfLink);
    if (nextLink != null) {
      bundle.addLink().setRelation(Bundle.LINK_NEXT).setUrl(nextLink);
    }
    return bundle;
  }

  /**
   * An included resource of an answer, built on demand.
   *
   * @param source the versions of the stored resources the view is built from (e.g. {@code
   *     PractitionerRole/7/_history/2 Location/3/_history/1 Organization/2/_history/1}): the same
   *     source always gives the same view; null when one of them has no version
   * @param view builds the view
   */
  public record IncludedView(String type, String id, String source, Supplier<Resource> view) {}

  /**
   * The included resources of an answer whose slots belong to these schedules and, in the CPTS
   * variant, these HealthcareServices: Schedules, then Practitioners, PractitionerRoles,
   * HealthcareServices, Organizations, each sorted by id.
   */
  public List<Resource> included(
      boolean cpts, Set<String> scheduleIds, Set<String> serviceIds, SasSources sources) {
    return includedViews(cpts, scheduleIds, serviceIds, sources).stream()
        .map(v -> v.view().get())
        .toList();
  }

  /** {@link #included}, each view to be built by the caller, with what it is built from. */
  public List<IncludedView> includedViews(
      boolean cpts, Set<String> scheduleIds, Set<String> serviceIds, SasSources sources) {
    Map<String, IncludedView> included = new TreeMap<>();
    for (String scheduleId : scheduleIds) {
      Schedule schedule = sources.schedules().get(scheduleId);
      if (schedule == null) {
        continue;
      }
      put(included, schedule, () -> schedule(schedule), schedule);
      for (Reference actor : schedule.getActor()) {
        String id = idOf(actor);
        Practitioner practitioner = sources.practitioners().get(id);
        if (practitioner != null && isType(actor, "Practitioner")) {
          put(included, practitioner, () -> practitioner(practitioner), practitioner);
        }
        PractitionerRole role = sources.roles().get(id);
        if (role != null && isType(actor, "PractitionerRole")) {
          put(
              included,
              role,
              () -> role(role, sources),
              role,
              roleLocation(role, sources),
              sources.organizations().get(idOf(role.getOrganization())));
        }
      }
    }
    if (cpts) {
      for (String serviceId : serviceIds) {
        HealthcareService service = sources.services().get(serviceId);
        if (service == null) {
          continue;
        }
        put(included, service, () -> service(service), service);
        Organization organization = sources.organizations().get(idOf(service.getProvidedBy()));
        if (organization != null) {
          put(
              included,
              organization,
              () -> cptsOrganization(organization, service),
              organization,
              service);
        }
      }
    }
    return included.values().stream()
        .sorted(
            Comparator.comparingInt((IncludedView v) -> rank(v.type())).thenComparing(v -> v.id()))
        .toList();
  }

  /** Adds the view of {@code resource} unless the answer has it already. */
  private static void put(
      Map<String, IncludedView> included,
      Resource resource,
      Supplier<Resource> view,
      Resource... sources) {
    included.computeIfAbsent(
        key(resource),
        k ->
            new IncludedView(
                resource.fhirType(), resource.getIdElement().getIdPart(), source(sources), view));
  }

  /** The stored versions a view is built from, or null if one has no version. */
  private static String source(Resource... resources) {
    StringBuilder source = new StringBuilder();
    for (Resource resource : resources) {
      if (resource == null) {
        source.append("- ");
        continue;
      }
      String version = resource.getIdElement().getVersionIdPart();
      if (version == null) {
        return null;
      }
      source
          .append(resource.fhirType())
          .append('/')
          .append(resource.getIdElement().getIdPart())
          .append("/_history/")
          .append(version)
          .append(' ');
    }
    return source.toString();
  }

  /** The id parts of the CPTS HealthcareServices a slot refers to from its serviceType. */
  static List<String> serviceIds(Slot stored) {
    return stored.getServiceType().stream()
        .map(t -> t.getExtensionByUrl(FrExtensions.SLOT_SERVICE_TYPE_REFERENCE))
        .filter(e -> e != null && e.getValue() instanceof Reference)
        .map(e -> idOf((Reference) e.getValue()))
        .filter(id -> id != null)
        .toList();
  }

  /**
   * A slot as the SAS sees it: the SAS profile of the variant, the slot type, serviceType (the CPTS
   * reference only in the CPTS variant), specialty, appointmentType, schedule, start and end to the
   * millisecond with the offset, the booking URL in comment. It depends on the slot alone: the read
   * model keeps it encoded ({@link #VERSION}).
   */
  public Slot slotView(Slot stored, boolean cpts) {
    Slot view = new Slot();
    view.setId(stored.getIdElement().getIdPart());
    view.getMeta().addProfile(cpts ? SasProfiles.CPTS_SLOT : SasProfiles.SLOT);
    for (Coding security : stored.getMeta().getSecurity()) {
      if (FrCodeSystems.TRE_R314_TYPE_CRENEAU.equals(security.getSystem())) {
        view.getMeta().addSecurity(new Coding(security.getSystem(), security.getCode(), null));
      }
    }
    for (CodeableConcept serviceType : stored.getServiceType()) {
      boolean cptsReference = serviceType.hasExtension(FrExtensions.SLOT_SERVICE_TYPE_REFERENCE);
      if (!cptsReference || cpts) {
        view.addServiceType(serviceType.copy());
      }
    }
    stored.getSpecialty().forEach(s -> view.addSpecialty(s.copy()));
    if (stored.hasAppointmentType()) {
      view.setAppointmentType(stored.getAppointmentType().copy());
    }
    view.setSchedule(new Reference("Schedule/" + idOf(stored.getSchedule())));
    view.setStatus(Slot.SlotStatus.FREE);
    view.setStartElement(dateTime(stored.getStart()));
    view.setEndElement(dateTime(stored.getEnd()));
    view.setComment(stored.getComment());
    return view;
  }

  private static Schedule schedule(Schedule stored) {
    Schedule view = new Schedule();
    view.setId(stored.getIdElement().getIdPart());
    view.getMeta().addProfile(SasProfiles.SCHEDULE);
    stored.getActor().stream()
        .filter(a -> isType(a, "Practitioner"))
        .findFirst()
        .ifPresent(a -> view.addActor(new Reference("Practitioner/" + idOf(a))));
    stored.getActor().stream()
        .filter(a -> isType(a, "PractitionerRole"))
        .forEach(a -> view.addActor(new Reference("PractitionerRole/" + idOf(a))));
    return view;
  }

  private static Practitioner practitioner(Practitioner stored) {
    Practitioner view = new Practitioner();
    view.setId(stored.getIdElement().getIdPart());
    view.getMeta().addProfile(SasProfiles.PRACTITIONER);
    stored.getIdentifier().stream()
        .filter(i -> FrIdentifiers.IDNPS.equals(i.getSystem()))
        .findFirst()
        .ifPresent(i -> view.addIdentifier(typed(i, SasProfiles.FR_V2_0203, "IDNPS")));
    stored.getName().stream()
        .filter(n -> n.getUse() == null || n.getUse() != HumanName.NameUse.OLD)
        .findFirst()
        .ifPresent(
            n -> {
              HumanName name = view.addName().setFamily(n.getFamily());
              n.getGiven().forEach(g -> name.addGiven(g.getValue()));
              n.getPrefix().forEach(p -> name.addPrefix(p.getValue()));
            });
    return view;
  }

  private static PractitionerRole role(PractitionerRole stored, SasSources sources) {
    PractitionerRole view = new PractitionerRole();
    view.setId(stored.getIdElement().getIdPart());
    view.getMeta().addProfile(SasProfiles.PRACTITIONER_ROLE);
    Location location = roleLocation(stored, sources);
    if (location != null) {
      view.addContained(location(location));
      view.addLocation(new Reference("#" + CONTAINED_LOCATION_ID));
    }
    view.setPractitioner(new Reference("Practitioner/" + idOf(stored.getPractitioner())));
    Organization organization = sources.organizations().get(idOf(stored.getOrganization()));
    if (organization != null) {
      organization.getIdentifier().stream()
          .filter(i -> FrIdentifiers.IDNST.equals(i.getSystem()))
          .findFirst()
          .ifPresent(
              i ->
                  view.setOrganization(
                      new Reference().setIdentifier(typed(i, SasProfiles.FR_V2_0203, "IDNST"))));
    }
    List<ContactPoint> phones = phones(stored.getTelecom());
    if (phones.isEmpty() && location != null) {
      phones = phones(location.getTelecom());
    }
    phones.forEach(view::addTelecom);
    return view;
  }

  /** The role's first Location that is stored, the one its view contains. */
  private static Location roleLocation(PractitionerRole stored, SasSources sources) {
    return stored.getLocation().stream()
        .map(l -> sources.locations().get(idOf(l)))
        .filter(l -> l != null)
        .findFirst()
        .orElse(null);
  }

  private static Location location(Location stored) {
    Location view = new Location();
    view.setId(CONTAINED_LOCATION_ID);
    view.getMeta().addProfile(SasProfiles.LOCATION);
    List<Identifier> own =
        stored.getIdentifier().stream()
            .filter(i -> HubIdentifiers.LOCATION.equals(i.getSystem()))
            .toList();
    if (own.isEmpty()) {
      own =
          List.of(new Identifier().setSystem(HubIdentifiers.LOCATION).setValue(stored.getIdPart()));
    }
    own.forEach(
        i -> view.addIdentifier(typed(i, SasProfiles.FR_LOCATION_IDENTIFIER_TYPE, "INTRN")));
    Address stored0 = stored.getAddress();
    Address address = new Address();
    List<String> lines = stored0.getLine().stream().map(l -> l.getValue()).toList();
    if (!lines.isEmpty()) {
      address.addLine(String.join(" ", lines));
    }
    address.setCity(stored0.getCity());
    address.setPostalCode(stored0.getPostalCode());
    view.setAddress(address);
    return view;
  }

  private static HealthcareService service(HealthcareService stored) {
    HealthcareService view = new HealthcareService();
    view.setId(stored.getIdElement().getIdPart());
    view.getMeta().addProfile(SasProfiles.CPTS_HEALTHCARE_SERVICE);
    view.setProvidedBy(new Reference("Organization/" + idOf(stored.getProvidedBy())));
    view.setName(stored.getName());
    return view;
  }

  /** The CPTS Organization; without a phone of its own, the SAS gets its service's. */
  private static Organization cptsOrganization(Organization stored, HealthcareService service) {
    Organization view = new Organization();
    view.setId(stored.getIdElement().getIdPart());
    view.getMeta().addProfile(SasProfiles.CPTS_ORGANIZATION);
    stored.getIdentifier().stream()
        .filter(i -> FrIdentifiers.IDNST.equals(i.getSystem()))
        .findFirst()
        .ifPresent(
            i -> view.addIdentifier(typed(i, SasProfiles.FR_LOCATION_IDENTIFIER_TYPE, "IDNST")));
    view.setName(stored.getName());
    List<ContactPoint> phones = phones(stored.getTelecom());
    if (phones.isEmpty()) {
      phones = phones(service.getTelecom());
    }
    phones.forEach(view::addTelecom);
    return view;
  }

  private static List<ContactPoint> phones(List<ContactPoint> telecom) {
    List<ContactPoint> phones = new ArrayList<>();
    for (ContactPoint contact : telecom) {
      if (contact.getSystem() == ContactPoint.ContactPointSystem.PHONE) {
        FrenchPhoneNumber.international(contact.getValue())
            .ifPresent(
                n ->
                    phones.add(
                        new ContactPoint()
                            .setSystem(ContactPoint.ContactPointSystem.PHONE)
                            .setValue(n)));
      }
    }
    return phones;
  }

  private static Identifier typed(Identifier stored, String typeSystem, String typeCode) {
    return new Identifier()
        .setType(new CodeableConcept(new Coding(typeSystem, typeCode, null)))
        .setSystem(stored.getSystem())
        .setValue(stored.getValue());
  }

  private InstantType dateTime(Date instant) {
    return new InstantType(instant, TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone(zone));
  }

  static void add(Bundle bundle, String base, Resource resource, SearchEntryMode mode) {
    bundle
        .addEntry()
        .setFullUrl(base + "/" + resource.fhirType() + "/" + resource.getIdPart())
        .setResource(resource)
        .getSearch()
        .setMode(mode);
  }

  private static int rank(String type) {
    return switch (type) {
      case "Schedule" -> 0;
      case "Practitioner" -> 1;
      case "PractitionerRole" -> 2;
      case "HealthcareService" -> 3;
      default -> 4;
    };
  }

  private static String key(Resource resource) {
    return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
  }

  private static boolean isType(Reference reference, String type) {
    return reference.getReferenceElement().getResourceType() != null
        ? type.equals(reference.getReferenceElement().getResourceType())
        : reference.getReference() != null && reference.getReference().startsWith(type + "/");
  }

  /** The id part of a literal reference, or null. */
  static String idOf(Reference reference) {
    return reference == null || !reference.hasReference()
        ? null
        : reference.getReferenceElement().getIdPart();
  }
}
