package fr.cpts.hub.server.demo;

import static fr.cpts.hub.profiles.FrCodeSystems.CATEGORIE_CPTS;
import static fr.cpts.hub.profiles.FrCodeSystems.CATEGORIE_MAISON_SANTE;
import static fr.cpts.hub.profiles.FrCodeSystems.DICOM_DCM;
import static fr.cpts.hub.profiles.FrCodeSystems.TRE_R66_CATEGORIE_ETABLISSEMENT;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.demo.DemoTerritory.GeneralPractitioner;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TimeZone;
import java.util.UUID;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UnsignedIntType;

/**
 * Generates a synthetic CPTS territory around Vannes (Morbihan): the CPTS and its SNP service, a
 * university health centre (the MUS), group practices, {@code n} general practitioners with their
 * SNP schedules and slots, and a radiology group with an ultrasound and a CT.
 *
 * <p>Deterministic: the same spec gives the same resources, byte for byte. Each GP draws from a
 * random stream of its own (seed and index), so GP number {@code i} is the same whatever the size
 * of the territory. All identifiers are fictitious; nothing here is a real person or structure.
 */
public final class DemoTerritoryGenerator {

  /** GPs 0..5 practise at the MUS. */
  static final int MUS_GENERAL_PRACTITIONERS = 6;

  /** Every GP whose index ends with 7 has a second place of practice. */
  static boolean hasSecondPlace(int index) {
    return index % 10 == 7;
  }

  private static final String BOOKING_BASE = "https://rdv.demo.cpts-hub.fr/agenda/";
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HHmm");

  private record Commune(
      String name, String postalCode, String insee, double latitude, double longitude) {}

  private static final List<Commune> COMMUNES =
      List.of(
          new Commune("Vannes", "56000", "56260", 47.6582, -2.7608),
          new Commune("Séné", "56860", "56243", 47.6193, -2.7370),
          new Commune("Saint-Avé", "56890", "56206", 47.6883, -2.7361),
          new Commune("Arradon", "56610", "56003", 47.6275, -2.8222),
          new Commune("Ploeren", "56880", "56164", 47.6571, -2.8636),
          new Commune("Plescop", "56890", "56158", 47.6972, -2.8056),
          new Commune("Elven", "56250", "56053", 47.7322, -2.5897),
          new Commune("Sarzeau", "56370", "56240", 47.5281, -2.7644),
          new Commune("Grand-Champ", "56390", "56067", 47.7583, -2.8436),
          new Commune("Theix-Noyalo", "56450", "56251", 47.6292, -2.6547));

  private static final List<String> STREETS =
      List.of(
          "rue de la Gare",
          "avenue Victor Hugo",
          "rue du Maréchal Leclerc",
          "place de la Mairie",
          "rue des Lilas",
          "boulevard de la Paix",
          "rue Jean Jaurès",
          "allée des Chênes",
          "rue de la Fontaine",
          "impasse des Mouettes",
          "rue du Port",
          "avenue de la Marne");

  private static final List<String> FAMILY_NAMES =
      List.of(
          "LE GALL",
          "MARTIN",
          "GUILLOU",
          "BERNARD",
          "LE ROUX",
          "PETIT",
          "TANGUY",
          "DUBOIS",
          "MORVAN",
          "LAURENT",
          "LE BIHAN",
          "GARNIER",
          "JAFFRÉ",
          "ROBIN",
          "KERVELLA",
          "FAURE",
          "LE GOFF",
          "CHEVALIER",
          "PÉRON",
          "MOREAU",
          "NICOLAS",
          "LE CORRE",
          "BLANCHARD",
          "COLIN");

  private static final List<String> FEMALE_GIVEN =
      List.of("Anne", "Claire", "Sophie", "Maëlle", "Nolwenn", "Camille", "Élodie", "Gwenaëlle");
  private static final List<String> MALE_GIVEN =
      List.of("Yann", "Pierre", "Erwan", "Thomas", "Loïc", "Julien", "Mathieu", "Ronan");

  /** Builds the territory of the spec. */
  public DemoTerritory generate(DemoTerritorySpec spec) {
    return new Build(spec).run();
  }

