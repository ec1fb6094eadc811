package fr.cpts.hub.mappers.rpps;

import static fr.cpts.hub.mappers.rpps.RppsColumn.ADRESSE_EMAIL;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_CIVILITE_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_COMMUNE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_FONCTION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_GENRE_ACTIVITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_MODE_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_POSTAL;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_PROFESSION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_SAVOIR_FAIRE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_SECTEUR_ACTIVITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_TYPE_SAVOIR_FAIRE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.CODE_TYPE_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.COMPLEMENT_DESTINATAIRE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.COMPLEMENT_POINT_GEOGRAPHIQUE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.ENSEIGNE_COMMERCIALE_SITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.INDICE_REPETITION_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_CIVILITE_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_COMMUNE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_FONCTION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_GENRE_ACTIVITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_MODE_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_PAYS;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_PROFESSION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_SAVOIR_FAIRE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_SECTEUR_ACTIVITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_TYPE_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.LIBELLE_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.MENTION_DISTRIBUTION;
import static fr.cpts.hub.mappers.rpps.RppsColumn.NOM_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.NUMERO_VOIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.PRENOM_EXERCICE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.RAISON_SOCIALE_SITE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.TELECOPIE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.TELEPHONE;
import static fr.cpts.hub.mappers.rpps.RppsColumn.TELEPHONE_2;

import fr.cpts.hub.mappers.FrenchPhoneNumber;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;

/**
 * The lines of one professional to FHIR resources under the hub's profiles. Pure: same lines, same
 * resources, ids included.
 *
 * <h2>What goes where</h2>
 *
 * <ul>
 *   <li>Practitioner (hub-practitioner), from the first kept line: identifiers IDNPS ({@code
 *       Identification nationale PP}) and RPPS (the same without its 8, which is {@code Identifiant
 *       PP} when {@code Type d'identifiant PP} is 8), typed with the FR Core identifier types;
 *       name: family {@code Nom d'exercice}, given {@code Prénom d'exercice}, prefix the civilité
 *       d'exercice ({@code DR} as "Dr", {@code PR} as "Pr", another code as its label), as the
 *       hub's examples write it; {@code active} true; qualification: the profession ({@code Code
 *       profession}, TRE_G15) and every distinct specialty of the professional's lines ({@code Code
 *       savoir-faire} when {@code Code type savoir-faire} is S, TRE_R38).
 *   <li>PractitionerRole (hub-practitioner-role), one per activity line: practitioner, organization
 *       (by id and IDNST), location; code: function ({@code Code fonction}, TRE_R21), kind of
 *       activity ({@code Code genre d'activité}, TRE_R22), practice mode ({@code Code mode
 *       exercice}, TRE_R23), the three slices of the profile's {@code code}.
 *   <li>Organization (hub-organization), one per structure with an IDNST ({@link RppsStructure}):
 *       identifiers IDNST, FINESS (type FINEG), SIRET; name {@code Raison sociale site}, else
 *       {@code Enseigne commerciale site}, else the address, else the IDNST; the trade name as
 *       alias when both exist; type: the sector of activity ({@code Code secteur d'activité},
 *       TRE_R02), where FR Core's Organization puts it.
 *   <li>Location (hub-location), one per structure with an address the profile can hold (a line, a
 *       city, a 5-digit postal code): address lines in the French postal order ({@code Complément
 *       destinataire}, {@code Complément point géographique}, number + repetition index + type +
 *       street name, {@code Mention distribution}), postal code, city ({@code Libellé commune}),
 *       country ({@code Libellé pays}), the INSEE code of the commune ({@code Code commune}) in the
 *       FR Core address-insee-code extension; telecom: the structure's phones, fax and e-mail;
 *       managingOrganization.
 * </ul>
 *
 * <h2>Left out, for want of a place in the hub's profiles</h2>
 *
 * The civilité ({@code Code civilité}: FR Core's human-name profile has it in {@code prefix} and
 * the title in {@code suffix}, the hub's examples put the title in {@code prefix}: one of them
 * only); the professional category (FR Core qualification TRE_R09, not sliced by the hub);
 * savoir-faire of other types than S (no TRE_R38 code); the section of the pharmacists' register;
 * the legal entity's FINESS and the SIREN (they name the legal entity, not the site); {@code Bureau
 * cedex}, {@code Code type de voie} when its label is given, and the structured address parts (FR
 * Core's ADXP extensions, which the hub does not define); {@code Autorité d'enregistrement}. A
 * phone that is not a French number of 10 digits is left out: the profiles accept the international
 * form only.
 */
