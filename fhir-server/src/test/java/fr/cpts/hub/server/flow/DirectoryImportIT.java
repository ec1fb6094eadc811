package fr.cpts.hub.server.flow;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import fr.cpts.hub.importer.DirectoryImportCommand;
import fr.cpts.hub.importer.DirectoryImporter;
import fr.cpts.hub.importer.ImportExitCode;
import fr.cpts.hub.importer.ImportOptions;
import fr.cpts.hub.importer.ImportReport;
import fr.cpts.hub.importer.ImportTag;
import fr.cpts.hub.importer.SyntheticExtract;
import fr.cpts.hub.mappers.rpps.RppsColumn;
import fr.cpts.hub.mappers.rpps.RppsTerritory;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import picocli.CommandLine;

/**
 * The CPTS team imports the public RPPS extract into the hub with the command-line importer, then
 * again with the next month's extract. Each test has its own fictitious commune and RPPS range, so
 * that their territories never overlap.
 */
@HubIntegrationTest
class DirectoryImportIT {

  @LocalServerPort int port;

  @TempDir Path dir;

  /** A GP's line in the commune {@code insee}; {@code rpps} is 11 digits. */
  private static String gp(String rpps, String insee, int site) {
    return SyntheticExtract.line(SyntheticExtract.gp(rpps, insee, site));
  }

  private static String gp(Map<RppsColumn, String> values) {
    return SyntheticExtract.line(values);
  }

  private Path extract(String name, List<String> lines) throws IOException {
    Path file = dir.resolve("PS_LibreAcces_Personne_activite_" + name + ".txt");
    List<String> all = new ArrayList<>();
    all.add(SyntheticExtract.header());
    all.addAll(lines);
    Files.write(file, all, StandardCharsets.UTF_8);
    return file;
  }

  private ImportReport importFile(Path file, String commune, int batchSize, double maxShare) {
    ImportOptions options =
        new ImportOptions(file, RppsTerritory.communes(commune), batchSize, false, maxShare, false);
    return new DirectoryImporter(HubClient.of(port), options).run();
  }