  /** One generation run: collects resources as it goes. */
  private static final class Build {
    private final DemoTerritorySpec spec;
    private final List<Resource> directory = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final List<GeneralPractitioner> gps = new ArrayList<>();
    private final SplittableRandom territoryRandom;

    Build(DemoTerritorySpec spec) {
      this.spec = spec;
      this.territoryRandom = new SplittableRandom(spec.seed());
    }

    DemoTerritory run() {
      Organization cpts =
          structure(
              "cpts",
              "CPTS du Golfe (démo)",
              FrIdentifiers.IDNST_FINESS_PREFIX,
              "560099990",
              CATEGORIE_CPTS);
      Location cptsSite = site("cpts", cpts, COMMUNES.get(0), "2", "+33297000000");
      HealthcareService snp =
          service(
              "cpts-snp",
              "Soins non programmés de la CPTS du Golfe (démo)",
              cpts,
              cptsSite,
              "+33297000000");
      snp.addType(
          new CodeableConcept(new Coding(TRE_R66_CATEGORIE_ETABLISSEMENT, CATEGORIE_CPTS, "CPTS")));

      Organization mus =
          structure(
              "mus",
              "Maison universitaire de santé de Kercado (démo)",
              FrIdentifiers.IDNST_FINESS_PREFIX,
              "560099991",
              CATEGORIE_MAISON_SANTE);
      Location musSite = site("mus", mus, COMMUNES.get(0), "14", "+33297010101");

      Practice musPractice = new Practice(mus, musSite, "+33297010101");
      Practice current = null;
      int leftInCurrent = 0;
      int practiceCount = 0;
      for (int i = 0; i < spec.generalPractitioners(); i++) {
        Practice main;
        if (i < MUS_GENERAL_PRACTITIONERS) {
          main = musPractice;
        } else {
          if (leftInCurrent == 0) {
            current = groupPractice(practiceCount++);
            leftInCurrent = 1 + territoryRandom.nextInt(3);
          }
          leftInCurrent--;
          main = current;
        }
        Practice second = hasSecondPlace(i) ? groupPractice(practiceCount++) : null;
        generalPractitioner(i, main, second, snp);
      }

      radiology();
      return new DemoTerritory(List.copyOf(directory), List.copyOf(slots), List.copyOf(gps));
    }

    private record Practice(Organization organization, Location location, String phone) {}

    private Practice groupPractice(int number) {
      String key = "cabinet-" + number;
      Commune commune = COMMUNES.get(number % COMMUNES.size());
      String siret = String.format("%09d%05d", 560_100_000 + number, 10);
      Organization organization =
          structure(
              key,
              "Cabinet médical " + STREETS.get(number % STREETS.size()) + ", " + commune.name(),
              FrIdentifiers.IDNST_SIRET_PREFIX,
              siret,
              null);
      String phone = String.format("+332970%05d", 20_000 + number);
      Location location = site(key, organization, commune, String.valueOf(1 + number % 60), phone);
      return new Practice(organization, location, phone);
    }

    /** An Organization with its IDNST (FINESS- or SIRET-based) and, when given, its category. */
    private Organization structure(
        String key, String name, String idnstPrefix, String nationalNumber, String category) {
      Organization organization = new Organization();
      organization.setId(uuid("organization", key));
      Identifier idnst = identifier(FrIdentifiers.IDNST, idnstPrefix + nationalNumber);
      idnst.setType(identifierType("IDNST"));
      organization.addIdentifier(idnst);
      if (FrIdentifiers.IDNST_FINESS_PREFIX.equals(idnstPrefix)) {
        Identifier finess = identifier(FrIdentifiers.FINESS, nationalNumber);
        finess.setType(identifierType("FINEG"));
        organization.addIdentifier(finess);
      } else {
        organization.addIdentifier(identifier(FrIdentifiers.SIRENE, nationalNumber));
      }
      organization.setActive(true);
      organization.setName(name);
      if (category != null) {
        organization.addType(
            new CodeableConcept(new Coding(TRE_R66_CATEGORIE_ETABLISSEMENT, category, null)));
      }
      directory.add(organization);
      return organization;
    }

