package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.importer.DirectoryImporter;
import fr.cpts.hub.importer.DirectorySync;
import fr.cpts.hub.importer.DirectorySyncCommand;
import fr.cpts.hub.importer.ImportExitCode;
import fr.cpts.hub.importer.ImportOptions;
import fr.cpts.hub.importer.ImportReport;
import fr.cpts.hub.importer.ImportTag;
import fr.cpts.hub.importer.SyncOptions;
import fr.cpts.hub.importer.SyncReport;
import fr.cpts.hub.importer.SyntheticExtract;
import fr.cpts.hub.mappers.rpps.RppsTerritory;
import fr.cpts.hub.profiles.FrCodeSystems;
import fr.cpts.hub.profiles.FrExtensions;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The delta sync from the national directory's FHIR API, against a stand-in of the API ({@link
 * NationalDirectoryStandIn}: a plain HAPI server checking the key, paging, answering 503 when told,
 * recording each call's arrival) and the real hub. Each test has its own fictitious commune and
 * RPPS range, and the stand-in is emptied before each.
 */
@HubIntegrationTest
class DirectorySyncIT {

  private static final NationalDirectoryStandIn API = new NationalDirectoryStandIn();
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  @LocalServerPort int port;

  @TempDir Path dir;

  @BeforeAll
  static void startApi() {
    API.start();
  }

  @AfterAll
  static void stopApi() {
    API.stop();
  }

  @BeforeEach
  void emptyApi() {
    API.reset();
  }

  // ---------------------------------------------------------------------------------------------
  // The API's resources, shaped as the Annuaire Santé serves them

  private static String siret(String insee, int site) {
    return String.format(Locale.ROOT, "999%s%06d", insee, site);
  }

  /** A GP with one active role in a cabinet of {@code insee}, changed at {@code updated}. */
  private static void gp(String rpps, String insee, int site, Instant updated) {
    API.put(practitioner(rpps, "SYNC" + rpps.substring(6), true, updated));
    API.put(organization(insee, site));
    API.put(role(rpps, insee, site, true));
  }

  private static Practitioner practitioner(
      String rpps, String family, boolean active, Instant updated) {
    Practitioner practitioner = new Practitioner();
    practitioner.setId("p" + rpps);
    practitioner.getMeta().setLastUpdated(Date.from(updated));
    practitioner.addIdentifier().setSystem(FrIdentifiers.IDNPS).setValue("8" + rpps);
    practitioner.addIdentifier().setSystem(FrIdentifiers.RPPS).setValue(rpps);
    practitioner.setActive(active);
    practitioner
        .addName()
        .setUse(HumanName.NameUse.OFFICIAL)
        .setFamily(family)
        .addGiven("Anne")
        .addPrefix("DR");
    practitioner
        .addQualification()
        .setCode(
            new CodeableConcept(new Coding(FrCodeSystems.TRE_G15_PROFESSION, "10", "Médecin")));
    practitioner
        .addQualification()
        .setCode(
            new CodeableConcept(
                new Coding(FrCodeSystems.TRE_R38_SPECIALITE, "SM54", "Médecine Générale")));
    return practitioner;
  }

