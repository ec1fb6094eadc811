package fr.cpts.hub.mappers.hl7v2;

import fr.cpts.hub.profiles.HubIdentifiers;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The radiology group a RIS speaks for, as the hub knows it: the code that names its identifier
 * systems, and, optionally, the DICOMweb (WADO-RS) base of its PACS for results that carry no image
 * link of their own.
 *
 * @param code the group's code in the hub's identifier systems, e.g. {@code radiologie-golfe}
 * @param namespace how the RIS names itself in HL7 v2 (the EI.2 namespace of its filler numbers,
 *     MSH-3), e.g. {@code RIS-GOLFE}
 * @param wadoRsBase the {@code https://} base the study's path is appended to ({@code
 *     <base>/studies/<Study Instance UID>}), or null
 */
public record RadiologySource(String code, String namespace, String wadoRsBase) {

  private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9-]*");

  public RadiologySource {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(namespace, "namespace");
    if (!CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("code must be lower-case letters, digits and dashes");
    }
    if (wadoRsBase != null && !wadoRsBase.startsWith("https://")) {
      throw new IllegalArgumentException("wadoRsBase must be an https:// URL");
    }
    if (wadoRsBase != null && wadoRsBase.endsWith("/")) {
      wadoRsBase = wadoRsBase.substring(0, wadoRsBase.length() - 1);
    }
  }

  /** The system of the group's accession numbers (ServiceRequest, ImagingStudy identifiers). */
  public String accessionSystem() {
    return HubIdentifiers.ACCESSION + "/" + code;
  }

  /** The system of the group's reports (DiagnosticReport identifier: the accession number). */
  public String reportSystem() {
    return HubIdentifiers.IMAGING_REPORT + "/" + code;
  }

  /** The system of the group's own appointment numbers (SCH-2). */
  public String appointmentSystem() {
    return HubIdentifiers.RIS_APPOINTMENT + "/" + code;
  }

  public Optional<String> wadoRs() {
    return Optional.ofNullable(wadoRsBase);
  }
}