    private HealthcareService service(
        String key, String name, Organization providedBy, Location location, String phone) {
      HealthcareService service = new HealthcareService();
      service.setId(uuid("healthcare-service", key));
      service.addIdentifier(identifier(HubIdentifiers.HEALTHCARE_SERVICE, key));
      service.setActive(true);
      service.setName(name);
      service.setProvidedBy(ref(providedBy));
      service.addLocation(ref(location));
      service.addTelecom(phone(phone));
      directory.add(service);
      return service;
    }

    private Location site(
        String key, Organization organization, Commune commune, String number, String phone) {
      Location location = new Location();
      location.setId(uuid("location", key));
      location.addIdentifier(identifier(HubIdentifiers.LOCATION, key));
      location.setStatus(Location.LocationStatus.ACTIVE);
      location.setMode(Location.LocationMode.INSTANCE);
      location.setName(organization.getName());
      location.addTelecom(phone(phone));
      Address address = new Address();
      address.setUse(Address.AddressUse.WORK);
      address.setType(Address.AddressType.BOTH);
      address.addLine(number + " " + STREETS.get(Math.floorMod(key.hashCode(), STREETS.size())));
      address.setCity(commune.name());
      address.setPostalCode(commune.postalCode());
      address.setCountry("FR");
      address.addExtension(
          FrExtensions.ADDRESS_INSEE_CODE,
          new Coding(FrCodeSystems.TRE_R13_COMMUNE, commune.insee(), commune.name()));
      location.setAddress(address);
      // A few hundred metres around the commune's centre, stable for a given site.
      SplittableRandom jitter = new SplittableRandom(key.hashCode());
      location
          .getPosition()
          .setLatitude(round(commune.latitude() + (jitter.nextDouble() - 0.5) / 100))
          .setLongitude(round(commune.longitude() + (jitter.nextDouble() - 0.5) / 100));
      location.setManagingOrganization(ref(organization));
      directory.add(location);
      return location;
    }

    private void generalPractitioner(
        int index, Practice main, Practice second, HealthcareService snp) {
      SplittableRandom random = new SplittableRandom(spec.seed() * 1_000_003L + index);
      String rpps = String.format("1%010d", 10_000 + index);
      String idnps = FrIdentifiers.IDNPS_RPPS_PREFIX + rpps;
      boolean female = random.nextBoolean();

      Practitioner practitioner = new Practitioner();
      practitioner.setId(uuid("practitioner", idnps));
      Identifier idnpsIdentifier = identifier(FrIdentifiers.IDNPS, idnps);
      idnpsIdentifier.setType(identifierType("IDNPS"));
      practitioner.addIdentifier(idnpsIdentifier);
      Identifier rppsIdentifier = identifier(FrIdentifiers.RPPS, rpps);
      rppsIdentifier.setType(identifierType("RPPS"));
      practitioner.addIdentifier(rppsIdentifier);
      practitioner.setActive(true);
      practitioner
          .addName()
          .setUse(HumanName.NameUse.OFFICIAL)
          .setFamily(FAMILY_NAMES.get(random.nextInt(FAMILY_NAMES.size())))
          .addGiven(
              female
                  ? FEMALE_GIVEN.get(random.nextInt(FEMALE_GIVEN.size()))
                  : MALE_GIVEN.get(random.nextInt(MALE_GIVEN.size())))
          .addPrefix("Dr");
      practitioner.setGender(female ? AdministrativeGender.FEMALE : AdministrativeGender.MALE);
      practitioner
          .addQualification()
          .setCode(
              new CodeableConcept(
                  new Coding(
                      FrCodeSystems.TRE_G15_PROFESSION,
                      FrCodeSystems.PROFESSION_MEDECIN,
                      "Médecin")));
      practitioner
          .addQualification()
          .setCode(
              new CodeableConcept(
                  new Coding(
                      FrCodeSystems.TRE_R38_SPECIALITE,
                      FrCodeSystems.SPECIALITE_MEDECINE_GENERALE,
                      "Médecine générale")));
      directory.add(practitioner);

      boolean cptsVolunteer = random.nextInt(2) == 0;
      List<String> scheduleKeys = new ArrayList<>();
      scheduleKeys.add(place(rpps, 1, practitioner, main, random, cptsVolunteer, snp));
      if (second != null) {
        scheduleKeys.add(place(rpps, 2, practitioner, second, random, cptsVolunteer, snp));
      }
      gps.add(new GeneralPractitioner(idnps, rpps, List.copyOf(scheduleKeys)));
    }

