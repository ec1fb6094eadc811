package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v25.datatype.CE;
import ca.uhn.hl7v2.model.v25.datatype.ED;
import ca.uhn.hl7v2.model.v25.datatype.RP;
import ca.uhn.hl7v2.model.v25.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v25.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v25.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v25.message.ORU_R01;
import ca.uhn.hl7v2.model.v25.segment.OBR;
import ca.uhn.hl7v2.model.v25.segment.OBX;
import ca.uhn.hl7v2.model.v25.segment.ORC;
import ca.uhn.hl7v2.model.v25.segment.PID;
import ca.uhn.hl7v2.util.Terser;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Endpoint.EndpointStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudyStatus;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;

/**
 * An imaging result, ORU^R01, to the transaction the radiology server would post in the IHE RAD IMR
 * pattern: per order (ORDER_OBSERVATION: OBR and its OBX), a DiagnosticReport, and when the message
 * gives the study's UID an ImagingStudy and, when it gives an image link or the source has a
 * WADO-RS base, its DICOMweb Endpoint. Each is a conditional update by identifier (Endpoint by
 * {@link HubIdentifiers#IMAGING_ENDPOINT} and the UID, ImagingStudy by its Study Instance UID,
 * DiagnosticReport by {@link RadiologySource#reportSystem()} and the accession number), so that a
 * result sent again, or corrected (OBR-25 {@code C}), updates the same resources.
 *
 * <p>Where each field comes from:
 *
 * <ul>
 *   <li>patient: the INS of PID-3, a conditional reference ({@link InsIdentifier}); the Patient
 *       must already be on the hub (the order refers to it);
 *   <li>order ({@code basedOn}): ORC-2/OBR-2 when it is the hub's number, else the accession number
 *       ({@link OrderNumbers}), a conditional reference;
 *   <li>accession number: OBR-18, else OBR-3 (filler order number) — required;
 *   <li>report status: OBR-25 (table 0123), else OBX-11 of the report's observations (table 0085);
 *   <li>report code: OBR-4; performed: OBR-7; issued: OBR-22; interpreter: OBR-32 (IDNPS);
 *   <li>report text ({@code conclusion}): the TX, FT and ST observations, line breaks ({@code
 *       \.br\}) and repetitions kept as lines; PDF ({@code presentedForm}): ED observations ({@code
 *       ^AP^PDF^Base64^...});
 *   <li>Study Instance UID: ZDS-1.1 (the IHE Radiology Z segment the RIS gives the order and echoes
 *       in results), else an observation coded DCM {@code 110180} (Study Instance UID) or {@code
 *       113014} (DICOM Study) holding the UID;
 *   <li>modality: observations coded DCM {@code 121139} (Modality), else OBR-24 (table 0074, {@code
 *       RUS} → {@code US}, {@code CT}, {@code MR}...); required with a study;
 *   <li>series: observations coded DCM {@code 112002} (Series Instance UID);
 *   <li>image link: an RP observation ({@code https://...}), else {@code <wado-rs
 *       base>/studies/<UID>}.
 * </ul>
 */
public final class OruR01Mapper implements Hl7v2InboundMapper {

  static final String DCM_STUDY_INSTANCE_UID = "110180";
  static final String DCM_DICOM_STUDY = "113014";
  static final String DCM_SERIES_INSTANCE_UID = "112002";
  static final String DCM_MODALITY = "121139";

  private static final Pattern UID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
  private static final Pattern DICOM_MODALITY = Pattern.compile("[A-Z]{2,3}");
  private static final Set<String> TEXT_TYPES = Set.of("TX", "FT", "ST");

  private final RadiologySource source;