  private Practitioner practitioner(String rpps) {
    Bundle found =
        HubClient.of(port)
            .search()
            .forResource(Practitioner.class)
            .where(Practitioner.IDENTIFIER.exactly().systemAndCode(FrIdentifiers.IDNPS, "8" + rpps))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(found.getEntry()).as("Practitioners with IDNPS 8%s", rpps).hasSize(1);
    return (Practitioner) found.getEntryFirstRep().getResource();
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

  private static void assertCounts(
      ImportReport report, String type, long created, long updated, long unchanged) {
    ImportReport.Counts counts = report.counts(type);
    assertThat(List.of(counts.created(), counts.updated(), counts.unchanged()))
        .as("%s created, updated, unchanged", type)
        .containsExactly(created, updated, unchanged);
  }

  @Test
  void firstImport_createsTheTerritorysProfessionals_andReimportChangesNothing()
      throws IOException {
    String commune = "56901";
    Map<RppsColumn, String> secondActivity = SyntheticExtract.gp("30000000103", commune, 2);
    secondActivity.put(RppsColumn.CODE_MODE_EXERCICE, "S");
    Path file =
        extract(
            "202601010000",
            List.of(
                gp("30000000101", commune, 1),
                gp("30000000102", commune, 1),
                gp("30000000103", commune, 1),
                gp(secondActivity),
                gp("30000000104", "29019", 3),
                gp("30000000105", commune, 4)));

    ImportReport first = importFile(file, commune, 2, 0.10);

    assertThat(first.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(first.extract().linesRead()).isEqualTo(6);
    assertThat(first.extract().linesOutsideTerritory()).isEqualTo(1);
    assertCounts(first, "Practitioner", 4, 0, 0);
    assertCounts(first, "PractitionerRole", 5, 0, 0);
    // Cabinets 1 (three GPs), 2 and 4: the one of batch 2 shared with batch 1 is updated in place.
    assertThat(first.counts("Organization").created()).isEqualTo(3);
    assertThat(first.counts("Location").created()).isEqualTo(3);
    assertThat(first.refusals()).isEmpty();
    Practitioner withTwo = practitioner("30000000103");
    assertThat(withTwo.getMeta().getTag(ImportTag.SYSTEM, ImportTag.RPPS_EXTRACT)).isNotNull();
    assertThat(roles(withTwo)).hasSize(2);
    String version = withTwo.getMeta().getVersionId();
    Bundle outside =
        HubClient.of(port)
            .search()
            .forResource(Practitioner.class)
            .where(
                Practitioner.IDENTIFIER
                    .exactly()
                    .systemAndCode(FrIdentifiers.IDNPS, "830000000104"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(outside.getEntry()).as("the professional outside the territory").isEmpty();

    ImportReport again = importFile(file, commune, 2, 0.10);

    assertThat(again.exitCode()).isEqualTo(ImportExitCode.OK);
    assertCounts(again, "Practitioner", 0, 0, 4);
    assertCounts(again, "PractitionerRole", 0, 0, 5);
    assertThat(again.counts("Organization").created()).isZero();
    assertThat(again.counts("Organization").updated()).isZero();
    assertThat(again.counts("Location").updated()).isZero();
    assertThat(again.counts("PractitionerRole").deactivated()).isZero();
    Practitioner reread = practitioner("30000000103");
    assertThat(reread.getMeta().getVersionId()).isEqualTo(version);
    assertThat(roles(reread)).hasSize(2);
  }

  @Test
  void aProfessionalAbsentFromTheNextExtract_isDeactivated_withTheirRoles_andOnlyThem()
      throws IOException {
    String commune = "56902";
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      lines.add(gp("3000000020" + i, commune, 20 + i));
    }
    importFile(extract("202601010000", lines), commune, 100, 0.10);
    lines.remove(2);

    ImportReport next = importFile(extract("202602010000", lines), commune, 100, 0.5);

    assertThat(next.exitCode()).isEqualTo(ImportExitCode.OK);
    assertThat(next.counts("Practitioner").deactivated()).isEqualTo(1);
    assertThat(next.counts("PractitionerRole").deactivated()).isEqualTo(1);
    Practitioner gone = practitioner("30000000203");
    assertThat(gone.getActive()).isFalse();
    assertThat(roles(gone)).singleElement().satisfies(r -> assertThat(r.getActive()).isFalse());
    for (String stays : List.of("30000000201", "30000000202", "30000000204")) {
      Practitioner practitioner = practitioner(stays);
      assertThat(practitioner.getActive()).as(stays).isTrue();
      assertThat(roles(practitioner))
          .singleElement()
          .satisfies(r -> assertThat(r.getActive()).isTrue());
    }
  }

  @Test
  void anExtractMissingMostOfTheTerritory_orWithoutData_deactivatesNobody() throws IOException {
    String commune = "56903";
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      lines.add(gp("3000000030" + i, commune, 30 + i));
    }
    importFile(extract("202601010000", lines), commune, 100, 0.10);

    ImportReport truncated =
        importFile(extract("202602010000", lines.subList(0, 1)), commune, 100, 0.10);
    ImportReport empty = importFile(extract("202603010000", List.of()), commune, 100, 0.10);

    assertThat(truncated.exitCode()).isEqualTo(ImportExitCode.DEACTIVATION_REFUSED);
    assertThat(truncated.deactivationSkipped())
        .startsWith("HUB-0807: 3 of the territory's 4 active imported roles (75 %)");
    assertThat(empty.exitCode()).isEqualTo(ImportExitCode.DEACTIVATION_REFUSED);
    assertThat(empty.deactivationSkipped()).startsWith("HUB-0807: the extract has no data line");
    for (int i = 1; i <= 4; i++) {
      assertThat(practitioner("3000000030" + i).getActive()).isTrue();
    }
  }

  @Test
  void theCommand_reportsABadIdnpsWithItsCodeAndLine_andABatchTheHubRefuses() throws IOException {
    String commune = "56904";
    Map<RppsColumn, String> badIdnps = SyntheticExtract.gp("30000000402", commune, 40);
    badIdnps.put(RppsColumn.IDENTIFICATION_NATIONALE_PP, "8123");
    badIdnps.put(RppsColumn.IDENTIFIANT_PP, "");
    // Another software registered cabinet 41 twice under its IDNST: the hub cannot tell which
    // one the conditional PUT means and refuses it (412), with the rest of the batch.
    Map<RppsColumn, String> refused = SyntheticExtract.gp("30000000404", commune, 41);
    String idnst = FrIdentifiers.IDNST_SIRET_PREFIX + refused.get(RppsColumn.NUMERO_SIRET_SITE);
    for (int i = 0; i < 2; i++) {
      Organization twin = new Organization().setName("CABINET 41 (copy " + i + ")");
      twin.getMeta().addProfile(HubProfiles.ORGANIZATION);
      twin.setActive(true);
      twin.addIdentifier()
          .setSystem(FrIdentifiers.IDNST)
          .setValue(idnst)
          .setType(
              new CodeableConcept(
                  new Coding(FrIdentifiers.TYPE_SYSTEM, FrIdentifiers.TYPE_IDNST, null)));
      HubClient.of(port).create().resource(twin).execute();
    }
    Path file =
        extract(
            "202601010000",
            List.of(
                gp("30000000401", commune, 40),
                gp(badIdnps),
                gp("30000000403", commune, 40),
                gp(refused),
                gp("30000000405", commune, 42)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = DirectoryImportCommand.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));

    int code =
        command.execute(
            "--hub",
            HubClient.base(port),
            "--communes",
            commune,
            "--batch-size",
            "10",
            "--no-progress",
            file.toString());

    String summary = out.toString();
    assertThat(code).as(summary).isEqualTo(ImportExitCode.REFUSED_BY_HUB);
    assertThat(summary)
        .contains("Read 5 lines")
        .contains("Rejected lines: 1")
        .contains("  HUB-0805: 1\n    line 3: HUB-0805: 'Identification nationale PP' is \"8123\"")
        .contains(
            "Refused by the hub: 1 professional(s)\n  830000000404 (lines [5]): HUB-0809: 412")
        .contains("Organization?identifier=" + FrIdentifiers.IDNST + "|" + idnst);
    IGenericClient client = HubClient.of(port);
    for (String imported : List.of("30000000401", "30000000403", "30000000405")) {
      assertThat(practitioner(imported).getActive()).isTrue();
    }
    Bundle notImported =
        client
            .search()
            .forResource(Practitioner.class)
            .where(
                Practitioner.IDENTIFIER
                    .exactly()
                    .systemAndCode(FrIdentifiers.IDNPS, "830000000404"))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(notImported.getEntry()).isEmpty();
  }
}