final class RppsProfessionalMapper {

  /** One professional's resources, and how many of their kept lines repeated an activity. */
  record Mapped(RppsProfessional professional, int duplicates) {}

  private static final String DOCTOR = "DR";
  private static final String PROFESSOR = "PR";
  private static final String SPECIALTY = "S";

  /**
   * @param all all the professional's well-formed lines, kept or not (their specialties count)
   * @param kept the lines inside the territory, not empty
   * @param continuesEarlier whether this professional was already returned for earlier lines
   */
  Mapped map(List<RppsLine> all, List<RppsLine> kept, boolean continuesEarlier) {
    RppsLine first = kept.get(0);
    String idnps = first.idnps();
    Practitioner practitioner = practitioner(first, all);

    Map<String, PractitionerRole> roles = new LinkedHashMap<>();
    Map<String, Organization> organizations = new LinkedHashMap<>();
    Map<String, Location> locations = new LinkedHashMap<>();
    Set<String> activities = new HashSet<>();
    List<Long> lines = new ArrayList<>();
    int duplicates = 0;
    for (RppsLine line : kept) {
      RppsStructure structure = RppsStructure.of(line);
      String activity =
          String.join(
              "|",
              String.valueOf(structure.key()),
              String.valueOf(line.get(CODE_FONCTION)),
              String.valueOf(line.get(CODE_MODE_EXERCICE)),
              String.valueOf(line.get(CODE_GENRE_ACTIVITE)));
      if (!activities.add(activity)) {
        duplicates++;
        continue;
      }
      lines.add(line.number());
      Organization organization = null;
      if (structure.idnst() != null) {
        organization =
            organizations.computeIfAbsent(
                RppsIds.organization(structure.idnst()), id -> organization(id, structure, line));
      }
      Location location = null;
      if (structure.key() != null) {
        String locationId = RppsIds.location(structure.key());
        location = locations.get(locationId);
        if (location == null) {
          location = location(locationId, structure, line, organization);
          if (location != null) {
            locations.put(locationId, location);
          }
        }
      }
      String key = structure.key() == null ? idnps : idnps + "-" + structure.key();
      String roleId = RppsIds.role(key);
      if (roles.containsKey(roleId)) {
        // A second activity in the same structure: told apart by its codes.
        roleId = RppsIds.role(key + "-" + RppsIds.shortHash(activity));
      }
      roles.put(roleId, role(roleId, practitioner, line, organization, location));
    }
    return new Mapped(
        new RppsProfessional(
            idnps,
            practitioner,
            List.copyOf(roles.values()),
            List.copyOf(organizations.values()),
            List.copyOf(locations.values()),
            lines,
            continuesEarlier),
        duplicates);
  }

  private static Practitioner practitioner(RppsLine first, List<RppsLine> all) {
    Practitioner practitioner = new Practitioner();
    String idnps = first.idnps();
    practitioner.setId(RppsIds.practitioner(idnps));
    practitioner.getMeta().addProfile(HubProfiles.PRACTITIONER);
    // Identification nationale PP: 8 + RPPS, checked by the reader.
    practitioner.addIdentifier(typed(FrIdentifiers.IDNPS, idnps, FrIdentifiers.TYPE_IDNPS));
    // The RPPS number: Identifiant PP when Type d'identifiant PP is 8, which the reader checked
    // is the IDNPS without its 8; so taken from the IDNPS, even when Identifiant PP is blank.
    practitioner.addIdentifier(
        typed(
            FrIdentifiers.RPPS,
            idnps.substring(FrIdentifiers.IDNPS_RPPS_PREFIX.length()),
            FrIdentifiers.TYPE_RPPS));
    practitioner.setActive(true);
    HumanName name = practitioner.addName().setUse(HumanName.NameUse.OFFICIAL);
    name.setFamily(first.get(NOM_EXERCICE));
    if (first.has(PRENOM_EXERCICE)) {
      name.addGiven(first.get(PRENOM_EXERCICE));
    }
    String title = title(first);
    if (title != null) {
      name.addPrefix(title);
    }
    // Code profession (TRE_G15); the profile allows one profession: the first kept line's.
    practitioner
        .addQualification()
        .setCode(
            concept(
                FrCodeSystems.TRE_G15_PROFESSION,
                first.get(CODE_PROFESSION),
                first.get(LIBELLE_PROFESSION)));
    // Code savoir-faire of type S (TRE_R38): the professional's, from all their lines.
    Map<String, String> specialties = new LinkedHashMap<>();
    for (RppsLine line : all) {
      if (SPECIALTY.equals(line.get(CODE_TYPE_SAVOIR_FAIRE)) && line.has(CODE_SAVOIR_FAIRE)) {
        specialties.putIfAbsent(line.get(CODE_SAVOIR_FAIRE), line.get(LIBELLE_SAVOIR_FAIRE));
      }
    }
    specialties.forEach(
        (code, label) ->
            practitioner
                .addQualification()
                .setCode(concept(FrCodeSystems.TRE_R38_SPECIALITE, code, label)));
    return practitioner;
  }

