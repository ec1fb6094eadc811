package fr.cpts.hub.mappers.hl7v2;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.AbstractMessage;
import ca.uhn.hl7v2.model.v25.datatype.CE;
import ca.uhn.hl7v2.model.v25.datatype.XAD;
import ca.uhn.hl7v2.model.v25.datatype.XPN;
import ca.uhn.hl7v2.model.v25.group.OMI_O23_ORDER;
import ca.uhn.hl7v2.model.v25.group.ORM_O01_ORDER;
import ca.uhn.hl7v2.model.v25.message.OMI_O23;
import ca.uhn.hl7v2.model.v25.message.ORM_O01;
import ca.uhn.hl7v2.model.v25.segment.IPC;
import ca.uhn.hl7v2.model.v25.segment.MSH;
import ca.uhn.hl7v2.model.v25.segment.NTE;
import ca.uhn.hl7v2.model.v25.segment.OBR;
import ca.uhn.hl7v2.model.v25.segment.ORC;
import ca.uhn.hl7v2.model.v25.segment.PID;
import ca.uhn.hl7v2.model.v25.segment.PV1;
import ca.uhn.hl7v2.parser.PipeParser;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.nio.charset.CharsetEncoder;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.HumanName.NameUse;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * An imaging order of the hub (ServiceRequest {@code hub-service-request-imaging}, its Patient and
 * requesting Practitioner) to the HL7 v2 order the RIS receives: ORM^O01 or OMI^O23 (v2.5), ER7
 * encoded in the character set of the options, written in MSH-18. For ISO-8859-1 the few French
 * characters it lacks are spelled out ({@code œ} → {@code oe}, {@code €} → {@code EUR}, typographic
 * quotes and dashes → ASCII); any other character it cannot carry is an error, never a silent
 * {@code ?}.
 *
 * <p>Where each field goes:
 *
 * <ul>
 *   <li>MSH-3 {@code CPTS-HUB}, MSH-4/5/6 and MSH-11 from the options, MSH-7 the context's clock in
 *       its zone, MSH-10 a fresh id of the context, MSH-12 {@code 2.5}, MSH-17 {@code FRA}, MSH-18
 *       the character set;
 *   <li>PID-3 the INS ({@link InsIdentifier}, required), PID-5 the official name (type {@code L}),
 *       PID-7 birth date, PID-8 sex, PID-11 address; PV1-2 {@code O} (outpatient);
 *   <li>ORC-1 from the status: active {@code NW}, on-hold {@code HD}, revoked or entered-in-error
 *       {@code CA}; ORC-2/OBR-2 the hub's order number (identifier in {@link
 *       HubIdentifiers#SERVICE_REQUEST}, required) under {@code CPTS-HUB}; ORC-3/OBR-3 and OBR-18
 *       the accession number when the order has one (type ACSN); ORC-9 {@code authoredOn};
 *       ORC-12/OBR-16 the requester with IDNPS (required);
 *   <li>OBR-4 {@code code}; OBR-13 and OBR-31 the reasons ({@code reasonCode}); NTE the notes;
 *       priority ({@code routine} R, {@code urgent} and {@code asap} A, {@code stat} S) in
 *       ORC-7.6/OBR-27.6 (ORM) or TQ1-9 (OMI);
 *   <li>OMI only: IPC-1 the accession number, IPC-5 the modality when {@code code} or {@code
 *       orderDetail} carries a DICOM one; the Study Instance UID (IPC-3) is the RIS's to assign.
 * </ul>
 */
public final class ServiceRequestToOrmMapper {

  private static final Map<Character, String> LATIN1_SPELLING =
      Map.ofEntries(
          Map.entry('œ', "oe"),
          Map.entry('Œ', "OE"),
          Map.entry('€', "EUR"),
          Map.entry('’', "'"),
          Map.entry('‘', "'"),
          Map.entry('“', "\""),
          Map.entry('”', "\""),
          Map.entry('–', "-"),
          Map.entry('—', "-"),
          Map.entry('…', "..."),
          Map.entry('\u202f', " "));

  private final RadiologySource source;
  private final PipeParser parser = Hl7v2Reader.pipeParser();

