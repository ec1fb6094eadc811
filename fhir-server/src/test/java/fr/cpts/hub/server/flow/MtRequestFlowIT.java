package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import fr.cpts.hub.profiles.HubProfiles;
import fr.cpts.hub.server.flow.MtFixtures.Fiche;
import fr.cpts.hub.server.flow.MtFixtures.Gp;
import fr.cpts.hub.server.flow.MtFixtures.Place;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskPriority;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Patients without a médecin traitant, end to end, as the web form, the tele-secretariat and the
 * CPTS team would call the hub: the intake transaction, the priority and why, the worklist, the
 * matching with GPs who accept new patients, the workflow to attachment (and the moves it refuses),
 * the merge of a second request, the last unit of capacity taken twice at once, the directory's
 * flag searches, the indicators of a period.
 */
@HubIntegrationTest
class MtRequestFlowIT {

  static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @LocalServerPort int port;
  IGenericClient client;

  @BeforeEach
  void setUp() {
    client = HubClient.of(port);
  }

  @Test
  void fromTheFormToAttachment_withThePriorityExplained_andTheStepsRecorded() {
    Place commune = Place.anywhere();
    Gp here = MtFixtures.gp(client, "ICI", commune, true, 2);
    Gp near = MtFixtures.gp(client, "PRES", commune.north(6), true, 1);
    Gp far = MtFixtures.gp(client, "LOIN", commune.north(40), true, 5);
    Gp notAccepting = MtFixtures.gp(client, "COMPLET", commune, false, null);
    Gp full = MtFixtures.gp(client, "PLEIN", commune, true, 0);
    Gp childrenOnly = MtFixtures.gp(client, "PEDIATRE", commune, true, 3, "children");

    Patient patient =
        MtFixtures.patientWithIns(MtFixtures.ins(), "KERBRAT", "Yvonne", "1948-05-02");
    Bundle answer =
        client
            .transaction()
            .withBundle(
                MtFixtures.intake(
                    patient, new Fiche().ald().precarity().commune(commune.insee()), null))
            .execute();
    assertThat(answer.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .allMatch(s -> s.startsWith("201"));
    Task task = read(Task.class, answer.getEntry().get(3));
    String patientRef =
        answer.getEntry().get(0).getResponse().getLocation().replaceAll("/_history/.*", "");

    // Received, with its priority: ALD 30 + 70 and over 20 + precarity 20 = 70, asap.
    assertThat(task.getStatus()).isEqualTo(TaskStatus.RECEIVED);
    assertThat(step(task)).isEqualTo("received");
    assertThat(task.getPriority()).isEqualTo(TaskPriority.ASAP);
    assertThat(score(task)).isEqualTo(70);
    assertThat(reasons(task)).containsExactly("ald", "age-70", "precarity");
    assertThat(reasonTexts(task))
        .contains("Affection de longue durée (ALD): +30", "Situation de précarité: +20")
        .anyMatch(t -> t.startsWith("70 ans ou plus (") && t.endsWith("ans): +20"));
    assertThat(steps(task)).containsExactly("received");
    assertThat(stepActors(task)).containsExactly(patientRef);

    // The fiche is stored, linked from the request, and the Questionnaire is published.
    ServiceRequest request = read(ServiceRequest.class, answer.getEntry().get(2));
    assertThat(request.getSupportingInfo()).hasSize(1);
    assertThat(
            client
                .search()
                .byUrl("Questionnaire?url=" + HubProfiles.QUESTIONNAIRE_FICHE_SAISINE)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(1)
        .allMatch(e -> ((Questionnaire) e.getResource()).getItem().size() == 10);

    // Matching: same commune first, then near; not the far, full, closed or children-only ones.
    assertThat(matchRoles(task)).containsExactly(here.roleId(), near.roleId());
    assertThat(matchRoles(task))
        .doesNotContain(far.roleId(), notAccepting.roleId(), full.roleId(), childrenOnly.roleId());

    task = move(task, "proposed", here.role());
    assertThat(task.getStatus()).isEqualTo(TaskStatus.INPROGRESS);
    task = move(task, "accepted", here.role());
    assertThat(capacity(here)).isEqualTo(1);
    task = move(task, "attached", here.role());

    assertThat(task.getStatus()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(steps(task)).containsExactly("received", "proposed", "accepted", "attached");
    assertThat(stepActors(task)).containsExactly(patientRef, here.role(), here.role(), here.role());
    assertThat(task.getExtensionsByUrl(HubProfiles.EXT_WORKFLOW_STEP))
        .allMatch(s -> s.getExtensionByUrl("at") != null);
    assertThat(capacity(here)).isEqualTo(1);
    assertThat(capacity(near)).isEqualTo(1);
  }

  @Test
  void illegalMoves_areRefused_andNothingIsStored() {
    Place commune = Place.anywhere();
    Gp gp = MtFixtures.gp(client, "MOVES", commune, true, 3);
    Gp closed = MtFixtures.gp(client, "FERME", commune, false, null);
    Gp other = MtFixtures.gp(client, "AUTRE", commune, true, 3);
    Task task = submit(MtFixtures.patientWithoutIns("MOVES", "Anne", "1990-01-01"), commune);
    String version = task.getMeta().getVersionId();

    assertRefused(task, "attached", gp.role(), 409, "HUB-0824");
    assertRefused(task, "accepted", gp.role(), 409, "HUB-0824");
    assertRefused(task, "proposed", null, 422, "HUB-0825");
    assertRefused(task, "proposed", closed.role(), 422, "HUB-0826");
    assertRefused(task, "abandoned", null, 422, "HUB-0829");
    assertThat(
            client
                .read()
                .resource(Task.class)
                .withId(task.getIdElement().getIdPart())
                .execute()
                .getMeta()
                .getVersionId())
        .isEqualTo(version);

    task = move(task, "proposed", gp.role());
    assertRefused(task, "accepted", other.role(), 422, "HUB-0827");
    assertRefused(task, "attached", gp.role(), 409, "HUB-0824");
    task = move(task, "declined", gp.role());
    assertThat(task.getStatus()).isEqualTo(TaskStatus.READY);
    // A GP who declined is not proposed again.
    assertThat(matchRoles(task)).contains(other.roleId()).doesNotContain(gp.roleId());
    task = move(task, "proposed", other.role());
    task = move(task, "accepted", other.role());
    task.setStatusReason(new CodeableConcept().setText("Le patient a trouvé un médecin seul"));
    task = move(task, "abandoned", other.role());
    assertThat(task.getStatus()).isEqualTo(TaskStatus.CANCELLED);
    // Abandoning an accepted request gives the unit back.
    assertThat(capacity(other)).isEqualTo(3);
    assertRefused(task, "proposed", gp.role(), 409, "HUB-0824");
    // A client cannot rewrite the recorded steps.
    Task forged = task.copy();
    forged.getExtension().removeIf(e -> HubProfiles.EXT_WORKFLOW_STEP.equals(e.getUrl()));
    forged.addNote().setText("note");
    Task stored = (Task) client.update().resource(forged).execute().getResource();
    assertThat(steps(stored))
        .containsExactly("received", "proposed", "declined", "proposed", "accepted", "abandoned");
  }

  @Test
  void aSecondRequestOfTheSamePatient_isMergedIntoTheFirst_byInsOrByIdentityTraits() {
    Place commune = Place.anywhere();
    String ins = MtFixtures.ins();
    Task first = submit(MtFixtures.patientWithIns(ins, "LE GALL", "Marie", "1980-03-04"), commune);
    assertThat(score(first)).isZero();

    Bundle again =
        client
            .transaction()
            .withBundle(
                MtFixtures.intake(
                    MtFixtures.patientWithIns(ins, "LE GALL", "Marie", "1980-03-04"),
                    new Fiche().c2s().commune(commune.insee()),
                    null))
            .execute();
    assertThat(again.getEntry())
        .extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("200", "201", "200", "200");
    Task merged = read(Task.class, again.getEntry().get(3));
    assertThat(merged.getIdElement().getIdPart()).isEqualTo(first.getIdElement().getIdPart());
    assertThat(reasons(merged)).containsExactly("c2s");
    assertThat(merged.getNote()).hasSize(1);
    assertThat(steps(merged)).containsExactly("received");
    ServiceRequest request = read(ServiceRequest.class, again.getEntry().get(2));
    assertThat(request.getSupportingInfo()).hasSize(2);
    String patient = first.getFor().getReference();
    assertThat(tasksOf(patient)).hasSize(1);
    assertThat(
            client
                .search()
                .byUrl("Patient?identifier=urn:oid:1.2.250.1.213.1.4.10|" + ins)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(1);

    // No INS: the same family name, given name and birth date, accents and case aside.
    String family = "LE GOFF-" + ins.substring(7);
    Task byTraits = submit(MtFixtures.patientWithoutIns(family, "Anaïs", "1975-06-07"), commune);
    Task second =
        submit(MtFixtures.patientWithoutIns(family.toLowerCase(), "ANAIS", "1975-06-07"), commune);
    assertThat(second.getIdElement().getIdPart()).isEqualTo(byTraits.getIdElement().getIdPart());
    // Another birth date: another patient, another request.
    Task third = submit(MtFixtures.patientWithoutIns(family, "Anaïs", "1975-06-08"), commune);
    assertThat(third.getIdElement().getIdPart()).isNotEqualTo(byTraits.getIdElement().getIdPart());
    assertThat(third.getFor().getReference()).isNotEqualTo(byTraits.getFor().getReference());
  }

  @Test
  void twoAcceptsOfTheLastUnitAtOnce_oneWins_theOtherGets409() throws Exception {
    Place commune = Place.anywhere();
    Gp gp = MtFixtures.gp(client, "DERNIER", commune, true, 1);
    Task a =
        move(
            submit(MtFixtures.patientWithoutIns("UN", "Paul", "1960-01-01"), commune),
            "proposed",
            gp.role());
    Task b =
        move(
            submit(MtFixtures.patientWithoutIns("DEUX", "Paule", "1961-01-01"), commune),
            "proposed",
            gp.role());

    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Integer>> outcomes = new ArrayList<>();
    try {
      for (Task task : List.of(a, b)) {
        Callable<Integer> accept =
            () -> {
              Task change = task.copy();
              change.setBusinessStatus(concept("accepted"));
              start.await();
              try {
                client.update().resource(change).execute();
                return 200;
              } catch (BaseServerResponseException e) {
                assertThat(e.getMessage()).contains("HUB-0828");
                return e.getStatusCode();
              }
            };
        outcomes.add(pool.submit(accept));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> outcome : outcomes) {
        statuses.add(outcome.get());
      }
      assertThat(statuses).containsExactlyInAnyOrder(200, 409);
    } finally {
      pool.shutdownNow();
    }
    assertThat(capacity(gp)).isZero();
    List<String> after = List.of(step(reload(a)), step(reload(b)));
    assertThat(after).containsExactlyInAnyOrder("accepted", "proposed");
  }

  @Test
  void worklist_ordersOpenRequestsByScoreThenAge_throughAHapiSearch() {
    Place commune = Place.anywhere();
    LocalDate today = LocalDate.now(PARIS);
    Task oldRoutine =
        submit(
            MtFixtures.patientWithoutIns("ANCIEN", "Luc", "1990-01-01"),
            commune,
            new Fiche(),
            today.minusDays(10));
    Task ald =
        submit(
            MtFixtures.patientWithoutIns("ALD", "Lea", "1991-01-01"),
            commune,
            new Fiche().ald(),
            null);
    Task newRoutine =
        submit(
            MtFixtures.patientWithoutIns("RECENT", "Max", "1992-01-01"),
            commune,
            new Fiche(),
            null);
    Task olderAld =
        submit(
            MtFixtures.patientWithoutIns("ALDANCIEN", "Noe", "1993-01-01"),
            commune,
            new Fiche().ald(),
            today.minusDays(3));
    Task closed =
        submit(
            MtFixtures.patientWithoutIns("FERME", "Eve", "1994-01-01"),
            commune,
            new Fiche().ald().c2s(),
            null);
    closed.setStatusReason(new CodeableConcept().setText("Déménagement"));
    move(closed, "abandoned", null);

    String patients =
        String.join(
            ",",
            List.of(oldRoutine, ald, newRoutine, olderAld, closed).stream()
                .map(t -> t.getFor().getReference())
                .toList());
    Bundle worklist =
        client
            .search()
            .byUrl(
                "Task?code="
                    + HubProfiles.CS_TASK_TYPE
                    + "|find-mt&status=received,in-progress,accepted,ready&patient="
                    + patients
                    + "&_sort=-priority-score,authored-on")
            .returnBundle(Bundle.class)
            .execute();
    assertThat(worklist.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(
            olderAld.getIdElement().getIdPart(),
            ald.getIdElement().getIdPart(),
            oldRoutine.getIdElement().getIdPart(),
            newRoutine.getIdElement().getIdPart());
    assertThat(
            client
                .search()
                .byUrl("Task?priority-score=ge30&patient=" + patients)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .hasSize(3);
  }

  @Test
  void badIntakes_areRefused_withTheirCode_andNothingIsStored() {
    Place commune = Place.anywhere();
    String family = "REFUS-" + MtFixtures.ins().substring(7);
    Bundle noFiche =
        MtFixtures.intake(
            MtFixtures.patientWithoutIns(family, "Zoé", "2000-01-01"),
            new Fiche().commune(commune.insee()),
            null);
    noFiche.getEntry().remove(1);
    ((ServiceRequest) noFiche.getEntry().get(1).getResource()).getSupportingInfo().clear();
    assertIntakeRefused(noFiche, 422, "HUB-0820");

    Bundle notAnInsee =
        MtFixtures.intake(
            MtFixtures.patientWithoutIns(family, "Zoé", "2000-01-01"),
            new Fiche().commune("Vannes"),
            null);
    assertIntakeRefused(notAnInsee, 422, "HUB-0836");

    Bundle textForABoolean =
        MtFixtures.intake(
            MtFixtures.patientWithoutIns(family, "Zoé", "2000-01-01"),
            new Fiche().commune(commune.insee()),
            null);
    QuestionnaireResponse fiche =
        (QuestionnaireResponse) textForABoolean.getEntry().get(1).getResource();
    fiche.getItem().stream()
        .filter(i -> i.getLinkId().equals("ald"))
        .findFirst()
        .orElseThrow()
        .getAnswerFirstRep()
        .setValue(new org.hl7.fhir.r4.model.StringType("oui"));
    assertIntakeRefused(textForABoolean, 422, "HUB-0304");

    Bundle future =
        MtFixtures.intake(
            MtFixtures.patientWithoutIns(family, "Zoé", "2000-01-01"),
            new Fiche().commune(commune.insee()),
            LocalDate.now(PARIS).plusDays(3));
    assertIntakeRefused(future, 422, "HUB-0822");

    assertThat(
            client
                .search()
                .byUrl("Patient?family=" + family)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry())
        .isEmpty();
  }

  @Test
  void directoryFlagSearches_acceptsNewPatientsByPostalCode_andLocationNear() {
    Place commune = Place.anywhere();
    Gp a = MtFixtures.gp(client, "FLAGA", commune, true, 4);
    Gp b = MtFixtures.gp(client, "FLAGB", commune, true, null);
    Gp c = MtFixtures.gp(client, "FLAGC", commune, false, null);
    Gp d = MtFixtures.gp(client, "FLAGD", commune.north(8), true, 2);

    assertThat(
            ids(
                "PractitionerRole?"
                    + HubProfiles.SP_ACCEPTS_NEW_PATIENTS
                    + "=true&location.address-postalcode="
                    + commune.postalCode()))
        .containsExactlyInAnyOrder(a.roleId(), b.roleId());
    assertThat(
            ids(
                "PractitionerRole?"
                    + HubProfiles.SP_ACCEPTS_NEW_PATIENTS
                    + "=false&location.address-postalcode="
                    + commune.postalCode()))
        .containsExactly(c.roleId());
    String here = commune.latitude() + "|" + commune.longitude();
    // Of this test's places: other flows store places at random positions too, one may be near.
    List<String> own = List.of(a.locationId(), b.locationId(), c.locationId(), d.locationId());
    assertThat(ids("Location?near=" + here + "|5|km"))
        .filteredOn(own::contains)
        .containsExactlyInAnyOrder(a.locationId(), b.locationId(), c.locationId());
    assertThat(ids("Location?near=" + here + "|12|km"))
        .filteredOn(own::contains)
        .containsExactlyInAnyOrder(a.locationId(), b.locationId(), c.locationId(), d.locationId());
    assertThat(
            ids(
                "PractitionerRole?"
                    + HubProfiles.SP_ACCEPTS_NEW_PATIENTS
                    + "=true&location.near="
                    + here
                    + "|12|km"))
        .containsExactlyInAnyOrder(a.roleId(), b.roleId(), d.roleId());
  }

  @Test
  void indicators_ofAPeriod_onAKnownDataSet_areExact() {
    Place commune = Place.anywhere();
    Gp gp1 = MtFixtures.gp(client, "INDIC-UN", commune, true, 5);
    Gp gp2 = MtFixtures.gp(client, "INDIC-DEUX", commune, true, 5);
    Gp ipa = MtFixtures.gp(client, "INDIC-IPA", commune, false, null);
    LocalDate jan5 = LocalDate.of(2025, 1, 5);
    LocalDate jan10 = LocalDate.of(2025, 1, 10);

    // 1: IPA assessment, then attached to GP 1.
    Task one =
        submit(
            MtFixtures.patientWithoutIns("INDIC", "Un", "1950-01-01"), commune, new Fiche(), jan5);
    assertThat(reasons(one)).contains("waiting");
    one = move(one, "ipa-assessment", ipa.role());
    one = move(one, "proposed", gp1.role());
    one = move(one, "accepted", gp1.role());
    move(one, "attached", gp1.role());
    // 2: attached to GP 2, without IPA.
    Task two =
        submit(
            MtFixtures.patientWithoutIns("INDIC", "Deux", "1951-01-01"),
            commune,
            new Fiche(),
            jan10);
    two = move(two, "proposed", gp2.role());
    two = move(two, "accepted", gp2.role());
    move(two, "attached", gp2.role());
    // 3: declined, then abandoned.
    Task three =
        submit(
            MtFixtures.patientWithoutIns("INDIC", "Trois", "1952-01-01"),
            commune,
            new Fiche(),
            LocalDate.of(2025, 1, 20));
    three = move(three, "proposed", gp1.role());
    three = move(three, "declined", gp1.role());
    three.setStatusReason(new CodeableConcept().setText("Injoignable"));
    move(three, "abandoned", null);
    // 4: still open; 5: received the next month, outside the period.
    submit(
        MtFixtures.patientWithoutIns("INDIC", "Quatre", "1953-01-01"),
        commune,
        new Fiche(),
        LocalDate.of(2025, 1, 31));
    submit(
        MtFixtures.patientWithoutIns("INDIC", "Cinq", "1954-01-01"),
        commune,
        new Fiche(),
        LocalDate.of(2025, 2, 1));

    Parameters indicators =
        client
            .operation()
            .onServer()
            .named("$mt-indicators")
            .withParameter(Parameters.class, "start", new DateType("2025-01-01"))
            .andParameter("end", new DateType("2025-01-31"))
            .useHttpGet()
            .execute();
    LocalDate today = LocalDate.now(PARIS);
    long days1 = ChronoUnit.DAYS.between(jan5, today);
    long days2 = ChronoUnit.DAYS.between(jan10, today);
    assertThat(integer(indicators, "received")).isEqualTo(4);
    assertThat(integer(indicators, "attached")).isEqualTo(2);
    assertThat(integer(indicators, "attached-with-ipa")).isEqualTo(1);
    assertThat(integer(indicators, "attached-without-ipa")).isEqualTo(1);
    assertThat(integer(indicators, "abandoned")).isEqualTo(1);
    assertThat(integer(indicators, "open")).isEqualTo(1);
    assertThat(integer(indicators, "gps-participating")).isEqualTo(2);
    assertThat(
            ((DecimalType) indicators.getParameter("median-days-to-attachment").getValue())
                .getValue())
        .isEqualByComparingTo(BigDecimal.valueOf(days1 + days2).divide(BigDecimal.valueOf(2)));

    assertThatThrownBy(
            () ->
                client
                    .operation()
                    .onServer()
                    .named("$mt-indicators")
                    .withParameter(Parameters.class, "start", new DateType("2025-02-01"))
                    .andParameter("end", new DateType("2025-01-01"))
                    .useHttpGet()
                    .execute())
        .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.InvalidRequestException.class)
        .hasMessageContaining("HUB-0840");
  }

  // --- helpers

  private Task submit(Patient patient, Place commune) {
    return submit(patient, commune, new Fiche(), null);
  }

  private Task submit(Patient patient, Place commune, Fiche fiche, LocalDate authoredOn) {
    Bundle answer =
        client
            .transaction()
            .withBundle(MtFixtures.intake(patient, fiche.commune(commune.insee()), authoredOn))
            .execute();
    return read(Task.class, answer.getEntry().get(3));
  }

  private <T extends Resource> T read(Class<T> type, BundleEntryComponent entry) {
    IdType id = new IdType(entry.getResponse().getLocation());
    return client.read().resource(type).withId(id.getIdPart()).execute();
  }

  private Task reload(Task task) {
    return client.read().resource(Task.class).withId(task.getIdElement().getIdPart()).execute();
  }

  private Task move(Task task, String step, String owner) {
    Task change = reload(task);
    change.setBusinessStatus(concept(step));
    change.setOwner(owner == null ? null : new Reference(owner));
    if (task.hasStatusReason()) {
      change.setStatusReason(task.getStatusReason());
    }
    client.update().resource(change).execute();
    Task stored = reload(task);
    assertThat(step(stored)).isEqualTo(step);
    return stored;
  }

  private void assertRefused(Task task, String step, String owner, int status, String code) {
    Task change = reload(task);
    change.setBusinessStatus(concept(step));
    change.setOwner(owner == null ? null : new Reference(owner));
    Class<? extends BaseServerResponseException> expected =
        status == 409 ? ResourceVersionConflictException.class : UnprocessableEntityException.class;
    assertThatThrownBy(() -> client.update().resource(change).execute())
        .as(step + " from " + step(task))
        .isInstanceOf(expected)
        .hasMessageContaining(code);
  }

  private void assertIntakeRefused(Bundle bundle, int status, String code) {
    assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
        .isInstanceOf(BaseServerResponseException.class)
        .hasMessageContaining(code)
        .matches(e -> ((BaseServerResponseException) e).getStatusCode() == status);
  }

  private List<String> matchRoles(Task task) {
    Bundle match =
        client
            .operation()
            .onInstance(new IdType("Task", task.getIdElement().getIdPart()))
            .named("$mt-match")
            .withNoParameters(Parameters.class)
            .returnResourceType(Bundle.class)
            .useHttpGet()
            .execute();
    assertThat(match.getEntry())
        .filteredOn(e -> e.getResource() instanceof Location)
        .allMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE);
    return match.getEntry().stream()
        .filter(e -> e.getResource() instanceof PractitionerRole)
        .map(e -> e.getResource().getIdElement().getIdPart())
        .toList();
  }

  private List<String> tasksOf(String patient) {
    return client
        .search()
        .byUrl("Task?code=" + HubProfiles.CS_TASK_TYPE + "|find-mt&patient=" + patient)
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> e.getResource().getIdElement().getIdPart())
        .toList();
  }

  private List<String> ids(String url) {
    return client
        .search()
        .byUrl(url + "&_count=500")
        .returnBundle(Bundle.class)
        .execute()
        .getEntry()
        .stream()
        .map(e -> e.getResource().getIdElement().getIdPart())
        .toList();
  }

  private int capacity(Gp gp) {
    PractitionerRole role =
        client.read().resource(PractitionerRole.class).withId(gp.roleId()).execute();
    return ((UnsignedIntType)
            role.getExtensionByUrl(HubProfiles.EXT_ACCEPTS_NEW_PATIENTS)
                .getExtensionByUrl("capacity")
                .getValue())
        .getValue();
  }

  private static CodeableConcept concept(String step) {
    return new CodeableConcept(new Coding(HubProfiles.CS_MT_STEP, step, null));
  }

  private static String step(Task task) {
    return task.getBusinessStatus().getCodingFirstRep().getCode();
  }

  private static int score(Task task) {
    return ((IntegerType)
            task.getExtensionByUrl(HubProfiles.EXT_PRIORITY).getExtensionByUrl("score").getValue())
        .getValue();
  }

  private static List<String> reasons(Task task) {
    return task.getExtensionByUrl(HubProfiles.EXT_PRIORITY).getExtensionsByUrl("reason").stream()
        .map(e -> ((Coding) e.getValue()).getCode())
        .toList();
  }

  private static List<String> reasonTexts(Task task) {
    return task.getExtensionByUrl(HubProfiles.EXT_PRIORITY).getExtensionsByUrl("reason").stream()
        .map(e -> ((Coding) e.getValue()).getDisplay())
        .toList();
  }

  private static List<String> steps(Task task) {
    return task.getExtensionsByUrl(HubProfiles.EXT_WORKFLOW_STEP).stream()
        .map(e -> ((Coding) e.getExtensionByUrl("step").getValue()).getCode())
        .toList();
  }

  private static List<String> stepActors(Task task) {
    return task.getExtensionsByUrl(HubProfiles.EXT_WORKFLOW_STEP).stream()
        .map(e -> e.getExtensionByUrl("actor"))
        .map(a -> a == null ? null : ((Reference) a.getValue()).getReference())
        .toList();
  }

  private static int integer(Parameters parameters, String name) {
    return ((IntegerType) parameters.getParameter(name).getValue()).getValue();
  }
}