  /** The civilité d'exercice as a name prefix: Dr, Pr, else its label, else its code. */
  private static String title(RppsLine line) {
    String code = line.get(CODE_CIVILITE_EXERCICE);
    if (DOCTOR.equals(code)) {
      return "Dr";
    }
    if (PROFESSOR.equals(code)) {
      return "Pr";
    }
    String label = line.get(LIBELLE_CIVILITE_EXERCICE);
    return label != null ? label : code;
  }

  private static PractitionerRole role(
      String id,
      Practitioner practitioner,
      RppsLine line,
      Organization organization,
      Location location) {
    PractitionerRole role = new PractitionerRole();
    role.setId(id);
    role.getMeta().addProfile(HubProfiles.PRACTITIONER_ROLE);
    role.addIdentifier().setSystem(HubIdentifiers.PRACTITIONER_ROLE).setValue(id);
    role.setActive(true);
    role.setPractitioner(
        new Reference("Practitioner/" + practitioner.getIdPart())
            .setIdentifier(practitioner.getIdentifierFirstRep().copy()));
    if (organization != null) {
      role.setOrganization(
          new Reference("Organization/" + organization.getIdPart())
              .setIdentifier(organization.getIdentifierFirstRep().copy()));
    }
    if (location != null) {
      role.addLocation(new Reference("Location/" + location.getIdPart()));
    }
    // Code fonction (TRE_R21), Code genre d'activité (TRE_R22), Code mode exercice (TRE_R23).
    // Code secteur d'activité describes the structure: it is on the Organization.
    addCode(
        role, FrCodeSystems.TRE_R21_FONCTION, line.get(CODE_FONCTION), line.get(LIBELLE_FONCTION));
    addCode(
        role,
        FrCodeSystems.TRE_R22_GENRE_ACTIVITE,
        line.get(CODE_GENRE_ACTIVITE),
        line.get(LIBELLE_GENRE_ACTIVITE));
    addCode(
        role,
        FrCodeSystems.TRE_R23_MODE_EXERCICE,
        line.get(CODE_MODE_EXERCICE),
        line.get(LIBELLE_MODE_EXERCICE));
    return role;
  }

  private static void addCode(PractitionerRole role, String system, String code, String label) {
    if (code != null) {
      role.addCode(concept(system, code, label));
    }
  }

  private static Organization organization(String id, RppsStructure structure, RppsLine line) {
    Organization organization = new Organization();
    organization.setId(id);
    organization.getMeta().addProfile(HubProfiles.ORGANIZATION);
    organization.addIdentifier(
        typed(FrIdentifiers.IDNST, structure.idnst(), FrIdentifiers.TYPE_IDNST));
    if (structure.finess() != null) {
      organization.addIdentifier(
          typed(FrIdentifiers.FINESS, structure.finess(), FrIdentifiers.TYPE_FINESS_SITE));
    }
    if (structure.siret() != null) {
      // FR Core has no identifier type for a SIRET in the hub's profiles: the system says it.
      organization.addIdentifier().setSystem(FrIdentifiers.SIRENE).setValue(structure.siret());
    }
    organization.setActive(true);
    // Code secteur d'activité (TRE_R02): FR Core's Organization.type.
    if (line.has(CODE_SECTEUR_ACTIVITE)) {
      organization.addType(
          concept(
              FrCodeSystems.TRE_R02_SECTEUR_ACTIVITE,
              line.get(CODE_SECTEUR_ACTIVITE),
              line.get(LIBELLE_SECTEUR_ACTIVITE)));
    }
    organization.setName(name(line, structure));
    if (line.has(RAISON_SOCIALE_SITE) && line.has(ENSEIGNE_COMMERCIALE_SITE)) {
      organization.addAlias(line.get(ENSEIGNE_COMMERCIALE_SITE));
    }
    return organization;
  }

