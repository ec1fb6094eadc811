package fr.cpts.hub.server.schedule;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.mappers.MappingContext;
import fr.cpts.hub.mappers.ical.IcsAvailabilityMapper;
import fr.cpts.hub.mappers.ical.IcsImportException;
import fr.cpts.hub.mappers.ical.IcsImportOptions;
import fr.cpts.hub.profiles.HubIdentifiers;
import fr.cpts.hub.server.config.HubOperationProvider;
import fr.cpts.hub.server.schedule.ScheduleSlotRegenerator.Result;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code POST [base]/Schedule/{id}/$import-ics}: a practice software sends its agenda as an
 * iCalendar file (RFC 5545; VAVAILABILITY of RFC 7953, or VEVENTs of a category); the hub reads it
 * with {@link IcsAvailabilityMapper} into the Schedule's FR Core availability-time extensions
 * (replacing those it had), stores the Schedule, which regenerates its slots ({@link
 * ScheduleAvailabilityInterceptor}), and answers what changed. All of it in one transaction.
 *
 * <p>In: {@value #ICS} (string, the file) or {@value #ICS_ATTACHMENT} (Attachment, base64 {@code
 * data}, {@code text/calendar}), exactly one; {@value #CATEGORY} and {@value #UNAVAILABLE_CATEGORY}
 * (strings, optional): the CATEGORIES value marking VEVENTs as free time, or as unavailable time.
 * Out: {@value #CREATED}, {@value #UPDATED}, {@value #DELETED} and {@value #KEPT_BUSY} slot counts,
 * and the Schedule's {@value #VERSION}. Its OperationDefinition is {@link #CANONICAL}, in the
 * profiles package.
 *
 * <p>Errors: a file that cannot be read, or holds what the extension cannot carry, is refused with
 * 400 and an OperationOutcome quoting its {@code HUB-07xx} code and, when known, the line; an
 * unknown schedule gives 404. Nothing is stored then.
 */
@Component
public class ScheduleImportIcsOperation implements HubOperationProvider {

  public static final String OPERATION = "$import-ics";
  public static final String CANONICAL =
      HubIdentifiers.CANONICAL_BASE + "/OperationDefinition/schedule-import-ics";

  public static final String ICS = "ics";
  public static final String ICS_ATTACHMENT = "icsAttachment";
  public static final String CATEGORY = "category";
  public static final String UNAVAILABLE_CATEGORY = "unavailableCategory";

  public static final String CREATED = "created";
  public static final String UPDATED = "updated";
  public static final String DELETED = "deleted";
  public static final String KEPT_BUSY = "kept-busy";
  public static final String VERSION = "version";

  static final String TEXT_CALENDAR = "text/calendar";

  private final DaoRegistry daos;
  private final IHapiTransactionService transactions;
  private final ScheduleSlotRegenerator regenerator;
  private final Clock clock;
  private final IcsAvailabilityMapper mapper = new IcsAvailabilityMapper();

  public ScheduleImportIcsOperation(
      DaoRegistry daos,
      IHapiTransactionService transactions,
      ScheduleSlotRegenerator regenerator,
      Clock clock) {
    this.daos = daos;
    this.transactions = transactions;
    this.regenerator = regenerator;
    this.clock = clock;
  }

  @Operation(
      name = OPERATION,
      type = Schedule.class,
      idempotent = false,
      canonicalUrl = CANONICAL,
      returnParameters = {
        @OperationParam(name = CREATED, type = IntegerType.class, min = 1, max = 1),
        @OperationParam(name = UPDATED, type = IntegerType.class, min = 1, max = 1),
        @OperationParam(name = DELETED, type = IntegerType.class, min = 1, max = 1),
        @OperationParam(name = KEPT_BUSY, type = IntegerType.class, min = 1, max = 1),
        @OperationParam(name = VERSION, type = IdType.class, min = 1, max = 1)
      })
  public Parameters importIcs(
      @IdParam IdType id,
      @OperationParam(name = ICS, min = 0, max = 1) StringType ics,
      @OperationParam(name = ICS_ATTACHMENT, min = 0, max = 1) Attachment icsAttachment,
      @OperationParam(name = CATEGORY, min = 0, max = 1) StringType category,
      @OperationParam(name = UNAVAILABLE_CATEGORY, min = 0, max = 1) StringType unavailableCategory,
      RequestDetails request) {
    String text = icsText(ics, icsAttachment);
    IcsImportOptions options =
        IcsImportOptions.categories(value(category), value(unavailableCategory));
    IdType scheduleId = new IdType("Schedule", id.getIdPart());
    TransactionDetails transaction = new TransactionDetails();
    return transactions
        .withRequest(request)
        .withTransactionDetails(transaction)
        .execute(
            () -> {
              Schedule stored = scheduleDao().read(scheduleId, request);
              Schedule imported = map(text, stored, options);
              imported.setIdElement(scheduleId);
              DaoMethodOutcome outcome =
                  scheduleDao().update(imported, null, true, false, request, transaction);
              // An import that changes nothing stores no version, and HAPI announces none:
              // regenerate all the same (it extends the horizon, and says what is there).
              Result result =
                  ScheduleAvailabilityInterceptor.resultOf(transaction, scheduleId.getIdPart())
                      .orElseGet(() -> regenerator.regenerate(imported, clock.instant()));
              return answer(result, outcome.getId().getVersionIdPart());
            });
  }

  private Schedule map(String text, Schedule stored, IcsImportOptions options) {
    try {
      return mapper.map(
          text, stored, options, MappingContext.paris(clock, () -> UUID.randomUUID().toString()));
    } catch (IcsImportException e) {
      OperationOutcome outcome = new OperationOutcome();
      OperationOutcome.OperationOutcomeIssueComponent issue =
          outcome
              .addIssue()
              .setSeverity(IssueSeverity.ERROR)
              .setCode(IssueType.INVALID)
              .setDiagnostics(e.getMessage());
      issue.addExpression("Parameters.parameter.where(name = '" + ICS + "')");
      e.line().ifPresent(line -> issue.addLocation("line " + line));
      throw new InvalidRequestException(e.getMessage(), outcome);
    }
  }

  private static String icsText(StringType ics, Attachment attachment) {
    boolean hasText = ics != null && ics.hasValue();
    boolean hasAttachment = attachment != null && !attachment.isEmpty();
    if (hasText == hasAttachment) {
      throw new InvalidRequestException(
          "HUB-0730: "
              + OPERATION
              + " takes the iCalendar file in exactly one parameter: '"
              + ICS
              + "' (string) or '"
              + ICS_ATTACHMENT
              + "' (Attachment, base64 data, "
              + TEXT_CALENDAR
              + ")");
    }
    if (hasText) {
      return ics.getValue();
    }
    String contentType = attachment.getContentType();
    if (contentType != null
        && !contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals(TEXT_CALENDAR)) {
      throw new InvalidRequestException(
          "HUB-0731: '" + ICS_ATTACHMENT + "' must be " + TEXT_CALENDAR + ", not " + contentType);
    }
    if (!attachment.hasData()) {
      throw new InvalidRequestException(
          "HUB-0731: '"
              + ICS_ATTACHMENT
              + "' carries no data: put the file in base64 in Attachment.data (the hub does not"
              + " fetch Attachment.url)");
    }
    return new String(attachment.getData(), StandardCharsets.UTF_8);
  }

  private static Parameters answer(Result result, String version) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName(CREATED).setValue(new IntegerType(result.created()));
    parameters.addParameter().setName(UPDATED).setValue(new IntegerType(result.updated()));
    parameters.addParameter().setName(DELETED).setValue(new IntegerType(result.deleted()));
    parameters.addParameter().setName(KEPT_BUSY).setValue(new IntegerType(result.keptBusy()));
    parameters.addParameter().setName(VERSION).setValue(new IdType(version));
    return parameters;
  }

  private static String value(StringType text) {
    return text == null ? null : text.getValue();
  }

  private IFhirResourceDao<Schedule> scheduleDao() {
    return daos.getResourceDao(Schedule.class);
  }
}