    /** A PractitionerRole at one practice, its SNP Schedule, and the slots of that schedule. */
    private String place(
        String rpps,
        int placeNumber,
        Practitioner practitioner,
        Practice practice,
        SplittableRandom random,
        boolean cptsVolunteer,
        HealthcareService snp) {
      String key = rpps + "-" + placeNumber;
      PractitionerRole role = new PractitionerRole();
      role.setId(uuid("practitioner-role", key));
      role.addIdentifier(identifier(HubIdentifiers.PRACTITIONER_ROLE, key));
      role.setActive(true);
      role.setPractitioner(ref(practitioner));
      role.setOrganization(ref(practice.organization()));
      role.addLocation(ref(practice.location()));
      role.addCode(
          new CodeableConcept(
              new Coding(
                  FrCodeSystems.TRE_R22_GENRE_ACTIVITE,
                  "GENR01",
                  "Activité standard de soin ou de pharmacien")));
      role.addCode(
          new CodeableConcept(new Coding(FrCodeSystems.TRE_R23_MODE_EXERCICE, "L", "Libéral")));
      role.addTelecom(phone(practice.phone()));
      directoryFlags(role, key, cptsVolunteer);
      directory.add(role);

      Schedule schedule = new Schedule();
      schedule.setId(uuid("schedule", key));
      schedule.addIdentifier(identifier(HubIdentifiers.SCHEDULE, key));
      schedule.setActive(true);
      schedule.addActor(ref(practitioner));
      schedule.addActor(ref(role));
      schedule.addSpecialty(specialtyGeneralPractice());
      schedule.setPlanningHorizon(
          new Period()
              .setStartElement(dateTime(spec.firstDay().atStartOfDay(spec.zone())))
              .setEndElement(
                  dateTime(spec.firstDay().plusDays(spec.days()).atStartOfDay(spec.zone()))));
      schedule.setComment("Créneaux de soins non programmés");
      directory.add(schedule);

      for (int d = 0; d < spec.days(); d++) {
        snpSlots(rpps, key, spec.firstDay().plusDays(d), random, cptsVolunteer, snp);
      }
      return key;
    }

