package fr.cpts.hub.server.snp;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.config.ClockConfig;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Date;
import java.util.Locale;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Communication.CommunicationStatus;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * The messages of a broadcast SNP request ({@code hub-communication-snp}), stored through HAPI in
 * the transaction that moves the request, so that each professional's software is notified through
 * its Subscription on {@code Communication?recipient=PractitionerRole/{id}}: an alert to each
 * professional a wave asks, the news that the request is closed (taken by someone else, cancelled,
 * escalated) to each one alerted, the escalation to the requester. Their text says what is asked,
 * where and when, never who the patient is.
 */
@Component
public class SnpMessages {

  /** The categories of {@code hub-snp-message}. */
  enum Kind {
    ALERT("alert"),
    CLOSED("closed"),
    ESCALATED("escalated");

    final String code;

    Kind(String code) {
      this.code = code;
    }
  }

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEEE d MMMM HH'h'mm", Locale.FRENCH);

  private final DaoRegistry daos;

  public SnpMessages(DaoRegistry daos) {
    this.daos = daos;
  }

  void alert(Task task, ServiceRequest request, Collection<String> roles, Instant now) {
    String text = alertText(task, request);
    for (String role : roles) {
      store(task, Kind.ALERT, new Reference("PractitionerRole/" + role), text, now);
    }
  }

  void closed(Task task, Collection<String> roles, String why, Instant now) {
    String text =
        "Demande de soins non programmés close ("
            + why
            + "): aucune réponse n'est plus attendue de vous (Task/"
            + task.getIdElement().getIdPart()
            + ").";
    for (String role : roles) {
      store(task, Kind.CLOSED, new Reference("PractitionerRole/" + role), text, now);
    }
  }

  void escalated(Task task, int alerted, Instant now) {
    if (!task.hasRequester()) {
      return;
    }
    String text =
        "Demande de soins non programmés sans réponse dans le délai ("
            + alerted
            + " professionnel(s) alerté(s)): elle revient à la régulation (Task/"
            + task.getIdElement().getIdPart()
            + ").";
    store(task, Kind.ESCALATED, task.getRequester().copy(), text, now);
  }

  private void store(Task task, Kind kind, Reference recipient, String text, Instant now) {
    Communication message = new Communication();
    message.getMeta().addProfile(HubProfiles.COMMUNICATION_SNP);
    message.setStatus(
        kind == Kind.ALERT ? CommunicationStatus.INPROGRESS : CommunicationStatus.COMPLETED);
    message.addCategory(
        new CodeableConcept(new Coding(HubProfiles.CS_SNP_MESSAGE, kind.code, null)));
    message.setPriority(Communication.CommunicationPriority.URGENT);
    message.addBasedOn(task.getFocus().copy());
    message.addAbout(new Reference("Task/" + task.getIdElement().getIdPart()));
    message.addRecipient(recipient);
    if (kind != Kind.ESCALATED && task.hasRequester()) {
      message.setSender(task.getRequester().copy());
    }
    message.setSent(Date.from(now));
    message.addPayload().setContent(new StringType(text));
    daos.getResourceDao(Communication.class).create(message, new SystemRequestDetails());
  }

  /** What is asked, where and when, how to answer: no name, no identifier of the patient. */
  static String alertText(Task task, ServiceRequest request) {
    StringBuilder text = new StringBuilder("Demande de soins non programmés");
    String reason =
        request.getReasonCode().stream()
            .map(c -> c.hasText() ? c.getText() : c.getCodingFirstRep().getDisplay())
            .filter(t -> t != null && !t.isBlank())
            .collect(Collectors.joining(", "));
    if (!reason.isEmpty()) {
      text.append(": ").append(reason);
    }
    request.getLocationCode().stream()
        .flatMap(c -> c.getCoding().stream())
        .filter(c -> FrCodeSystems.TRE_R13_COMMUNE.equals(c.getSystem()))
        .findFirst()
        .ifPresent(
            c ->
                text.append(". Commune: ")
                    .append(
                        c.hasDisplay() ? c.getDisplay() + " (" + c.getCode() + ")" : c.getCode()));
    if (request.hasOccurrencePeriod()) {
      text.append(". À voir ");
      if (request.getOccurrencePeriod().getStart() != null) {
        text.append("à partir de ")
            .append(when(request.getOccurrencePeriod().getStart()))
            .append(' ');
      }
      if (request.getOccurrencePeriod().getEnd() != null) {
        text.append("avant ").append(when(request.getOccurrencePeriod().getEnd()));
      }
    }
    String modes =
        SnpCandidates.modes(request).stream()
            .sorted()
            .map(
                m ->
                    switch (m) {
                      case SnpCandidates.AMB -> "au cabinet";
                      case SnpCandidates.HOME_VISIT -> "à domicile";
                      case SnpCandidates.TELECONSULTATION -> "en téléconsultation";
                      default -> m;
                    })
            .collect(Collectors.joining(", "));
    if (!modes.isEmpty()) {
      text.append(". Modes: ").append(modes);
    }
    text.append(". Répondre par Task/")
        .append(task.getIdElement().getIdPart())
        .append("/$snp-answer (accepted ou declined).");
    return text.toString();
  }

  private static String when(Date date) {
    return WHEN.format(date.toInstant().atZone(ClockConfig.PARIS));
  }
}
