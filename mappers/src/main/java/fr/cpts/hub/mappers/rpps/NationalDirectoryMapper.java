package fr.cpts.hub.mappers.rpps;

import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.StringType;

/**
 * A professional as the national directory's FHIR API (Annuaire Santé) serves them — a
 * Practitioner, their PractitionerRoles and the Organizations those reference — to the very
 * resources the RPPS extract import writes ({@link RppsProfessional}: same ids, identifiers,
 * profiles and conditional URLs), so that the delta sync and the import update the same resources
 * in place. Pure: no I/O, same input, same output.
 *
 * <p>It does so by writing each active role as the extract line that would carry it, then mapping
 * those lines with the extract's own mapper: the Practitioner's IDNPS (identifier {@code
 * urn:oid:1.2.250.1.71.4.2.1}), name (family, given names, prefix), profession (the qualification
 * coded in TRE_G15) and specialties (TRE_R38); the role's function, activity kind and practice mode
 * (codes in TRE_R21, TRE_R22, TRE_R23); the Organization's FINESS, SIRET and IDNST (whose
 * precedence gives the structure's key, as for a line), name, sector (type in TRE_R02), address
 * (its lines, postal code, city, the FR Core INSEE commune code extension) and phones. The
 * territory is the import's: a role is kept when its Organization's INSEE commune is in it.
 *
 * <p>Not mapped: an inactive role, a role without an Organization the API gave, anything the
 * extract import does not map either. A professional without an IDNPS of the RPPS kind, a family
 * name or a profession is refused ({@value #REFUSED}), as the extract's reader refuses such lines.
 */
public final class NationalDirectoryMapper {

  /** The code of a professional the hub cannot take. */
  public static final String REFUSED = "HUB-0752";

  private static final Pattern IDNPS_RPPS = Pattern.compile("8[0-9]{11}");

  /** What became of one professional. */
  public sealed interface Outcome permits Mapped, Outside, Refused {
    String idnps();
  }

  /** Mapped: at least one active role inside the territory. */
  public record Mapped(String idnps, RppsProfessional professional) implements Outcome {}

  /** No active role inside the territory (or the professional is inactive). */
  public record Outside(String idnps) implements Outcome {}

  /** Not a professional the hub can take; {@code idnps} may be null. */
  public record Refused(String idnps, String reason) implements Outcome {}

  private final RppsProfessionalMapper mapper = new RppsProfessionalMapper();

  /** The professional's IDNPS, if it is one of the RPPS kind. */
  public static Optional<String> idnps(Practitioner practitioner) {
    return practitioner.getIdentifier().stream()
        .filter(i -> FrIdentifiers.IDNPS.equals(i.getSystem()) && i.hasValue())
        .map(Identifier::getValue)
        .filter(v -> IDNPS_RPPS.matcher(v).matches())
        .findFirst();
  }

  /**
   * Maps one professional.
   *
   * @param practitioner the API's Practitioner
   * @param roles its PractitionerRoles (active or not)
   * @param organizations the Organizations the API gave, by {@code Organization/<id>}
   * @param territory the import's territory
   */
  public Outcome map(
      Practitioner practitioner,
      List<PractitionerRole> roles,
      Map<String, Organization> organizations,
      RppsTerritory territory) {
    Optional<String> idnps = idnps(practitioner);
    if (idnps.isEmpty()) {
      return new Refused(
          null,
          REFUSED
              + ": Practitioner/"
              + practitioner.getIdElement().getIdPart()
              + " has no IDNPS of the RPPS kind (8 followed by 11 digits)");
    }
    HumanName name = practitioner.getNameFirstRep();
    Coding profession = coding(practitioner, FrCodeSystems.TRE_G15_PROFESSION);
    if (!name.hasFamily() || profession == null) {
      return new Refused(
          idnps.get(),
          REFUSED
              + ": the professional "
              + idnps.get()
              + " has no "
              + (name.hasFamily() ? "profession (TRE_G15 qualification)" : "family name"));
    }
    if (practitioner.hasActive() && !practitioner.getActive()) {
      return new Outside(idnps.get());
    }
    List<Coding> specialties = codings(practitioner, FrCodeSystems.TRE_R38_SPECIALITE);
    List<RppsLine> all = new ArrayList<>();
    List<RppsLine> kept = new ArrayList<>();
    long number = 1;
    for (PractitionerRole role : roles) {
      if ((role.hasActive() && !role.getActive()) || !role.getOrganization().hasReference()) {
        continue;
      }
      Organization organization =
          organizations.get(
              role.getOrganization().getReferenceElement().toUnqualifiedVersionless().getValue());
      if (organization == null) {
        continue;
      }
      String[] values = person(idnps.get(), name, profession);
      specialty(values, specialties.isEmpty() ? null : specialties.get(0));
      activity(values, role);
      structure(values, organization);
      RppsLine line = new RppsLine(number++, values);
      all.add(line);
      if (territory.contains(line)) {
        kept.add(line);
      }
    }
    if (kept.isEmpty()) {
      return new Outside(idnps.get());
    }
    // The other specialties, on lines of their own that only the Practitioner reads.
    for (Coding specialty : specialties.subList(1, specialties.size())) {
      String[] values = person(idnps.get(), name, profession);
      specialty(values, specialty);
      all.add(new RppsLine(number++, values));
    }
    return new Mapped(idnps.get(), mapper.map(all, kept, false).professional());
  }

