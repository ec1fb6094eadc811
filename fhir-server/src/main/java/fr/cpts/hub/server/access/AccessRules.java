package fr.cpts.hub.server.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.profiles.SasProfiles;
import fr.cpts.hub.server.access.StructureScope.OrderSide;
import fr.cpts.hub.server.imaging.Hl7v2MessagesOperation;
import fr.cpts.hub.server.imaging.ImagingIndicatorsOperation;
import fr.cpts.hub.server.mt.MtIndicatorsOperation;
import fr.cpts.hub.server.sas.outbox.SasOutboxOperation;
import fr.cpts.hub.server.schedule.ScheduleImportIcsOperation;
import fr.cpts.hub.server.security.ClientIdentity;
import fr.cpts.hub.server.snp.SnpAnswerOperation;
import fr.cpts.hub.server.snp.SnpIndicatorsOperation;
import fr.cpts.hub.server.snp.SnpRequest;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's access rules, one rule set per kind of caller, written with HAPI's {@link RuleBuilder}
 * and applied by {@link AccessRulesInterceptor} (HAPI's AuthorizationInterceptor): the first rule
 * that decides wins, and whatever no rule allows is refused (deny by default). README, "Access
 * rules", has the same table.
 *
 * <p>Rules restricted to a structure ({@link ClientIdentity#idnst()}) carry an {@link
 * IAuthRuleTester} that asks {@link StructureScope} about the resource itself: the body of a create
 * or update (before and after, for an update), each entry of a transaction or batch, and each
 * resource a read or a search returns (a search that would return another structure's resource is
 * refused as a whole: narrow it to your own). Where the resource is not known yet (a read or a
 * search on the way in, a delete, a patch), the tester lets the request go on and HAPI checks the
 * resource when it is read or stored.
 */
final class AccessRules {

  private static final Logger log = LoggerFactory.getLogger(AccessRules.class);

  /** The public directory: what anyone may read, and every identified client too. */
  static final List<String> DIRECTORY =
      List.of("Practitioner", "PractitionerRole", "Location", "Organization", "HealthcareService");

  /** Agendas: readable by every identified client, and by the SAS platform. */
  static final List<String> AGENDAS = List.of("Schedule", "Slot");

  /** The CPTS's indicator operations (issues 6, 7 and 8). */
  static final List<String> INDICATOR_OPERATIONS =
      List.of(
          ImagingIndicatorsOperation.OPERATION,
          MtIndicatorsOperation.OPERATION,
          SnpIndicatorsOperation.OPERATION);

  /**
   * The types whose reading is restricted to a structure or a profile, per role: a conditional
   * create of one of them is refused to that role, whether it matches or not ({@link
   * #noConditionalCreate}).
   */
  static final List<String> GP_NO_CONDITIONAL_CREATE =
      List.of("Appointment", "ServiceRequest", "Communication", "Patient", "DiagnosticReport");

  static final List<String> RADIOLOGY_NO_CONDITIONAL_CREATE =
      List.of(
          "Appointment",
          "ServiceRequest",
          "Communication",
          "DiagnosticReport",
          "ImagingStudy",
          "Endpoint");

  static final List<String> SNP_NO_CONDITIONAL_CREATE =
      List.of("ServiceRequest", "Task", "Communication", "Patient");

  /** User data key: set while the SAS fast path asks whether the whole answer may be shown. */
  static final String WHOLE_ANSWER_ONLY = AccessRules.class.getName() + ".wholeAnswerOnly";

  private final StructureScope scope;
  private final SlotReservations reservations;

  AccessRules(StructureScope scope, SlotReservations reservations) {
    this.scope = scope;
    this.reservations = reservations;
  }

  /** No credential at all while security is on: the public directory and /metadata. */
  List<IAuthRule> anonymous() {
    IAuthRuleBuilder rules = new RuleBuilder();
    rules.allow("metadata").metadata().andThen();
    readAny(rules, DIRECTORY);
    return rules.denyAll("anonymous").build();
  }

  /** What an identified client may do, by its role; a role without rules gets nothing. */
  List<IAuthRule> forClient(ClientIdentity client) {
    IAuthRuleBuilder rules = new RuleBuilder();
    switch (client.role()) {
      case SAS_PLATFORM -> sasPlatform(rules);
      case GP_SOFTWARE -> practiceSoftware(rules, client);
      case RADIOLOGY -> radiology(rules, client.idnst());
      case CPTS_CONSOLE -> cptsConsole(rules);
      case PROFESSIONAL -> professional(rules);
      default -> {
        return rules.denyAll("unknown role").build();
      }
    }
    return rules.denyAll(client.role().name()).build();
  }

  /**
   * The SAS platform: searches the agendas and the directory; creates and updates regulator
   * accounts (the regulator profile, plain or conditional PUT); creates and updates Appointments on
   * SNP slots; broadcasts SNP requests when no slot fits (creates the patient, the SNP
   * ServiceRequest and its broadcast Task, follows them and their messages). Nothing else.
   */
  private void sasPlatform(IAuthRuleBuilder rules) {
    rules.allow("metadata").metadata().andThen();
    readAny(rules, DIRECTORY);
    readAny(rules, AGENDAS);
    rules
        .allow("regulator accounts")
        .write()
        .resourcesOfType("Practitioner")
        .withAnyId()
        .withTester(tester((resource, request) -> isRegulator(resource)))
        .andThen();
    rules
        .allow("bookings on SNP slots")
        .write()
        .resourcesOfType("Appointment")
        .withAnyId()
        .withTester(tester((resource, request) -> onSnpSlotsOnly((Appointment) resource, request)))
        .andThen();
    snpBroadcasts(rules);
    rules
        .allow("patients of SNP requests")
        .create()
        .resourcesOfType("Patient")
        .withAnyId()
        .andThen();
    transactions(rules);
  }

  /**
   * Practice software of structure X: publishes X's professionals, roles, places, schedules and
   * slots; reads and writes X's appointments, orders and messages, reads X's results; creates
   * patients (without If-None-Exist, which would show someone else's); imports an agenda into X's
   * schedules; answers the SNP alerts of X's roles and subscribes to their messages
   * (Communication?recipient=PractitionerRole/...); reads the directory and the agendas.
   */
  private void practiceSoftware(IAuthRuleBuilder rules, ClientIdentity client) {
    String x = client.idnst();
    OrderSide side = OrderSide.REQUESTER;
    common(rules);
    noConditionalCreate(rules, GP_NO_CONDITIONAL_CREATE);
    rules
        .allow("X's professionals")
        .write()
        .resourcesOfType("Practitioner")
        .withAnyId()
        .withTester(
            tester((r, q) -> !isRegulator(r) && scope.isPractitioner((Practitioner) r, x, q)))
        .andThen();
    writeAndDelete(rules, "PractitionerRole", (r, q) -> scope.isRole((PractitionerRole) r, x, q));
    writeAndDelete(rules, "Location", (r, q) -> scope.isLocation((Location) r, x, q));
    writeAndDelete(rules, "Schedule", (r, q) -> scope.isSchedule((Schedule) r, x, q));
    writeAndDelete(rules, "Slot", (r, q) -> scope.isSlot((Slot) r, x, q));
    readAndWrite(
        rules,
        "Appointment",
        (r, q) ->
            scope.isAppointment((Appointment) r, x, side, q)
                && reservations.mayBook((Appointment) r, client, q));
    readAndWrite(rules, "ServiceRequest", (r, q) -> scope.isOrder((ServiceRequest) r, x, side, q));
    readAndWrite(
        rules, "Communication", (r, q) -> scope.isCommunication((Communication) r, x, side, q));
    readScoped(
        rules, "DiagnosticReport", (r, q) -> scope.isReport((DiagnosticReport) r, x, side, q));
    readScoped(rules, "ImagingStudy", (r, q) -> scope.isStudy((ImagingStudy) r, x, side, q));
    readScoped(rules, "Endpoint", (r, q) -> scope.isEndpoint((Endpoint) r, x, side, q));
    rules.allow("new patients").create().resourcesOfType("Patient").withAnyId().andThen();
    rules
        .allow("agenda import into X's schedules")
        .operation()
        .named(ScheduleImportIcsOperation.OPERATION)
        .onInstancesOfType(Schedule.class)
        .andAllowAllResponses()
        .withTester(
            new IAuthRuleTester() {
              @Override
              public boolean matches(RuleTestRequest test) {
                return test.resourceId != null
                    && scope
                        .resolve(
                            new Reference("Schedule/" + test.resourceId.getIdPart()),
                            "Schedule",
                            test.requestDetails)
                        .map(s -> scope.isSchedule((Schedule) s, x, test.requestDetails))
                        .orElse(false);
              }
            })
        .andThen();
    snpAnswers(rules);
    readAndWrite(
        rules,
        "Subscription",
        (r, q) -> scope.isSubscription((org.hl7.fhir.r4.model.Subscription) r, x, q));
    rules
        .allow("delete own Subscription")
        .delete()
        .resourcesOfType("Subscription")
        .withAnyId()
        .withTester(
            tester((r, q) -> scope.isSubscription((org.hl7.fhir.r4.model.Subscription) r, x, q)))
        .andThen();
    transactions(rules);
  }

  /**
   * The radiology group R: its devices, their schedules and slots; the imaging orders addressed to
   * it (read, and update: the accession number), the appointments on its slots or for its orders;
   * the results (reports, studies, image links), in transactions; the messages about its orders.
   */
  private void radiology(IAuthRuleBuilder rules, String r) {
    OrderSide side = OrderSide.PERFORMER;
    common(rules);
    noConditionalCreate(rules, RADIOLOGY_NO_CONDITIONAL_CREATE);
    writeAndDelete(rules, "Device", (res, q) -> scope.isDevice((Device) res, r, q));
    writeAndDelete(
        rules,
        "HealthcareService",
        (res, q) -> scope.isHealthcareService((HealthcareService) res, r, q));
    writeAndDelete(rules, "Schedule", (res, q) -> scope.isSchedule((Schedule) res, r, q));
    writeAndDelete(rules, "Slot", (res, q) -> scope.isSlot((Slot) res, r, q));
    readAndWrite(
        rules, "ServiceRequest", (res, q) -> scope.isOrder((ServiceRequest) res, r, side, q));
    readAndWrite(
        rules, "Appointment", (res, q) -> scope.isAppointment((Appointment) res, r, side, q));
    readAndWrite(
        rules, "DiagnosticReport", (res, q) -> scope.isReport((DiagnosticReport) res, r, side, q));
    readAndWrite(rules, "ImagingStudy", (res, q) -> scope.isStudy((ImagingStudy) res, r, side, q));
    readAndWrite(rules, "Endpoint", (res, q) -> scope.isEndpoint((Endpoint) res, r, side, q));
    readAndWrite(
        rules, "Communication", (res, q) -> scope.isCommunication((Communication) res, r, side, q));
    transactions(rules);
  }

  /**
   * The CPTS team's console: the territory's directory (read and write), the requests of patients
   * without a médecin traitant (Patient, QuestionnaireResponse, Task, and ServiceRequests of the MT
   * profile), the indicators, the audit trail (search), the hub's own operations.
   */
  private void cptsConsole(IAuthRuleBuilder rules) {
    common(rules);
    for (String type : DIRECTORY) {
      rules.allow("directory").write().resourcesOfType(type).withAnyId().andThen();
    }
    for (String type : List.of("Patient", "QuestionnaireResponse", "Task")) {
      rules.allow("MT requests").read().resourcesOfType(type).withAnyId().andThen();
      rules.allow("MT requests").write().resourcesOfType(type).withAnyId().andThen();
    }
    readAndWrite(rules, "ServiceRequest", (res, q) -> isMtRequest(res) || isSnpRequest(res));
    readScoped(rules, "Communication", (res, q) -> isSnpMessage(res));
    rules.allow("audit trail").read().resourcesOfType("AuditEvent").withAnyId().andThen();
    for (String operation : List.of(SasOutboxOperation.NAME, Hl7v2MessagesOperation.NAME)) {
      rules
          .allow("hub operations")
          .operation()
          .named(operation)
          .onServer()
          .andAllowAllResponses()
          .andThen();
    }
    for (String operation : INDICATOR_OPERATIONS) {
      rules
          .allow("indicators")
          .operation()
          .named(operation)
          .atAnyLevel()
          .andAllowAllResponses()
          .andThen();
    }
    transactions(rules);
  }

  /**
   * A professional signed in with a token (not of the CPTS team): what any identified client may
   * read, the directory and the agendas. Their patients, orders and appointments are read through
   * their structure's software (its certificate) for now: a Practitioner-compartment rule made
   * HAPI's search check fail (a 500 in OidcSignInIT), left for the next step.
   */
  private static void professional(IAuthRuleBuilder rules) {
    common(rules);
    snpAnswers(rules);
  }

  /**
   * Answering the SNP alerts: the operation itself checks that the caller acts for the role that
   * answers (its structure's software, or the professional signed in).
   */
  private static void snpAnswers(IAuthRuleBuilder rules) {
    rules
        .allow("SNP answers")
        .operation()
        .named(SnpAnswerOperation.OPERATION)
        .onInstancesOfType(Task.class)
        .andAllowAllResponses()
        .andThen();
  }

  /** Broadcasting SNP requests: their ServiceRequests, Tasks and messages, nothing else. */
  private void snpBroadcasts(IAuthRuleBuilder rules) {
    noConditionalCreate(rules, SNP_NO_CONDITIONAL_CREATE);
    readAndWrite(rules, "ServiceRequest", (res, q) -> isSnpRequest(res));
    readAndWrite(rules, "Task", (res, q) -> SnpRequest.isBroadcast(res));
    readScoped(rules, "Communication", (res, q) -> isSnpMessage(res));
  }

  // ---- building blocks ------------------------------------------------------------------------

  /** What every identified client may do: /metadata, read the directory, the agendas, devices. */
  private static void common(IAuthRuleBuilder rules) {
    rules.allow("metadata").metadata().andThen();
    readAny(rules, DIRECTORY);
    readAny(rules, AGENDAS);
    readAny(rules, List.of("Device"));
  }

  private static void readAny(IAuthRuleBuilder rules, List<String> types) {
    for (String type : types) {
      rules.allow("read " + type).read().resourcesOfType(type).withAnyId().andThen();
    }
  }

  /** Transactions and batches, each entry checked by the other rules (HAPI's "normal rules"). */
  private static void transactions(IAuthRuleBuilder rules) {
    rules.allow("transactions").transaction().withAnyOperation().andApplyNormalRules().andThen();
  }

  /**
   * A conditional create that finds a match answers with the stored resource and stores nothing, so
   * no write rule would see it: refused for the types whose reading is restricted, whether it
   * matches or not (a refusal on a match only would itself tell that the resource exists). HAPI
   * applies this rule to a plain POST with {@code If-None-Exist}; {@link AccessRulesInterceptor}
   * applies it to the entries of a transaction or batch ({@link #conditionalCreatesRefused}).
   */
  private static void noConditionalCreate(IAuthRuleBuilder rules, List<String> types) {
    for (String type : types) {
      rules
          .deny("conditional create of " + type)
          .createConditional()
          .resourcesOfType(type)
          .andThen();
    }
  }

  /** The types of which the client may not create conditionally ({@link #noConditionalCreate}). */
  static Set<String> conditionalCreatesRefused(ClientIdentity client) {
    return switch (client.role()) {
      case GP_SOFTWARE -> Set.copyOf(GP_NO_CONDITIONAL_CREATE);
      case RADIOLOGY -> Set.copyOf(RADIOLOGY_NO_CONDITIONAL_CREATE);
      case SAS_PLATFORM -> Set.copyOf(SNP_NO_CONDITIONAL_CREATE);
      default -> Set.of();
    };
  }

  private void writeAndDelete(IAuthRuleBuilder rules, String type, ResourceCheck check) {
    rules
        .allow("write own " + type)
        .write()
        .resourcesOfType(type)
        .withAnyId()
        .withTester(tester(check))
        .andThen();
    rules
        .allow("delete own " + type)
        .delete()
        .resourcesOfType(type)
        .withAnyId()
        .withTester(tester(check))
        .andThen();
  }

  private void readAndWrite(IAuthRuleBuilder rules, String type, ResourceCheck check) {
    readScoped(rules, type, check);
    rules
        .allow("write own " + type)
        .write()
        .resourcesOfType(type)
        .withAnyId()
        .withTester(tester(check))
        .andThen();
  }

  private void readScoped(IAuthRuleBuilder rules, String type, ResourceCheck check) {
    rules
        .allow("read own " + type)
        .read()
        .resourcesOfType(type)
        .withAnyId()
        .withTester(tester(check))
        .andThen();
  }

  /** A check of the resource a rule is asked about. */
  @FunctionalInterface
  interface ResourceCheck {
    boolean test(IBaseResource resource, RequestDetails request);
  }

  /**
   * A tester that checks the resource when there is one (an input body, an entry, an output
   * resource) and defers otherwise (HAPI checks the resource later, when read or stored); never
   * satisfied while the SAS fast path asks about a whole answer it cannot check resource by
   * resource.
   */
  static IAuthRuleTester tester(ResourceCheck check) {
    return new IAuthRuleTester() {
      @Override
      public boolean matches(RuleTestRequest test) {
        if (test.requestDetails.getUserData().containsKey(WHOLE_ANSWER_ONLY)) {
          return false;
        }
        if (test.resource == null) {
          return true;
        }
        boolean ours = check.test(test.resource, test.requestDetails);
        log.debug("{} {} {}: {}", test.operation, test.resource.fhirType(), test.resourceId, ours);
        return ours;
      }

      @Override
      public boolean matchesOutput(RuleTestRequest test) {
        boolean ours = test.resource != null && check.test(test.resource, test.requestDetails);
        log.debug("{} output {}: {}", test.operation, test.resourceId, ours);
        return ours;
      }
    };
  }

  // ---- checks on the resource alone -----------------------------------------------------------

  /** A regulator account: labelled with the SAS's regulator profile or the hub's. */
  static boolean isRegulator(IBaseResource resource) {
    return resource instanceof Practitioner practitioner
        && practitioner.getMeta().getProfile().stream()
            .anyMatch(
                p ->
                    SasProfiles.PRACTITIONER_REGULATOR.equals(p.getValue())
                        || HubProfiles.PRACTITIONER_REGULATOR.equals(p.getValue()));
  }

  /** A ServiceRequest of the MT profile (a patient looking for a médecin traitant). */
  static boolean isMtRequest(IBaseResource resource) {
    return resource instanceof ServiceRequest request
        && request.getMeta().getProfile().stream()
            .anyMatch(p -> HubProfiles.SERVICE_REQUEST_MT.equals(p.getValue()));
  }

  /** A ServiceRequest of the SNP profile (an unscheduled-care orientation). */
  static boolean isSnpRequest(IBaseResource resource) {
    return resource instanceof ServiceRequest request
        && request.getMeta().getProfile().stream()
            .anyMatch(p -> HubProfiles.SERVICE_REQUEST_SNP.equals(p.getValue()));
  }

  /** A message of a broadcast SNP request. */
  static boolean isSnpMessage(IBaseResource resource) {
    return resource instanceof Communication message
        && message.getMeta().getProfile().stream()
            .anyMatch(p -> HubProfiles.COMMUNICATION_SNP.equals(p.getValue()));
  }

  /** An Appointment all of whose slots (one at least) are SNP slots. */
  private boolean onSnpSlotsOnly(Appointment appointment, RequestDetails request) {
    return appointment.hasSlot()
        && appointment.getSlot().stream()
            .allMatch(
                s -> scope.resolve(s, "Slot", request).map(AccessRules::isSnpSlot).orElse(false));
  }

  static boolean isSnpSlot(Resource slot) {
    return slot.getMeta().getSecurity().stream()
        .anyMatch(
            c ->
                FrCodeSystems.TRE_R314_TYPE_CRENEAU.equals(c.getSystem())
                    && "SNP".equals(c.getCode()));
  }

  /** The id HAPI's rules need to ask about a type as a whole. */
  static IdType anyOf(String type) {
    return new IdType(type, "0");
  }
}
