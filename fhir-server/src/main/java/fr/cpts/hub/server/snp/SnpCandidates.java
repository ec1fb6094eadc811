package fr.cpts.hub.server.snp;

import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.ClockConfig;
import fr.cpts.hub.server.directory.Places;
import fr.cpts.hub.server.mt.MtRecords;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.PractitionerRole.PractitionerRoleAvailableTimeComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * Who a wave of an SNP request alerts, found by HAPI searches on the directory:
 *
 * <ul>
 *   <li>wave 1: the patient's médecin traitant ({@code Patient.generalPractitioner}: a
 *       PractitionerRole, or the active roles of a Practitioner);
 *   <li>waves 2 and 3: the active PractitionerRoles at a place within the wave's radius of the
 *       patient's commune ({@code Location?near=}, from the position of a place of that commune);
 * </ul>
 *
 * each taking part in SNP by answering alerts ({@code snp-participation=true}, mode {@code
 * alerts}), offering one of the request's modes (at the practice: any; home visit: mode {@code
 * home-visits}; teleconsultation: mode {@code teleconsultation}), and available during the
 * request's window as the role declares it ({@code availableTime}, {@code notAvailable}); never one
 * already alerted. Nearest first, at most {@code max-alerts-per-wave}.
 */
@Component
public class SnpCandidates {

  static final String AMB = "AMB";
  static final String HOME_VISIT = "HH";
  static final String TELECONSULTATION = "VR";

  private final MtRecords records;
  private final SnpProperties properties;

  public SnpCandidates(MtRecords records, SnpProperties properties) {
    this.records = records;
    this.properties = properties;
  }