    /**
     * The two flags no national register has, and the languages spoken, drawn from a stream of
     * their own so that they change nothing else of the territory: about 40 % of places accept new
     * patients as médecin traitant; every GP publishes SNP slots, CPTS volunteers also answer
     * alerts.
     */
    private void directoryFlags(PractitionerRole role, String key, boolean cptsVolunteer) {
      SplittableRandom flags = new SplittableRandom(spec.seed() * 7_919L + key.hashCode());
      Extension accepts = role.addExtension().setUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS);
      boolean accepting = flags.nextInt(5) < 2;
      accepts.addExtension("accepting", new BooleanType(accepting));
      if (accepting) {
        accepts.addExtension("capacity", new UnsignedIntType(5 + flags.nextInt(36)));
        accepts.addExtension("since", new DateType("2026-09-01"));
        List<String> groups = List.of("children", "adults", "elderly", "ald", "c2s");
        accepts.addExtension(
            "condition",
            new CodeableConcept(
                new Coding(
                    HubProfiles.CS_PATIENT_GROUP, groups.get(flags.nextInt(groups.size())), null)));
      }
      Extension snp = role.addExtension().setUrl(HubProfiles.EXT_SNP_PARTICIPATION);
      snp.addExtension("participating", new BooleanType(true));
      snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, "slots", null));
      if (cptsVolunteer) {
        snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, "alerts", null));
      }
      if (flags.nextInt(3) == 0) {
        snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, "home-visits", null));
      }
      if (flags.nextInt(2) == 0) {
        snp.addExtension("mode", new Coding(HubProfiles.CS_SNP_MODE, "teleconsultation", null));
      }
      role.addExtension(HubProfiles.EXT_SPOKEN_LANGUAGE, new CodeType("fr"));
      if (flags.nextInt(10) < 3) {
        role.addExtension(HubProfiles.EXT_SPOKEN_LANGUAGE, new CodeType("en"));
      }
      if (flags.nextInt(10) == 0) {
        role.addExtension(HubProfiles.EXT_SPOKEN_LANGUAGE, new CodeType("br"));
      }
    }

    /** Half of the day's slots in the morning from 8:00, half in the afternoon from 14:00. */
    private void snpSlots(
        String rpps,
        String scheduleKey,
        LocalDate day,
        SplittableRandom random,
        boolean cptsVolunteer,
        HealthcareService snp) {
      int count = spec.snpSlotsPerDay();
      int morning = (count + 1) / 2;
      LocalTime cursor = LocalTime.of(8, 0).plusMinutes(20L * random.nextInt(6));
      for (int n = 0; n < count; n++) {
        if (n == morning) {
          // A long morning (many slots a day) runs on into the afternoon: never overlap it.
          LocalTime afternoon = LocalTime.of(14, 0).plusMinutes(20L * random.nextInt(6));
          cursor = cursor.isAfter(afternoon) ? cursor : afternoon;
        }
        int roll = random.nextInt(10);
        String mode = roll < 7 ? "AMB" : roll < 9 ? "VR" : "HH";
        int minutes = "HH".equals(mode) ? 40 : 20;
        ZonedDateTime start = day.atTime(cursor).atZone(spec.zone());
        ZonedDateTime end = start.plusMinutes(minutes);
        cursor = cursor.plusMinutes(minutes);
        boolean busy = random.nextInt(3) == 0;
        boolean isPublic = random.nextInt(3) == 0;
        boolean walkIn = random.nextInt(7) == 0;

        String key = scheduleKey + "-" + day.format(DAY) + "-" + start.format(HOUR);
        Slot slot = new Slot();
        slot.addIdentifier(identifier(HubIdentifiers.SLOT, key));
        slot.getMeta().addSecurity(slotType("SNP"));
        if (isPublic) {
          slot.getMeta().addSecurity(slotType("PUBLIC"));
        }
        slot.addServiceType(new CodeableConcept(new Coding(FrCodeSystems.V3_ACT_CODE, mode, null)));
        if (cptsVolunteer) {
          slot.getMeta().addSecurity(slotType("CPTS"));
          CodeableConcept cpts =
              new CodeableConcept(
                  new Coding(TRE_R66_CATEGORIE_ETABLISSEMENT, CATEGORIE_CPTS, null));
          cpts.addExtension(
              FrExtensions.SLOT_SERVICE_TYPE_REFERENCE,
              conditionalRef("HealthcareService", snp.getIdentifierFirstRep()));
          slot.addServiceType(cpts);
        }
        slot.addSpecialty(specialtyGeneralPractice());
        slot.setAppointmentType(
            new CodeableConcept(
                new Coding(FrCodeSystems.V2_0276, walkIn ? "WALKIN" : "ROUTINE", null)));
        slot.setSchedule(
            conditionalRef("Schedule", identifier(HubIdentifiers.SCHEDULE, scheduleKey)));
        slot.setStatus(busy ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);
        slot.setStartElement(instant(start));
        slot.setEndElement(instant(end));
        slot.setComment(BOOKING_BASE + rpps + "?creneau=" + key);
        slots.add(slot);
      }
    }

    /** The radiology group: its imaging service, an ultrasound and a CT with half-day slots. */
    private void radiology() {
      Organization group =
          structure(
              "radiologie",
              "Imagerie médicale du Golfe (démo)",
              FrIdentifiers.IDNST_SIRET_PREFIX,
              "56020000000012",
              null);
      Location site = site("radiologie", group, COMMUNES.get(0), "5", "+33297030303");
      HealthcareService imaging =
          service(
              "imagerie",
              "Imagerie : créneaux réservés aux médecins partenaires",
              group,
              site,
              "+33297030303");

      SplittableRandom random = new SplittableRandom(spec.seed() ^ 0x5ADL);
      device("echographe", "US", "Échographe", group, site, imaging, random);
      device("scanner", "CT", "Scanner (tomodensitomètre)", group, site, imaging, random);
    }

    private void device(
        String key,
        String modality,
        String name,
        Organization owner,
        Location site,
        HealthcareService imaging,
        SplittableRandom random) {
      Device device = new Device();
      device.setId(uuid("device", key));
      device.addIdentifier(identifier(HubIdentifiers.DEVICE, key));
      device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
      device.addDeviceName().setName(name).setType(Device.DeviceNameType.USERFRIENDLYNAME);
      device.setType(new CodeableConcept(new Coding(DICOM_DCM, modality, null)));
      device.setOwner(ref(owner));
      device.setLocation(ref(site));
      directory.add(device);

      Schedule schedule = new Schedule();
      schedule.setId(uuid("schedule", key));
      schedule.addIdentifier(identifier(HubIdentifiers.SCHEDULE, key));
      schedule.setActive(true);
      schedule.addActor(ref(device));
      schedule.addActor(ref(imaging));
      schedule.addServiceType(new CodeableConcept(new Coding(DICOM_DCM, modality, null)));
      schedule.setComment(name + " : une demi-journée par créneau, réservée aux partenaires");
      directory.add(schedule);

      for (int d = 0; d < spec.days(); d++) {
        LocalDate day = spec.firstDay().plusDays(d);
        for (LocalTime from : List.of(LocalTime.of(8, 0), LocalTime.of(14, 0))) {
          ZonedDateTime start = day.atTime(from).atZone(spec.zone());
          String slotKey = key + "-" + day.format(DAY) + "-" + start.format(HOUR);
          Slot slot = new Slot();
          slot.addIdentifier(identifier(HubIdentifiers.SLOT, slotKey));
          slot.getMeta().addSecurity(slotType("PRO"));
          slot.addServiceType(new CodeableConcept(new Coding(DICOM_DCM, modality, null)));
          slot.setAppointmentType(
              new CodeableConcept(new Coding(FrCodeSystems.V2_0276, "ROUTINE", null)));
          slot.setSchedule(conditionalRef("Schedule", schedule.getIdentifierFirstRep()));
          slot.setStatus(random.nextInt(3) == 0 ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);
          slot.setStartElement(instant(start));
          slot.setEndElement(instant(start.plusHours(4)));
          slot.setComment(name);
          slots.add(slot);
        }
      }
    }
  }

  private static CodeableConcept specialtyGeneralPractice() {
    return new CodeableConcept(
        new Coding(
            FrCodeSystems.TRE_R38_SPECIALITE,
            FrCodeSystems.SPECIALITE_MEDECINE_GENERALE,
            "Médecine générale"));
  }

  private static Coding slotType(String code) {
    return new Coding(FrCodeSystems.TRE_R314_TYPE_CRENEAU, code, null);
  }

  private static CodeableConcept identifierType(String code) {
    return new CodeableConcept(new Coding(FrIdentifiers.TYPE_SYSTEM, code, null));
  }

  private static Identifier identifier(String system, String value) {
    return new Identifier().setSystem(system).setValue(value);
  }

  private static ContactPoint phone(String number) {
    return new ContactPoint()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setValue(number)
        .setUse(ContactPoint.ContactPointUse.WORK);
  }

  /** A reference to a resource of the same directory bundle, by its {@code urn:uuid:}. */
  private static Reference ref(Resource resource) {
    return new Reference(resource.getIdElement().getValue());
  }

  /** A reference resolved by the server through the target's business identifier. */
  private static Reference conditionalRef(String type, Identifier identifier) {
    return new Reference(
        type + "?identifier=" + identifier.getSystem() + "|" + identifier.getValue());
  }

  /** A stable {@code urn:uuid:} from a resource kind and key. */
  private static String uuid(String kind, String key) {
    return "urn:uuid:"
        + UUID.nameUUIDFromBytes((kind + "/" + key).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * An instant at millisecond precision in the slot's own offset, e.g.
   * 2026-11-23T14:30:00.000+01:00.
   */
  private static InstantType instant(ZonedDateTime time) {
    return new InstantType(
        Date.from(time.toInstant()),
        TemporalPrecisionEnum.MILLI,
        TimeZone.getTimeZone(time.getZone()));
  }

  private static DateTimeType dateTime(ZonedDateTime time) {
    return new DateTimeType(
        Date.from(time.toInstant()),
        TemporalPrecisionEnum.SECOND,
        TimeZone.getTimeZone(time.getZone()));
  }

  private static double round(double degrees) {
    return Math.round(degrees * 1_000_000d) / 1_000_000d;
  }
}