  /** The Location of a structure, or {@code null} when its address lacks what the profile needs. */
  private static Location location(
      String id, RppsStructure structure, RppsLine line, Organization organization) {
    Address address = address(line);
    if (address == null) {
      return null;
    }
    Location location = new Location();
    location.setId(id);
    location.getMeta().addProfile(HubProfiles.LOCATION);
    location.addIdentifier().setSystem(HubIdentifiers.LOCATION).setValue(id);
    location.setStatus(Location.LocationStatus.ACTIVE);
    location.setMode(Location.LocationMode.INSTANCE);
    location.setName(name(line, structure));
    phone(location, ContactPointSystem.PHONE, line.get(TELEPHONE));
    phone(location, ContactPointSystem.PHONE, line.get(TELEPHONE_2));
    phone(location, ContactPointSystem.FAX, line.get(TELECOPIE));
    if (line.has(ADRESSE_EMAIL)) {
      location
          .addTelecom()
          .setSystem(ContactPointSystem.EMAIL)
          .setValue(line.get(ADRESSE_EMAIL))
          .setUse(ContactPointUse.WORK);
    }
    location.setAddress(address);
    if (organization != null) {
      location.setManagingOrganization(
          new Reference("Organization/" + organization.getIdPart())
              .setIdentifier(organization.getIdentifierFirstRep().copy()));
    }
    return location;
  }

  private static void phone(Location location, ContactPointSystem system, String number) {
    FrenchPhoneNumber.international(number)
        .ifPresent(
            value ->
                location
                    .addTelecom()
                    .setSystem(system)
                    .setValue(value)
                    .setUse(ContactPointUse.WORK));
  }

  /** The structure's address, or {@code null} without a line, a city or a 5-digit postal code. */
  private static Address address(RppsLine line) {
    List<String> lines =
        Stream.of(
                line.get(COMPLEMENT_DESTINATAIRE),
                line.get(COMPLEMENT_POINT_GEOGRAPHIQUE),
                street(line),
                line.get(MENTION_DISTRIBUTION))
            .filter(Objects::nonNull)
            .toList();
    String postalCode = line.get(CODE_POSTAL);
    String city = line.get(LIBELLE_COMMUNE);
    if (lines.isEmpty() || city == null || postalCode == null || !postalCode.matches("[0-9]{5}")) {
      return null;
    }
    Address address = new Address();
    if (line.has(CODE_COMMUNE)) {
      // Code commune: the INSEE code, in FR Core's extension (searched by address-insee-code).
      address.addExtension(
          FrExtensions.ADDRESS_INSEE_CODE,
          new Coding(FrCodeSystems.TRE_R13_COMMUNE, line.get(CODE_COMMUNE), city));
    }
    address.setUse(Address.AddressUse.WORK);
    address.setType(Address.AddressType.BOTH);
    lines.forEach(address::addLine);
    address.setPostalCode(postalCode);
    address.setCity(city);
    if (line.has(LIBELLE_PAYS)) {
      address.setCountry(line.get(LIBELLE_PAYS));
    }
    return address;
  }

  /** Number, repetition index, type and name of the street: {@code 12 B rue de la Gare}. */
  private static String street(RppsLine line) {
    String type =
        line.has(LIBELLE_TYPE_VOIE) ? line.get(LIBELLE_TYPE_VOIE) : line.get(CODE_TYPE_VOIE);
    String street =
        Stream.of(
                line.get(NUMERO_VOIE),
                line.get(INDICE_REPETITION_VOIE),
                type,
                line.get(LIBELLE_VOIE))
            .filter(Objects::nonNull)
            .collect(Collectors.joining(" "));
    return street.isEmpty() ? null : street;
  }

  /**
   * The structure's name: Raison sociale site, else Enseigne commerciale site, else its address
   * (the same for every professional of the structure), else its identifier.
   */
  private static String name(RppsLine line, RppsStructure structure) {
    if (line.has(RAISON_SOCIALE_SITE)) {
      return line.get(RAISON_SOCIALE_SITE);
    }
    if (line.has(ENSEIGNE_COMMERCIALE_SITE)) {
      return line.get(ENSEIGNE_COMMERCIALE_SITE);
    }
    Address address = address(line);
    if (address != null) {
      return String.join(", ", address.getLine().stream().map(l -> l.getValue()).toList())
          + ", "
          + address.getPostalCode()
          + " "
          + address.getCity();
    }
    return "Structure " + structure.key();
  }

  private static Identifier typed(String system, String value, String typeCode) {
    return new Identifier()
        .setSystem(system)
        .setValue(value)
        .setType(new CodeableConcept(new Coding(FrIdentifiers.TYPE_SYSTEM, typeCode, null)));
  }

  private static CodeableConcept concept(String system, String code, String label) {
    return new CodeableConcept(new Coding(system, code, label));
  }
}