  /** The PractitionerRole ids the wave alerts; empty when nobody fits. */
  public List<String> forWave(
      int wave, ServiceRequest request, Patient patient, Set<String> alreadyAlerted, Instant now) {
    Window window = Window.of(request, now);
    Set<String> modes = modes(request);
    if (wave == 1) {
      return medecinTraitant(patient).stream()
          .filter(r -> !alreadyAlerted.contains(r.getIdElement().getIdPart()))
          .filter(r -> takesAlerts(r) && offers(r, modes) && available(r, window))
          .map(r -> r.getIdElement().getIdPart())
          .distinct()
          .limit(properties.maxAlertsPerWave())
          .toList();
    }
    String commune = commune(request, patient);
    if (commune == null) {
      return List.of();
    }
    double km = radiusOf(wave);
    Places.Around around = records.placesAround(commune, km);
    Map<String, Location> places = around.places();
    Optional<double[]> centre = around.centre();
    Map<String, Double> found = new LinkedHashMap<>();
    for (List<String> chunk : Places.chunks(new ArrayList<>(places.keySet()), 50)) {
      String locations = chunk.stream().map(l -> "Location/" + l).collect(Collectors.joining(","));
      for (PractitionerRole role :
          records.search(
              PractitionerRole.class,
              "PractitionerRole?"
                  + HubProfiles.SP_SNP_PARTICIPATION
                  + "=true&"
                  + HubProfiles.SP_SNP_MODE
                  + "="
                  + HubProfiles.CS_SNP_MODE
                  + "|alerts&active=true&location="
                  + locations)) {
        String id = role.getIdElement().getIdPart();
        if (alreadyAlerted.contains(id)
            || found.containsKey(id)
            || !offers(role, modes)
            || !available(role, window)) {
          continue;
        }
        double distance =
            role.getLocation().stream()
                .map(r -> places.get(r.getReferenceElement().getIdPart()))
                .filter(l -> l != null)
                .mapToDouble(
                    l -> commune.equals(Places.insee(l)) ? 0 : Places.distanceKm(centre, l))
                .min()
                .orElse(Double.MAX_VALUE);
        if (distance <= km || distance == 0) {
          found.put(id, distance);
        }
      }
    }
    return found.entrySet().stream()
        .sorted(
            Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(properties.maxAlertsPerWave())
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The radius of waves 2 and 3, null for wave 1. */
  Double radiusOf(int wave) {
    return switch (wave) {
      case 1 -> null;
      case 2 -> properties.nearbyRadiusKm();
      default -> properties.widerRadiusKm();
    };
  }

  private List<PractitionerRole> medecinTraitant(Patient patient) {
    List<PractitionerRole> roles = new ArrayList<>();
    if (patient == null) {
      return roles;
    }
    for (Reference gp : patient.getGeneralPractitioner()) {
      String type = gp.getReferenceElement().getResourceType();
      if ("PractitionerRole".equals(type)) {
        records
            .read(PractitionerRole.class, gp)
            .filter(r -> !r.hasActive() || r.getActive())
            .ifPresent(roles::add);
      } else if ("Practitioner".equals(type) && gp.getReferenceElement().hasIdPart()) {
        roles.addAll(
            records.search(
                PractitionerRole.class,
                "PractitionerRole?active=true&practitioner=Practitioner/"
                    + gp.getReferenceElement().getIdPart()));
      }
    }
    return roles;
  }

  /** The patient's commune: the request's locationCode (INSEE), else the patient's address. */
  static String commune(ServiceRequest request, Patient patient) {
    for (CodeableConcept code : request.getLocationCode()) {
      for (Coding coding : code.getCoding()) {
        if (FrCodeSystems.TRE_R13_COMMUNE.equals(coding.getSystem()) && coding.hasCode()) {
          return coding.getCode();
        }
      }
    }
    if (patient != null) {
      for (var address : patient.getAddress()) {
        Extension code = address.getExtensionByUrl(FrExtensions.ADDRESS_INSEE_CODE);
        if (code != null && code.getValue() instanceof Coding coding && coding.hasCode()) {
          return coding.getCode();
        }
      }
    }
    return null;
  }

  /** The request's acceptable modes: AMB, HH, VR (v3-ActCode). */
  static Set<String> modes(ServiceRequest request) {
    return request.getOrderDetail().stream()
        .flatMap(c -> c.getCoding().stream())
        .filter(c -> FrCodeSystems.V3_ACT_CODE.equals(c.getSystem()))
        .map(Coding::getCode)
        .collect(Collectors.toSet());
  }

  static boolean takesAlerts(PractitionerRole role) {
    Extension snp = role.getExtensionByUrl(HubProfiles.EXT_SNP_PARTICIPATION);
    Extension participating = snp == null ? null : snp.getExtensionByUrl("participating");
    if (participating == null
        || !(participating.getValue() instanceof BooleanType yes)
        || !yes.booleanValue()) {
      return false;
    }
    return snpModes(role).contains("alerts");
  }

  private static Set<String> snpModes(PractitionerRole role) {
    Extension snp = role.getExtensionByUrl(HubProfiles.EXT_SNP_PARTICIPATION);
    if (snp == null) {
      return Set.of();
    }
    return snp.getExtensionsByUrl("mode").stream()
        .map(Extension::getValue)
        .filter(Coding.class::isInstance)
        .map(Coding.class::cast)
        .filter(c -> HubProfiles.CS_SNP_MODE.equals(c.getSystem()))
        .map(Coding::getCode)
        .collect(Collectors.toSet());
  }

  /** Whether the role offers one of the request's modes (a consultation at the practice: any). */
  static boolean offers(PractitionerRole role, Set<String> requested) {
    Set<String> own = snpModes(role);
    return requested.contains(AMB)
        || (requested.contains(HOME_VISIT) && own.contains("home-visits"))
        || (requested.contains(TELECONSULTATION) && own.contains("teleconsultation"));
  }

  /**
   * Whether the role is available at some time of the window: not away for all of it ({@code
   * notAvailable.during}), and, when it declares its available times, one of them falls in it.
   */
  static boolean available(PractitionerRole role, Window window) {
    for (var away : role.getNotAvailable()) {
      if (away.hasDuring()
          && away.getDuring().getStart() != null
          && !away.getDuring().getStart().toInstant().isAfter(window.from())
          && (away.getDuring().getEnd() == null
              || !away.getDuring().getEnd().toInstant().isBefore(window.to()))) {
        return false;
      }
    }
    if (!role.hasAvailableTime()) {
      return true;
    }
    ZonedDateTime from = window.from().atZone(ClockConfig.PARIS);
    ZonedDateTime to = window.to().atZone(ClockConfig.PARIS);
    for (LocalDate day = from.toLocalDate();
        !day.isAfter(to.toLocalDate());
        day = day.plusDays(1)) {
      for (PractitionerRoleAvailableTimeComponent time : role.getAvailableTime()) {
        if (opens(time, day, from, to)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean opens(
      PractitionerRoleAvailableTimeComponent time,
      LocalDate day,
      ZonedDateTime from,
      ZonedDateTime to) {
    DayOfWeek weekday = day.getDayOfWeek();
    boolean onThatDay =
        !time.hasDaysOfWeek()
            || time.getDaysOfWeek().stream()
                .anyMatch(d -> d.getValue() != null && d.getValue().toCode().equals(code(weekday)));
    if (!onThatDay) {
      return false;
    }
    LocalTime start =
        time.getAllDay() || !time.hasAvailableStartTime()
            ? LocalTime.MIN
            : LocalTime.parse(time.getAvailableStartTime());
    LocalTime end =
        time.getAllDay() || !time.hasAvailableEndTime()
            ? LocalTime.MAX
            : LocalTime.parse(time.getAvailableEndTime());
    ZonedDateTime opens = day.atTime(start).atZone(ClockConfig.PARIS);
    ZonedDateTime closes = day.atTime(end).atZone(ClockConfig.PARIS);
    return opens.isBefore(to) && closes.isAfter(from);
  }

  private static String code(DayOfWeek day) {
    return day.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT);
  }

  /** The part of the request's window still to come: from now (or its start) to its end. */
  record Window(Instant from, Instant to) {
    static Window of(ServiceRequest request, Instant now) {
      Instant start =
          request.hasOccurrencePeriod() && request.getOccurrencePeriod().getStart() != null
              ? request.getOccurrencePeriod().getStart().toInstant()
              : now;
      Instant end =
          request.hasOccurrencePeriod() && request.getOccurrencePeriod().getEnd() != null
              ? request.getOccurrencePeriod().getEnd().toInstant()
              : now.plus(java.time.Duration.ofHours(48));
      return new Window(start.isAfter(now) ? start : now, end);
    }
  }
}