  public ServiceRequestToOrmMapper(RadiologySource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * @throws Hl7v2MappingException {@code HUB-0909} when the order lacks what the message needs (the
   *     hub's order number, the INS, the requester's IDNPS, the exam) or holds a character the
   *     character set cannot carry
   */
  public Er7Message map(ImagingOrder order, OrderMessageOptions options, MappingContext context)
      throws Hl7v2MappingException {
    try {
      String text =
          switch (options.type()) {
            case ORM_O01 -> parser.encode(orm(order, options, context));
            case OMI_O23 -> parser.encode(omi(order, options, context));
          };
      return encode(text, options.charset());
    } catch (HL7Exception e) {
      throw new Hl7v2MappingException(
          Hl7v2Error.CANNOT_ENCODE, null, "HAPI cannot build the message", e);
    }
  }

  private ORM_O01 orm(ImagingOrder order, OrderMessageOptions options, MappingContext context)
      throws HL7Exception, Hl7v2MappingException {
    ORM_O01 message = new ORM_O01();
    message.setParser(parser);
    header(message, message.getMSH(), "ORM", "O01", options, context);
    patient(order.patient(), message.getPATIENT().getPID());
    visit(message.getPATIENT().getPATIENT_VISIT().getPV1());
    ORM_O01_ORDER group = message.getORDER();
    common(order, group.getORC(), context);
    OBR obr = group.getORDER_DETAIL().getOBR();
    request(order, obr);
    priority(order.serviceRequest())
        .ifPresent(
            p -> {
              try {
                group.getORC().getQuantityTiming(0).getPriority().setValue(p);
                obr.getQuantityTiming(0).getPriority().setValue(p);
              } catch (HL7Exception e) {
                throw new IllegalStateException(e);
              }
            });
    notes(
        order.serviceRequest(),
        group.getORDER_DETAIL().getNTEAll().size(),
        n -> group.getORDER_DETAIL().getNTE(n));
    return message;
  }

  private OMI_O23 omi(ImagingOrder order, OrderMessageOptions options, MappingContext context)
      throws HL7Exception, Hl7v2MappingException {
    OMI_O23 message = new OMI_O23();
    message.setParser(parser);
    header(message, message.getMSH(), "OMI", "O23", options, context);
    patient(order.patient(), message.getPATIENT().getPID());
    visit(message.getPATIENT().getPATIENT_VISIT().getPV1());
    OMI_O23_ORDER group = message.getORDER();
    common(order, group.getORC(), context);
    Optional<String> priority = priority(order.serviceRequest());
    if (priority.isPresent()) {
      var tq1 = group.getTIMING().getTQ1();
      tq1.getSetIDTQ1().setValue("1");
      tq1.getPriority(0).getIdentifier().setValue(priority.get());
      tq1.getPriority(0).getNameOfCodingSystem().setValue("HL70485");
    }
    request(order, group.getOBR());
    notes(order.serviceRequest(), 0, group::getNTE);
    IPC ipc = group.getIPC(0);
    Optional<String> accession = accession(order.serviceRequest());
    if (accession.isPresent()) {
      OrderNumbers.write(ipc.getAccessionIdentifier(), accession.get(), source.namespace());
    }
    Optional<String> modality = modality(order.serviceRequest());
    if (modality.isPresent()) {
      ipc.getModality().getIdentifier().setValue(modality.get());
      ipc.getModality().getNameOfCodingSystem().setValue("DCM");
    }
    return message;
  }

  private static void header(
      AbstractMessage message,
      MSH msh,
      String code,
      String event,
      OrderMessageOptions options,
      MappingContext context)
      throws HL7Exception {
    msh.getFieldSeparator().setValue("|");
    msh.getEncodingCharacters().setValue("^~\\&");
    msh.getSendingApplication().getNamespaceID().setValue(OrderNumbers.HUB_NAMESPACE);
    msh.getSendingFacility().getNamespaceID().setValue(options.sendingFacility());
    msh.getReceivingApplication().getNamespaceID().setValue(options.receivingApplication());
    msh.getReceivingFacility().getNamespaceID().setValue(options.receivingFacility());
    OffsetDateTime now =
        ZonedDateTime.ofInstant(context.clock().instant(), context.zone())
            .toOffsetDateTime()
            .withNano(0);
    msh.getDateTimeOfMessage().getTime().setValue(V2DateTime.dtm(now));
    msh.getMessageType().getMessageCode().setValue(code);
    msh.getMessageType().getTriggerEvent().setValue(event);
    msh.getMessageType().getMessageStructure().setValue(code + "_" + event);
    msh.getMessageControlID().setValue(context.ids().get());
    msh.getProcessingID().getProcessingID().setValue(options.processingId());
    msh.getVersionID().getVersionID().setValue("2.5");
    msh.getCountryCode().setValue("FRA");
    msh.getCharacterSet(0).setValue(options.charset().msh18());
  }

  private static void patient(Patient patient, PID pid) throws HL7Exception, Hl7v2MappingException {
    pid.getSetIDPID().setValue("1");
    if (!InsIdentifier.write(patient.getIdentifier(), pid.getPatientIdentifierList(0))) {
      throw new Hl7v2MappingException(
          Hl7v2Error.CANNOT_ENCODE,
          "Patient.identifier",
          "the patient has no INS (PID-3 carries the INS to the RIS)");
    }
    Optional<HumanName> name =
        patient.getName().stream()
            .filter(n -> n.getUse() == NameUse.OFFICIAL)
            .findFirst()
            .or(() -> patient.getName().stream().findFirst());
    if (name.isPresent()) {
      XPN xpn = pid.getPatientName(0);
      xpn.getFamilyName().getSurname().setValue(name.get().getFamily());
      List<String> given = name.get().getGiven().stream().map(PrimitiveType::getValue).toList();
      if (!given.isEmpty()) {
        xpn.getGivenName().setValue(given.get(0));
      }
      if (given.size() > 1) {
        xpn.getSecondAndFurtherGivenNamesOrInitialsThereof()
            .setValue(String.join(" ", given.subList(1, given.size())));
      }
      xpn.getNameTypeCode().setValue("L");
    }
    if (patient.hasBirthDate()) {
      pid.getDateTimeOfBirth()
          .getTime()
          .setValue(patient.getBirthDateElement().getValueAsString().replace("-", ""));
    }
    if (patient.hasGender()) {
      pid.getAdministrativeSex()
          .setValue(
              switch (patient.getGender()) {
                case FEMALE -> "F";
                case MALE -> "M";
                case OTHER -> "O";
                default -> "U";
              });
    }
    if (patient.hasAddress()) {
      Address address = patient.getAddressFirstRep();
      XAD xad = pid.getPatientAddress(0);
      if (address.getLine().size() > 0) {
        xad.getStreetAddress()
            .getStreetOrMailingAddress()
            .setValue(address.getLine().get(0).getValue());
      }
      if (address.getLine().size() > 1) {
        xad.getOtherDesignation().setValue(address.getLine().get(1).getValue());
      }
      xad.getCity().setValue(address.getCity());
      xad.getZipOrPostalCode().setValue(address.getPostalCode());
      xad.getCountry().setValue(address.hasCountry() ? address.getCountry() : "FRA");
      xad.getAddressType().setValue("H");
    }
  }

  private static void visit(PV1 pv1) throws HL7Exception {
    pv1.getSetIDPV1().setValue("1");
    pv1.getPatientClass().setValue("O");
  }

  private void common(ImagingOrder order, ORC orc, MappingContext context)
      throws HL7Exception, Hl7v2MappingException {
    ServiceRequest request = order.serviceRequest();
    orc.getOrderControl().setValue(orderControl(request));
    OrderNumbers.write(orc.getPlacerOrderNumber(), hubNumber(request), OrderNumbers.HUB_NAMESPACE);
    Optional<String> accession = accession(request);
    if (accession.isPresent()) {
      OrderNumbers.write(orc.getFillerOrderNumber(), accession.get(), source.namespace());
    }
    if (request.hasAuthoredOn()) {
      OffsetDateTime authored =
          request.getAuthoredOn().toInstant().atZone(context.zone()).toOffsetDateTime();
      orc.getDateTimeOfTransaction().getTime().setValue(V2DateTime.dtm(authored));
    }
    if (!ProfessionalIdentifier.write(order.requester(), orc.getOrderingProvider(0))) {
      throw new Hl7v2MappingException(
          Hl7v2Error.CANNOT_ENCODE,
          "Practitioner.identifier",
          "the requester has no IDNPS (ORC-12 names the prescriber by IDNPS)");
    }
  }

  private void request(ImagingOrder order, OBR obr) throws HL7Exception, Hl7v2MappingException {
    ServiceRequest request = order.serviceRequest();
    obr.getSetIDOBR().setValue("1");
    OrderNumbers.write(obr.getPlacerOrderNumber(), hubNumber(request), OrderNumbers.HUB_NAMESPACE);
    Optional<String> accession = accession(request);
    if (accession.isPresent()) {
      OrderNumbers.write(obr.getFillerOrderNumber(), accession.get(), source.namespace());
      obr.getPlacerField1().setValue(accession.get());
    }
    if (!request.hasCode() || request.getCode().isEmpty()) {
      throw new Hl7v2MappingException(
          Hl7v2Error.CANNOT_ENCODE, "ServiceRequest.code", "the order names no exam (OBR-4)");
    }
    Codes.write(request.getCode(), obr.getUniversalServiceIdentifier());
    String reasons =
        request.getReasonCode().stream()
            .map(
                r ->
                    r.hasText()
                        ? r.getText()
                        : r.getCoding().stream()
                            .map(c -> c.hasDisplay() ? c.getDisplay() : c.getCode())
                            .findFirst()
                            .orElse(""))
            .filter(s -> !s.isBlank())
            .collect(Collectors.joining("; "));
    if (!reasons.isEmpty()) {
      obr.getRelevantClinicalInformation().setValue(reasons);
    }
    int n = 0;
    for (CodeableConcept reason : request.getReasonCode()) {
      CE ce = obr.getReasonForStudy(n++);
      Codes.write(reason, ce);
    }
    ProfessionalIdentifier.write(order.requester(), obr.getOrderingProvider(0));
  }

  @FunctionalInterface
  private interface NteAt {
    NTE get(int n) throws HL7Exception;
  }

  private static void notes(ServiceRequest request, int first, NteAt nte) throws HL7Exception {
    int n = first;
    for (Annotation note : request.getNote()) {
      if (note.hasText()) {
        NTE segment = nte.get(n++);
        segment.getSetIDNTE().setValue(String.valueOf(n));
        segment.getComment(0).setValue(FormattedText.write(note.getText()));
      }
    }
  }

  private static String orderControl(ServiceRequest request) throws Hl7v2MappingException {
    ServiceRequestStatus status = request.getStatus();
    if (status == null) {
      throw new Hl7v2MappingException(
          Hl7v2Error.CANNOT_ENCODE, "ServiceRequest.status", "the order has no status");
    }
    return switch (status) {
      case ACTIVE -> "NW";
      case ONHOLD -> "HD";
      case REVOKED, ENTEREDINERROR -> "CA";
      default ->
          throw new Hl7v2MappingException(
              Hl7v2Error.CANNOT_ENCODE,
              "ServiceRequest.status",
              "an order " + status.toCode() + " is not sent to the RIS (active, on-hold, revoked)");
    };
  }

  private static String hubNumber(ServiceRequest request) throws Hl7v2MappingException {
    return request.getIdentifier().stream()
        .filter(i -> HubIdentifiers.SERVICE_REQUEST.equals(i.getSystem()) && i.hasValue())
        .map(Identifier::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new Hl7v2MappingException(
                    Hl7v2Error.CANNOT_ENCODE,
                    "ServiceRequest.identifier",
                    "the order has no hub order number (system "
                        + HubIdentifiers.SERVICE_REQUEST
                        + "), which the RIS echoes in its results"));
  }

  private Optional<String> accession(ServiceRequest request) {
    List<Identifier> accessions =
        request.getIdentifier().stream()
            .filter(
                i ->
                    i.hasValue()
                        && i.getType().getCoding().stream()
                            .anyMatch(
                                c ->
                                    FrCodeSystems.V2_0203.equals(c.getSystem())
                                        && "ACSN".equals(c.getCode())))
            .toList();
    return accessions.stream()
        .filter(i -> source.accessionSystem().equals(i.getSystem()))
        .findFirst()
        .or(() -> accessions.stream().findFirst())
        .map(Identifier::getValue);
  }

  private static Optional<String> priority(ServiceRequest request) {
    if (!request.hasPriority()) {
      return Optional.empty();
    }
    return Optional.of(
        switch (request.getPriority()) {
          case STAT -> "S";
          case URGENT, ASAP -> "A";
          default -> "R";
        });
  }

  private static Optional<String> modality(ServiceRequest request) {
    return java.util.stream.Stream.concat(
            request.getCode().getCoding().stream(),
            request.getOrderDetail().stream().flatMap(d -> d.getCoding().stream()))
        .filter(c -> FrCodeSystems.DICOM_DCM.equals(c.getSystem()) && c.hasCode())
        .map(Coding::getCode)
        .findFirst();
  }

  private static Er7Message encode(String text, Er7Charset charset) throws Hl7v2MappingException {
    String out = text;
    if (charset != Er7Charset.UTF_8) {
      StringBuilder spelled = new StringBuilder(text.length());
      CharsetEncoder encoder = charset.charset().newEncoder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (encoder.canEncode(c)) {
          spelled.append(c);
        } else if (LATIN1_SPELLING.containsKey(c)) {
          spelled.append(LATIN1_SPELLING.get(c));
        } else {
          throw new Hl7v2MappingException(
              Hl7v2Error.CANNOT_ENCODE,
              "MSH-18",
              String.format(
                  "character U+%04X cannot be written in %s; send UNICODE UTF-8",
                  (int) c, charset.msh18()));
        }
      }
      out = spelled.toString();
    }
    return new Er7Message(out, charset, out.getBytes(charset.charset()));
  }
}