  private static Organization organization(String insee, int site) {
    Organization organization = new Organization();
    organization.setId("o" + siret(insee, site));
    organization.addIdentifier().setSystem(FrIdentifiers.SIRENE).setValue(siret(insee, site));
    organization
        .addIdentifier()
        .setSystem(FrIdentifiers.IDNST)
        .setValue(FrIdentifiers.IDNST_SIRET_PREFIX + siret(insee, site));
    organization.setName("CABINET " + site);
    Address address = organization.addAddress();
    address.addLine((1 + site % 200) + " Rue de la Synthèse");
    address.setPostalCode(insee.substring(0, 2) + "000");
    address.setCity("Commune " + insee);
    address.addExtension(
        FrExtensions.ADDRESS_INSEE_CODE, new Coding(FrCodeSystems.TRE_R13_COMMUNE, insee, null));
    organization
        .addTelecom()
        .setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE)
        .setValue("0297000001");
    return organization;
  }

  private static PractitionerRole role(String rpps, String insee, int site, boolean active) {
    PractitionerRole role = new PractitionerRole();
    role.setId("r" + rpps + "-" + site);
    role.setActive(active);
    role.setPractitioner(new Reference("Practitioner/p" + rpps));
    role.setOrganization(new Reference("Organization/o" + siret(insee, site)));
    role.addCode(
        new CodeableConcept(new Coding(FrCodeSystems.TRE_R23_MODE_EXERCICE, "L", "Libéral")));
    role.addCode(
        new CodeableConcept(new Coding(FrCodeSystems.TRE_R22_GENRE_ACTIVITE, "GENR01", null)));
    return role;
  }

  // ---------------------------------------------------------------------------------------------

  private SyncOptions options(String commune, Instant since, int pageSize, int maxAttempts) {
    return new SyncOptions(
        RppsTerritory.communes(commune),
        dir.resolve("watermark.txt"),
        since,
        pageSize,
        SyncOptions.DEFAULT_CALLS_PER_SECOND,
        maxAttempts,
        Duration.ofMillis(100));
  }

  private SyncReport sync(SyncOptions options, String key) {
    return DirectorySync.of(HubClient.of(port), API.base(), key, options, 30).run();
  }

  private SyncReport sync(SyncOptions options) {
    return sync(options, NationalDirectoryStandIn.API_KEY);
  }

  private List<Practitioner> practitioners(String rpps) {
    Bundle found =
        HubClient.of(port)
            .search()
            .forResource(Practitioner.class)
            .where(Practitioner.IDENTIFIER.exactly().systemAndCode(FrIdentifiers.IDNPS, "8" + rpps))
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> (Practitioner) e.getResource()).toList();
  }

  private Practitioner practitioner(String rpps) {
    List<Practitioner> found = practitioners(rpps);
    assertThat(found).as("Practitioners with IDNPS 8%s", rpps).hasSize(1);
    return found.get(0);
  }

  private List<PractitionerRole> roles(Practitioner practitioner) {
    Bundle found =
        HubClient.of(port)
            .search()
            .forResource(PractitionerRole.class)
            .where(
                PractitionerRole.PRACTITIONER.hasId(
                    practitioner.getIdElement().toUnqualifiedVersionless().getValue()))
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> (PractitionerRole) e.getResource()).toList();
  }

  private static List<Long> counts(SyncReport report, String type) {
    ImportReport.Counts c = report.counts(type);
    return List.of(c.created(), c.updated(), c.unchanged(), c.deactivated());
  }

  private List<String> practitionerQueries() {
    return API.calls().stream()
        .map(NationalDirectoryStandIn.Call::query)
        .filter(q -> q.contains("/Practitioner?"))
        .toList();
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void firstSync_pagesThroughTheChanges_writesTheTerritorys_andAgainChangesNothing()
      throws IOException {
    String commune = "56911";
    for (int i = 1; i <= 5; i++) {
      gp("4000000010" + i, commune, i, T0.plusSeconds(60L * i));
    }

    SyncReport first = sync(options(commune, T0, 2, 3));

    assertThat(first.fatal()).isNull();
    assertThat(first.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(first.pages()).as("5 professionals, 2 a page").isEqualTo(3);
    assertThat(List.of(first.read(), first.kept(), first.outside(), first.rejected()))
        .containsExactly(5L, 5L, 0L, 0L);
    assertThat(counts(first, "Practitioner")).containsExactly(5L, 0L, 0L, 0L);
    assertThat(counts(first, "PractitionerRole")).containsExactly(5L, 0L, 0L, 0L);
    assertThat(first.counts("Organization").created()).isEqualTo(5);
    assertThat(first.counts("Location").created()).isEqualTo(5);
    assertThat(practitionerQueries()).hasSize(1);
    assertThat(practitionerQueries().get(0)).contains("_lastUpdated=ge2026-11-01T00:00:00Z");
    assertThat(API.calls()).as("every call had the key").allMatch(c -> c.status() == 200);
    Practitioner written = practitioner("40000000103");
    assertThat(written.getActive()).isTrue();
    assertThat(written.getNameFirstRep().getFamily()).isEqualTo("SYNC00103");
    assertThat(written.getMeta().getTag(ImportTag.SYSTEM, ImportTag.RPPS_EXTRACT)).isNotNull();
    assertThat(written.getMeta().getTag(ImportTag.SYSTEM, ImportTag.ANNUAIRE_API)).isNotNull();
    assertThat(roles(written)).hasSize(1);
    assertThat(roles(written).get(0).getLocation()).hasSize(1);
    assertThat(first.watermarkMoved()).isTrue();
    assertThat(first.watermark()).isEqualTo(T0.plusSeconds(300));
    assertThat(Files.readString(dir.resolve("watermark.txt")).trim())
        .isEqualTo("2026-11-01T00:05:00Z");
    String version = written.getMeta().getVersionId();

    SyncReport again = sync(options(commune, T0, 2, 3));

    assertThat(again.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(counts(again, "Practitioner")).containsExactly(0L, 0L, 5L, 0L);
    assertThat(counts(again, "PractitionerRole")).containsExactly(0L, 0L, 5L, 0L);
    assertThat(again.counts("Location").unchanged()).isEqualTo(5);
    assertThat(practitioner("40000000103").getMeta().getVersionId()).isEqualTo(version);
    assertThat(practitioners("40000000105")).hasSize(1);
  }

  @Test
  void secondSync_resumesFromTheWatermark_andReadsOnlyWhatChangedSince() {
    String commune = "56912";
    gp("40000000201", commune, 1, T0.plusSeconds(10));
    gp("40000000202", commune, 2, T0.plusSeconds(20));
    SyncReport first = sync(options(commune, T0, 10, 3));
    assertThat(first.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(first.watermark()).isEqualTo(T0.plusSeconds(20));
    // Later at the API: a new professional, and one of the two renamed.
    gp("40000000203", commune, 3, T0.plusSeconds(3600));
    API.put(practitioner("40000000201", "RENOMMEE", true, T0.plusSeconds(3601)));
    API.forgetCalls();
    String version = practitioner("40000000202").getMeta().getVersionId();

    SyncReport second = sync(options(commune, null, 10, 3));

    assertThat(second.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(second.since()).isEqualTo(T0.plusSeconds(20));
    assertThat(practitionerQueries())
        .singleElement()
        .asString()
        .contains("_lastUpdated=ge2026-11-01T00:00:20Z");
    // The watermark's own instant comes again (ge), and changes nothing.
    assertThat(second.read()).isEqualTo(3);
    assertThat(counts(second, "Practitioner")).containsExactly(1L, 1L, 1L, 0L);
    assertThat(practitioner("40000000202").getMeta().getVersionId()).isEqualTo(version);
    assertThat(practitioner("40000000201").getNameFirstRep().getFamily()).isEqualTo("RENOMMEE");
    assertThat(practitioners("40000000203")).hasSize(1);
    assertThat(second.watermark()).isEqualTo(T0.plusSeconds(3601));
  }

  @Test
  void aWrongKey_stopsAtTheFirstCall_withExitCode6_andNoWatermark() {
    String commune = "56913";
    gp("40000000301", commune, 1, T0.plusSeconds(10));
    StringWriter out = new StringWriter();
    int exit =
        DirectorySyncCommand.commandLine(Map.of("ESANTE_API_KEY", "not-the-key"))
            .setOut(new PrintWriter(out))
            .execute(
                "--hub",
                "http://localhost:" + port + "/fhir",
                "--api",
                API.base(),
                "--communes",
                commune,
                "--watermark",
                dir.resolve("watermark.txt").toString(),
                "--since",
                T0.toString(),
                "--retry-wait",
                "0.1");

    assertThat(exit).isEqualTo(ImportExitCode.API_KEY_REFUSED);
    assertThat(out.toString()).contains("HUB-0750").doesNotContain("not-the-key");
    assertThat(API.calls())
        .as("no retry of a refused key")
        .singleElement()
        .matches(c -> c.status() == 401);
    assertThat(Files.exists(dir.resolve("watermark.txt"))).isFalse();
    assertThat(practitioners("40000000301")).isEmpty();

    StringWriter noKey = new StringWriter();
    int usage =
        DirectorySyncCommand.commandLine(Map.of())
            .setErr(new PrintWriter(noKey))
            .execute("--api", API.base(), "--communes", commune, "--watermark", "w.txt");
    assertThat(usage).isEqualTo(ImportExitCode.USAGE);
    assertThat(noKey.toString()).contains("ESANTE_API_KEY");
  }

  @Test
  void anApiAnswering503_isRetriedWithBackoff_thenTheSyncCompletes_orStopsWithExitCode7() {
    String commune = "56914";
    gp("40000000401", commune, 1, T0.plusSeconds(10));
    API.unavailableFor(2);

    SyncReport report = sync(options(commune, T0, 10, 4));

    assertThat(report.fatal()).isNull();
    assertThat(report.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(report.apiRetries()).isEqualTo(2);
    List<NationalDirectoryStandIn.Call> calls = API.calls();
    assertThat(calls).extracting(NationalDirectoryStandIn.Call::status).startsWith(503, 503, 200);
    // Backoff: 100 ms, then 200 ms.
    assertThat(calls.get(2).nanos() - calls.get(1).nanos())
        .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(practitioners("40000000401")).hasSize(1);

    // Down for longer than the attempts: exit 7, the watermark stays where it was.
    gp("40000000402", commune, 2, T0.plusSeconds(3600));
    API.unavailableFor(100);
    SyncReport down = sync(options(commune, null, 10, 3));
    assertThat(down.exitCode()).isEqualTo(ImportExitCode.API_UNAVAILABLE);
    assertThat(down.fatal()).startsWith("HUB-0751");
    assertThat(down.watermarkMoved()).isFalse();
    assertThat(API.calls().stream().filter(c -> c.status() == 503)).hasSize(2 + 3);
    assertThat(practitioners("40000000402")).isEmpty();
    API.unavailableFor(0);
    SyncReport up = sync(options(commune, null, 10, 3));
    assertThat(up.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(up.since()).isEqualTo(T0.plusSeconds(10));
    assertThat(practitioners("40000000402")).hasSize(1);
  }

  @Test
  void aProfessionalOutsideTheTerritory_isNotWritten() {
    String commune = "56915";
    gp("40000000501", commune, 1, T0.plusSeconds(10));
    gp("40000000502", "29915", 2, T0.plusSeconds(20));

    SyncReport report = sync(options(commune, T0, 10, 3));

    assertThat(report.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(List.of(report.read(), report.kept(), report.outside())).containsExactly(2L, 1L, 1L);
    assertThat(counts(report, "Practitioner")).containsExactly(1L, 0L, 0L, 0L);
    assertThat(practitioners("40000000501")).hasSize(1);
    assertThat(practitioners("40000000502")).isEmpty();
  }

  @Test
  void aProfessionalTheApiReturnsInactive_becomesInactive_andSoDoesARoleItEnds() {
    String commune = "56916";
    gp("40000000601", commune, 1, T0.plusSeconds(10));
    gp("40000000602", commune, 2, T0.plusSeconds(20));
    API.put(organization(commune, 3));
    API.put(role("40000000602", commune, 3, true));
    assertThat(sync(options(commune, T0, 10, 3)).exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(roles(practitioner("40000000602"))).hasSize(2);

    // The first retires; the second leaves cabinet 3.
    API.put(practitioner("40000000601", "SYNC00601", false, T0.plusSeconds(100)));
    API.put(role("40000000602", commune, 3, false));
    API.put(practitioner("40000000602", "SYNC00602", true, T0.plusSeconds(101)));

    SyncReport report = sync(options(commune, null, 10, 3));

    assertThat(report.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(List.of(report.read(), report.kept(), report.outside())).containsExactly(2L, 1L, 1L);
    assertThat(report.counts("Practitioner").deactivated()).isEqualTo(1);
    assertThat(report.counts("PractitionerRole").deactivated()).isEqualTo(2);
    Practitioner retired = practitioner("40000000601");
    assertThat(retired.getActive()).isFalse();
    assertThat(roles(retired)).singleElement().matches(r -> !r.getActive());
    Practitioner moved = practitioner("40000000602");
    assertThat(moved.getActive()).isTrue();
    assertThat(roles(moved))
        .extracting(r -> r.getIdPart() + "=" + r.getActive())
        .containsExactlyInAnyOrder(
            "role-840000000602-3" + siret(commune, 2) + "=true",
            "role-840000000602-3" + siret(commune, 3) + "=false");

    // Again: nothing more to deactivate, nothing rewritten.
    SyncReport again = sync(options(commune, null, 10, 3));
    assertThat(again.counts("Practitioner").deactivated()).isZero();
    assertThat(again.counts("PractitionerRole").deactivated()).isZero();
    assertThat(practitioner("40000000601").getActive()).isFalse();
  }

  @Test
  void theSync_updatesInPlaceWhatTheExtractImportWrote() throws IOException {
    String commune = "56917";
    Path extract = dir.resolve("PS_LibreAcces_Personne_activite_202611010000.txt");
    List<String> lines = new ArrayList<>();
    lines.add(SyntheticExtract.header());
    lines.add(SyntheticExtract.line(SyntheticExtract.gp("40000000701", commune, 1)));
    Files.write(extract, lines, StandardCharsets.UTF_8);
    ImportReport imported =
        new DirectoryImporter(
                HubClient.of(port),
                new ImportOptions(extract, RppsTerritory.communes(commune), 10, false, 0.1, false))
            .run();
    assertThat(imported.exitCode()).isEqualTo(ImportExitCode.OK);
    Practitioner before = practitioner("40000000701");
    List<PractitionerRole> rolesBefore = roles(before);

    API.put(practitioner("40000000701", "MARIEE", true, T0.plusSeconds(10)));
    API.put(organization(commune, 1));
    API.put(role("40000000701", commune, 1, true));
    SyncReport report = sync(options(commune, T0, 10, 3));

    assertThat(report.exitCode()).isEqualTo(ImportExitCode.OK);
    Practitioner after = practitioner("40000000701");
    assertThat(after.getIdPart()).isEqualTo(before.getIdPart());
    assertThat(after.getNameFirstRep().getFamily()).isEqualTo("MARIEE");
    assertThat(roles(after))
        .extracting(PractitionerRole::getIdPart)
        .containsExactlyElementsOf(rolesBefore.stream().map(PractitionerRole::getIdPart).toList());
    assertThat(counts(report, "Practitioner")).containsExactly(0L, 1L, 0L, 0L);
    assertThat(report.counts("PractitionerRole").created()).isZero();
    assertThat(report.counts("Organization").created()).isZero();
    assertThat(report.counts("Location").created()).isZero();
  }

  @Test
  void everyCallToTheApi_keepsTo17ASecond_inAnyWindowOfOneSecond() {
    // One professional in 40 cabinets, one a page: 40 pages of roles read back to back, nothing
    // written to the hub between them, so that only the limit spaces the calls.
    String commune = "56918";
    String rpps = "40000000801";
    API.put(practitioner(rpps, "SYNC00801", true, T0.plusSeconds(1)));
    for (int site = 1; site <= 40; site++) {
      API.put(organization(commune, site));
      API.put(role(rpps, commune, site, true));
    }

    SyncReport report = sync(options(commune, T0, 1, 3));

    assertThat(report.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(report.counts("PractitionerRole").created()).isEqualTo(40);
    List<Long> arrivals =
        API.calls().stream().map(NationalDirectoryStandIn.Call::nanos).sorted().toList();
    assertThat(arrivals).hasSizeGreaterThanOrEqualTo(41);
    int most = 0;
    for (int i = 0; i < arrivals.size(); i++) {
      int inWindow = 0;
      for (int j = i;
          j < arrivals.size() && arrivals.get(j) - arrivals.get(i) < 1_000_000_000L;
          j++) {
        inWindow++;
      }
      most = Math.max(most, inWindow);
    }
    double seconds = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e9;
    double rate = (arrivals.size() - 1) / seconds;
    org.slf4j.LoggerFactory.getLogger(DirectorySyncIT.class)
        .info(
            "Rate limit: {} calls in {} s, {} calls/s, at most {} in any second",
            arrivals.size(),
            String.format(Locale.ROOT, "%.2f", seconds),
            String.format(Locale.ROOT, "%.2f", rate),
            most);
    // Unlimited, the 41 calls would take a fraction of a second.
    assertThat(most).as("calls in the busiest second").isBetween(14, 17);
    assertThat(rate).as("calls per second over the run").isBetween(14.0, 17.0);
  }
}