  public OruR01Mapper(RadiologySource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public Bundle map(Message message, MappingContext context) throws Hl7v2MappingException {
    Segments.requireType(message, "ORU", List.of("R01"));
    if (!(message instanceof ORU_R01 oru)) {
      throw new Hl7v2MappingException(
          Hl7v2Error.WRONG_MESSAGE_TYPE, "MSH-9", "not an ORU_R01 structure");
    }
    try {
      return map(oru, context);
    } catch (HL7Exception e) {
      throw Hl7v2MappingException.unreadable(e);
    }
  }

  private Bundle map(ORU_R01 oru, MappingContext context)
      throws HL7Exception, Hl7v2MappingException {
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    List<ORU_R01_PATIENT_RESULT> results = oru.getPATIENT_RESULTAll();
    if (results.isEmpty() || Segments.isEmpty(results.get(0).getPATIENT().getPID())) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_SEGMENT, "PID", "a result names its patient in a PID segment");
    }
    for (ORU_R01_PATIENT_RESULT result : results) {
      PID pid = result.getPATIENT().getPID();
      if (Segments.isEmpty(pid)) {
        throw new Hl7v2MappingException(
            Hl7v2Error.MISSING_SEGMENT, "PID", "every patient result has its PID segment");
      }
      Reference patient = InsIdentifier.patientReference(pid);
      List<ORU_R01_ORDER_OBSERVATION> orders = new ArrayList<>();
      for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
        if (!Segments.isEmpty(order.getOBR())) {
          orders.add(order);
        }
      }
      if (orders.isEmpty()) {
        throw new Hl7v2MappingException(
            Hl7v2Error.MISSING_SEGMENT, "OBR", "a result has an OBR segment per order");
      }
      for (ORU_R01_ORDER_OBSERVATION order : orders) {
        // A Z segment after the OBR or its OBX belongs to that order.
        List<Segment> zds = Segments.all(order, "ZDS");
        if (zds.isEmpty() && orders.size() == 1) {
          zds = Segments.all(oru, "ZDS");
        }
        mapOrder(order, zds, patient, context, transaction);
      }
    }
    return transaction;
  }

  private void mapOrder(
      ORU_R01_ORDER_OBSERVATION order,
      List<Segment> zds,
      Reference patient,
      MappingContext context,
      Bundle transaction)
      throws HL7Exception, Hl7v2MappingException {
    OBR obr = order.getOBR();
    ORC orc = order.getORC();

    Optional<String> accession =
        Optional.ofNullable(Codes.trim(obr.getPlacerField1().getValue()))
            .or(() -> OrderNumbers.value(obr.getFillerOrderNumber()))
            .or(() -> OrderNumbers.value(orc.getFillerOrderNumber()));
    if (accession.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD,
          "OBR-18",
          "no accession number (OBR-18, or the filler order number OBR-3)");
    }
    Optional<String> hubNumber =
        OrderNumbers.hubNumber(orc.getPlacerOrderNumber())
            .or(() -> OrderNumbers.hubNumber(obr.getPlacerOrderNumber()));
    Reference basedOn = OrderNumbers.serviceRequest(hubNumber, accession, source).orElseThrow();

    List<OBX> observations = new ArrayList<>();
    for (ORU_R01_OBSERVATION observation : order.getOBSERVATIONAll()) {
      if (!Segments.isEmpty(observation.getOBX())) {
        observations.add(observation.getOBX());
      }
    }

    CodeableConcept code = Codes.concept(obr.getUniversalServiceIdentifier());
    if (code.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD, "OBR-4", "the exam (universal service identifier) is empty");
    }
    Optional<String> performed =
        V2DateTime.fhirDateTime(
            obr.getObservationDateTime().getTime().getValue(), context.zone(), "OBR-7");

    // The study, its image link.
    Optional<String> studyUid = studyUid(zds, observations);
    String endpointUrl = null;
    String studyUrl = null;
    if (studyUid.isPresent()) {
      Optional<String> link = imageLink(observations);
      if (link.isEmpty() && source.wadoRs().isPresent()) {
        link = Optional.of(source.wadoRs().get() + "/studies/" + studyUid.get());
      }
      if (link.isPresent()) {
        endpointUrl =
            Conditional.put(
                transaction,
                endpoint(link.get(), studyUid.get()),
                HubIdentifiers.IMAGING_ENDPOINT,
                studyUid.get());
      }
      ImagingStudy study =
          study(studyUid.get(), accession.get(), modalities(obr, observations), observations, code);
      study.setSubject(patient.copy()).addBasedOn(basedOn.copy());
      performed.ifPresent(p -> study.setStartedElement(new DateTimeType(p)));
      if (endpointUrl != null) {
        study.addEndpoint(new Reference(endpointUrl));
      }
      studyUrl = Conditional.put(transaction, study, "urn:dicom:uid", "urn:oid:" + studyUid.get());
    }

    DiagnosticReport report = new DiagnosticReport();
    report.getMeta().addProfile(HubProfiles.DIAGNOSTIC_REPORT_IMAGING);
    report.addIdentifier(
        new Identifier().setSystem(source.reportSystem()).setValue(accession.get()));
    report.addBasedOn(basedOn.copy());
    report.setStatus(status(obr, observations));
    report.addCategory(Codes.concept(FrCodeSystems.V2_0074, "RAD"));
    report.setCode(code);
    report.setSubject(patient.copy());
    performed.ifPresent(p -> report.setEffective(new DateTimeType(p)));
    Optional<String> issued =
        V2DateTime.instant(
                obr.getResultsRptStatusChngDateTime().getTime().getValue(),
                context.zone(),
                "OBR-22")
            .map(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME::format);
    issued.ifPresent(i -> report.setIssuedElement(new InstantType(i)));
    if (!Segments.isEmpty(obr.getPrincipalResultInterpreter())) {
      var interpreter = obr.getPrincipalResultInterpreter().getNameOfPerson();
      ProfessionalIdentifier.idnps(interpreter)
          .ifPresent(
              idnps ->
                  report.addResultsInterpreter(
                      ProfessionalIdentifier.reference(
                          idnps,
                          interpreter.getFamilyName().getValue(),
                          interpreter.getGivenName().getValue())));
    }
    if (studyUrl != null) {
      report.addImagingStudy(new Reference(studyUrl));
    }
    String text = reportText(observations);
    if (!text.isEmpty()) {
      report.setConclusion(text);
    }
    for (OBX obx : observations) {
      if ("ED".equals(valueType(obx))) {
        for (Varies value : obx.getObservationValue()) {
          if (value.getData() instanceof ED ed && !Segments.isEmpty(ed)) {
            report.addPresentedForm(attachment(ed, obx));
          }
        }
      }
    }
    if (!report.hasConclusion() && !report.hasPresentedForm()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD,
          "OBX-5",
          "the result holds neither report text (TX, FT, ST) nor a PDF (ED)");
    }
    Conditional.put(transaction, report, source.reportSystem(), accession.get());
  }

  private static Endpoint endpoint(String address, String studyUid) {
    Endpoint endpoint = new Endpoint();
    endpoint.getMeta().addProfile(HubProfiles.ENDPOINT_WADO);
    // The identifier its conditional update matches it by: a server checks that they agree.
    endpoint.addIdentifier().setSystem(HubIdentifiers.IMAGING_ENDPOINT).setValue(studyUid);
    endpoint.setStatus(EndpointStatus.ACTIVE);
    endpoint.setConnectionType(
        new Coding(FrCodeSystems.ENDPOINT_CONNECTION_TYPE, "dicom-wado-rs", null));
    endpoint.setName("Images de l'étude (DICOMweb)");
    endpoint.addPayloadType(
        new CodeableConcept()
            .addCoding(new Coding(FrCodeSystems.DICOM_DCM, DCM_DICOM_STUDY, "DICOM Study")));
    endpoint.addPayloadMimeType("application/dicom");
    endpoint.setAddress(address);
    return endpoint;
  }

  private ImagingStudy study(
      String uid,
      String accession,
      List<String> modalities,
      List<OBX> observations,
      CodeableConcept code)
      throws Hl7v2MappingException {
    ImagingStudy study = new ImagingStudy();
    study.getMeta().addProfile(HubProfiles.IMAGING_STUDY);
    study.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + uid);
    study
        .addIdentifier()
        .setType(Codes.concept(FrCodeSystems.V2_0203, "ACSN"))
        .setSystem(source.accessionSystem())
        .setValue(accession);
    study.setStatus(ImagingStudyStatus.AVAILABLE);
    if (modalities.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD,
          "OBR-24",
          "no modality for the study (an OBX coded DCM "
              + DCM_MODALITY
              + ", or OBR-24 such as CT, RUS, MR)");
    }
    modalities.forEach(m -> study.addModality(new Coding(FrCodeSystems.DICOM_DCM, m, null)));
    study.addProcedureCode(code.copy());
    if (code.hasText()) {
      study.setDescription(code.getText());
    }
    for (OBX obx : observations) {
      if (DCM_SERIES_INSTANCE_UID.equals(observationCode(obx))) {
        String seriesUid = uidOf(obx);
        study
            .addSeries()
            .setUid(seriesUid)
            .setModality(new Coding(FrCodeSystems.DICOM_DCM, modalities.get(0), null));
      }
    }
    if (study.hasSeries()) {
      study.setNumberOfSeries(study.getSeries().size());
    }
    return study;
  }

  private static Optional<String> studyUid(List<Segment> zds, List<OBX> observations)
      throws HL7Exception, Hl7v2MappingException {
    for (Segment segment : zds) {
      String value = Codes.trim(Terser.get(segment, 1, 0, 1, 1));
      if (value != null) {
        return Optional.of(checkUid(value, "ZDS-1"));
      }
    }
    for (OBX obx : observations) {
      String code = observationCode(obx);
      if (DCM_STUDY_INSTANCE_UID.equals(code) || DCM_DICOM_STUDY.equals(code)) {
        return Optional.of(uidOf(obx));
      }
    }
    return Optional.empty();
  }

  private static String uidOf(OBX obx) throws Hl7v2MappingException {
    String location = at(obx, 5);
    Varies[] values = obx.getObservationValue();
    Optional<String> value = values.length == 0 ? Optional.empty() : Segments.firstValue(values[0]);
    if (value.isEmpty()) {
      throw new Hl7v2MappingException(Hl7v2Error.MISSING_FIELD, location, "the UID is empty");
    }
    return checkUid(value.get(), location);
  }

  private static String checkUid(String value, String location) throws Hl7v2MappingException {
    String uid = value.startsWith("urn:oid:") ? value.substring("urn:oid:".length()) : value;
    if (uid.length() > 64 || !UID.matcher(uid).matches()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.INVALID_VALUE,
          location,
          "not a DICOM UID (digits and dots, at most 64 characters)");
    }
    return uid;
  }

  private static List<String> modalities(OBR obr, List<OBX> observations)
      throws Hl7v2MappingException {
    Set<String> modalities = new LinkedHashSet<>();
    for (OBX obx : observations) {
      if (DCM_MODALITY.equals(observationCode(obx))) {
        for (Varies value : obx.getObservationValue()) {
          Optional<String> code = Segments.firstValue(value);
          if (code.isPresent()) {
            String modality = code.get().toUpperCase(Locale.ROOT);
            if (!DICOM_MODALITY.matcher(modality).matches()) {
              throw new Hl7v2MappingException(
                  Hl7v2Error.INVALID_VALUE,
                  at(obx, 5),
                  "not a DICOM modality code (CT, US, MR...)");
            }
            modalities.add(modality);
          }
        }
      }
    }
    if (modalities.isEmpty()) {
      String section = Codes.trim(obr.getDiagnosticServSectID().getValue());
      if (section != null) {
        modalities.add(fromTable0074(section.toUpperCase(Locale.ROOT)));
      }
    }
    return List.copyOf(modalities);
  }

  /** HL7 table 0074 sections to DICOM modalities; DICOM codes pass as they are. */
  private static String fromTable0074(String section) throws Hl7v2MappingException {
    return switch (section) {
      case "RUS", "US", "CUS", "OUS" -> "US";
      case "CT", "CTH" -> "CT";
      case "MR", "NMR" -> "MR";
      case "NMS", "NM" -> "NM";
      case "RX", "CR" -> "CR";
      case "DX", "MG", "XA", "RF", "PT", "OT" -> section;
      default ->
          throw new Hl7v2MappingException(
              Hl7v2Error.INVALID_VALUE,
              "OBR-24",
              "diagnostic section '" + section + "' names no imaging modality");
    };
  }

  private static Optional<String> imageLink(List<OBX> observations) throws Hl7v2MappingException {
    for (OBX obx : observations) {
      if ("RP".equals(valueType(obx))) {
        for (Varies value : obx.getObservationValue()) {
          if (value.getData() instanceof RP rp) {
            String pointer = Codes.trim(rp.getPointer().getValue());
            if (pointer != null) {
              if (!pointer.startsWith("https://")) {
                throw new Hl7v2MappingException(
                    Hl7v2Error.INVALID_VALUE, at(obx, 5), "the image link is not an https:// URL");
              }
              return Optional.of(pointer);
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String reportText(List<OBX> observations) throws HL7Exception {
    List<String> lines = new ArrayList<>();
    for (OBX obx : observations) {
      if (TEXT_TYPES.contains(valueType(obx)) && !isDicomCoded(obx)) {
        for (Varies value : obx.getObservationValue()) {
          Type data = value.getData();
          String text = FormattedText.read(data);
          if (!text.isBlank()) {
            lines.add(text.stripTrailing());
          }
        }
      }
    }
    return String.join("\n", lines);
  }

  private static boolean isDicomCoded(OBX obx) {
    String code = observationCode(obx);
    return DCM_STUDY_INSTANCE_UID.equals(code)
        || DCM_DICOM_STUDY.equals(code)
        || DCM_SERIES_INSTANCE_UID.equals(code)
        || DCM_MODALITY.equals(code);
  }

  private static Attachment attachment(ED ed, OBX obx) throws Hl7v2MappingException {
    String location = at(obx, 5);
    String encoding = Codes.trim(ed.getEncoding().getValue());
    if (encoding == null || !encoding.equalsIgnoreCase("Base64")) {
      throw new Hl7v2MappingException(
          Hl7v2Error.INVALID_VALUE, location, "encapsulated data must be Base64 (ED-4)");
    }
    String data = ed.getData().getValue() == null ? "" : ed.getData().getValue();
    data = data.replaceAll("\\s+", "");
    try {
      Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.INVALID_VALUE, location, "the encapsulated data is not valid base64", e);
    }
    if (data.isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.MISSING_FIELD, location, "the encapsulated data (ED-5) is empty");
    }
    String type = Codes.trim(ed.getTypeOfData().getValue());
    String subtype = Codes.trim(ed.getDataSubtype().getValue());
    Attachment attachment = new Attachment().setContentType(contentType(type, subtype));
    attachment.setDataElement(new org.hl7.fhir.r4.model.Base64BinaryType(data));
    String title = Codes.trim(obx.getObservationIdentifier().getText().getValue());
    attachment.setTitle(title == null ? "Compte rendu" : title);
    return attachment;
  }

  private static String contentType(String type, String subtype) {
    String sub = subtype == null ? "octet-stream" : subtype.toLowerCase(Locale.ROOT);
    if (sub.contains("/")) {
      return sub;
    }
    String main = type == null ? "AP" : type.toUpperCase(Locale.ROOT);
    return switch (main) {
      case "IM", "IMAGE" -> "image/" + sub;
      case "TEXT", "TX" -> "text/" + sub;
      default -> "application/" + sub;
    };
  }

  /** OBR-25 (table 0123), else the report observations' OBX-11 (table 0085). */
  private static DiagnosticReportStatus status(OBR obr, List<OBX> observations)
      throws Hl7v2MappingException {
    String resultStatus = Codes.trim(obr.getResultStatus().getValue());
    if (resultStatus != null) {
      return switch (resultStatus.toUpperCase(Locale.ROOT)) {
        case "F" -> DiagnosticReportStatus.FINAL;
        case "C" -> DiagnosticReportStatus.CORRECTED;
        case "P", "R" -> DiagnosticReportStatus.PRELIMINARY;
        case "A" -> DiagnosticReportStatus.PARTIAL;
        case "O", "I", "S" -> DiagnosticReportStatus.REGISTERED;
        case "X" -> DiagnosticReportStatus.CANCELLED;
        default ->
            throw new Hl7v2MappingException(
                Hl7v2Error.INVALID_VALUE,
                "OBR-25",
                "result status '" + resultStatus + "' is not in HL7 table 0123");
      };
    }
    for (OBX obx : observations) {
      String type = valueType(obx);
      String status = Codes.trim(obx.getObservationResultStatus().getValue());
      if (status != null && (TEXT_TYPES.contains(type) || "ED".equals(type))) {
        return switch (status.toUpperCase(Locale.ROOT)) {
          case "F" -> DiagnosticReportStatus.FINAL;
          case "C" -> DiagnosticReportStatus.CORRECTED;
          case "P", "R", "S" -> DiagnosticReportStatus.PRELIMINARY;
          case "D", "W" -> DiagnosticReportStatus.ENTEREDINERROR;
          case "X" -> DiagnosticReportStatus.CANCELLED;
          case "I", "O" -> DiagnosticReportStatus.REGISTERED;
          default ->
              throw new Hl7v2MappingException(
                  Hl7v2Error.INVALID_VALUE,
                  at(obx, 11),
                  "observation status '" + status + "' is not in HL7 table 0085");
        };
      }
    }
    throw new Hl7v2MappingException(
        Hl7v2Error.MISSING_FIELD,
        "OBR-25",
        "no result status (OBR-25, or OBX-11 of the report's observations)");
  }

  /** {@code OBX[2]-5}: the field of the observation by its set id. */
  private static String at(OBX obx, int field) {
    String setId = Codes.trim(obx.getSetIDOBX().getValue());
    return "OBX" + (setId == null ? "" : "[" + setId + "]") + "-" + field;
  }

  private static String valueType(OBX obx) {
    String type = obx.getValueType().getValue();
    return type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
  }

  private static String observationCode(OBX obx) {
    CE id = obx.getObservationIdentifier();
    return Codes.trim(id.getIdentifier().getValue());
  }
}