  private static String[] person(String idnps, HumanName name, Coding profession) {
    String[] values = new String[RppsColumn.values().length];
    values[RppsColumn.TYPE_IDENTIFIANT_PP.ordinal()] = FrIdentifiers.IDNPS_RPPS_PREFIX;
    values[RppsColumn.IDENTIFIANT_PP.ordinal()] =
        idnps.substring(FrIdentifiers.IDNPS_RPPS_PREFIX.length());
    values[RppsColumn.IDENTIFICATION_NATIONALE_PP.ordinal()] = idnps;
    values[RppsColumn.NOM_EXERCICE.ordinal()] = name.getFamily();
    values[RppsColumn.PRENOM_EXERCICE.ordinal()] = blank(name.getGivenAsSingleString());
    if (name.hasPrefix()) {
      String prefix = name.getPrefix().get(0).getValue();
      // The extract's codes for the mapper's "Dr" and "Pr"; another title as its label.
      if ("Dr".equalsIgnoreCase(prefix) || "DR".equals(prefix)) {
        values[RppsColumn.CODE_CIVILITE_EXERCICE.ordinal()] = "DR";
      } else if ("Pr".equalsIgnoreCase(prefix) || "PR".equals(prefix)) {
        values[RppsColumn.CODE_CIVILITE_EXERCICE.ordinal()] = "PR";
      } else {
        values[RppsColumn.LIBELLE_CIVILITE_EXERCICE.ordinal()] = blank(prefix);
      }
    }
    values[RppsColumn.CODE_PROFESSION.ordinal()] = profession.getCode();
    values[RppsColumn.LIBELLE_PROFESSION.ordinal()] = blank(profession.getDisplay());
    return values;
  }

  private static void specialty(String[] values, Coding specialty) {
    if (specialty != null) {
      values[RppsColumn.CODE_TYPE_SAVOIR_FAIRE.ordinal()] = "S";
      values[RppsColumn.CODE_SAVOIR_FAIRE.ordinal()] = specialty.getCode();
      values[RppsColumn.LIBELLE_SAVOIR_FAIRE.ordinal()] = blank(specialty.getDisplay());
    }
  }

  private static void activity(String[] values, PractitionerRole role) {
    for (CodeableConcept code : role.getCode()) {
      for (Coding coding : code.getCoding()) {
        if (!coding.hasCode()) {
          continue;
        }
        if (FrCodeSystems.TRE_R21_FONCTION.equals(coding.getSystem())) {
          values[RppsColumn.CODE_FONCTION.ordinal()] = coding.getCode();
          values[RppsColumn.LIBELLE_FONCTION.ordinal()] = blank(coding.getDisplay());
        } else if (FrCodeSystems.TRE_R22_GENRE_ACTIVITE.equals(coding.getSystem())) {
          values[RppsColumn.CODE_GENRE_ACTIVITE.ordinal()] = coding.getCode();
          values[RppsColumn.LIBELLE_GENRE_ACTIVITE.ordinal()] = blank(coding.getDisplay());
        } else if (FrCodeSystems.TRE_R23_MODE_EXERCICE.equals(coding.getSystem())) {
          values[RppsColumn.CODE_MODE_EXERCICE.ordinal()] = coding.getCode();
          values[RppsColumn.LIBELLE_MODE_EXERCICE.ordinal()] = blank(coding.getDisplay());
        }
      }
    }
  }

  private static void structure(String[] values, Organization organization) {
    for (Identifier identifier : organization.getIdentifier()) {
      if (!identifier.hasValue()) {
        continue;
      }
      if (FrIdentifiers.FINESS.equals(identifier.getSystem())) {
        values[RppsColumn.NUMERO_FINESS_SITE.ordinal()] = identifier.getValue();
      } else if (FrIdentifiers.SIRENE.equals(identifier.getSystem())
          && identifier.getValue().length() == 14) {
        values[RppsColumn.NUMERO_SIRET_SITE.ordinal()] = identifier.getValue();
      } else if (FrIdentifiers.IDNST.equals(identifier.getSystem())) {
        // Prefixed, as the extract writes its former structure identifier.
        values[RppsColumn.ANCIEN_IDENTIFIANT_STRUCTURE.ordinal()] = identifier.getValue();
      }
    }
    values[RppsColumn.RAISON_SOCIALE_SITE.ordinal()] = blank(organization.getName());
    if (!organization.getAlias().isEmpty()) {
      values[RppsColumn.ENSEIGNE_COMMERCIALE_SITE.ordinal()] =
          blank(organization.getAlias().get(0).getValue());
    }
    for (CodeableConcept type : organization.getType()) {
      for (Coding coding : type.getCoding()) {
        if (FrCodeSystems.TRE_R02_SECTEUR_ACTIVITE.equals(coding.getSystem())) {
          values[RppsColumn.CODE_SECTEUR_ACTIVITE.ordinal()] = coding.getCode();
          values[RppsColumn.LIBELLE_SECTEUR_ACTIVITE.ordinal()] = blank(coding.getDisplay());
        }
      }
    }
    if (organization.hasAddress()) {
      address(values, organization.getAddressFirstRep());
    }
    int phones = 0;
    for (ContactPoint telecom : organization.getTelecom()) {
      if (telecom.getSystem() == ContactPoint.ContactPointSystem.PHONE && phones < 2) {
        values[(phones++ == 0 ? RppsColumn.TELEPHONE : RppsColumn.TELEPHONE_2).ordinal()] =
            blank(telecom.getValue());
      } else if (telecom.getSystem() == ContactPoint.ContactPointSystem.FAX) {
        values[RppsColumn.TELECOPIE.ordinal()] = blank(telecom.getValue());
      } else if (telecom.getSystem() == ContactPoint.ContactPointSystem.EMAIL) {
        values[RppsColumn.ADRESSE_EMAIL.ordinal()] = blank(telecom.getValue());
      }
    }
  }

  /**
   * The address lines as the extract's: the last is the street, those before it the complements
   * (destinataire, point géographique; more are joined into the first).
   */
  private static void address(String[] values, Address address) {
    List<String> lines =
        address.getLine().stream().map(StringType::getValue).map(t -> blank(t)).toList();
    lines = lines.stream().filter(l -> l != null).toList();
    if (!lines.isEmpty()) {
      values[RppsColumn.LIBELLE_VOIE.ordinal()] = lines.get(lines.size() - 1);
      if (lines.size() == 2) {
        values[RppsColumn.COMPLEMENT_POINT_GEOGRAPHIQUE.ordinal()] = lines.get(0);
      } else if (lines.size() > 2) {
        values[RppsColumn.COMPLEMENT_DESTINATAIRE.ordinal()] =
            String.join(", ", lines.subList(0, lines.size() - 2));
        values[RppsColumn.COMPLEMENT_POINT_GEOGRAPHIQUE.ordinal()] = lines.get(lines.size() - 2);
      }
    }
    values[RppsColumn.CODE_POSTAL.ordinal()] = blank(address.getPostalCode());
    values[RppsColumn.LIBELLE_COMMUNE.ordinal()] = blank(address.getCity());
    values[RppsColumn.LIBELLE_PAYS.ordinal()] = blank(address.getCountry());
    Extension insee = address.getExtensionByUrl(FrExtensions.ADDRESS_INSEE_CODE);
    if (insee != null && insee.getValue() instanceof Coding coding) {
      values[RppsColumn.CODE_COMMUNE.ordinal()] = blank(coding.getCode());
    }
  }

  private static Coding coding(Practitioner practitioner, String system) {
    List<Coding> codings = codings(practitioner, system);
    return codings.isEmpty() ? null : codings.get(0);
  }

  private static List<Coding> codings(Practitioner practitioner, String system) {
    List<Coding> found = new ArrayList<>();
    for (Practitioner.PractitionerQualificationComponent qualification :
        practitioner.getQualification()) {
      for (Coding coding : qualification.getCode().getCoding()) {
        if (system.equals(coding.getSystem()) && coding.hasCode()) {
          found.add(coding);
        }
      }
    }
    return found;
  }

  private static String blank(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }
}
