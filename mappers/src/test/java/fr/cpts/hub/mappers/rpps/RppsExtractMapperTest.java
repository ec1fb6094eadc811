package fr.cpts.hub.mappers.rpps;

import static fr.cpts.hub.mappers.rpps.RppsFixtures.extract;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.gp;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.header;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.line;
import static fr.cpts.hub.mappers.rpps.RppsFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import fr.cpts.hub.mappers.ProfileValidation;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubIdentifiers;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class RppsExtractMapperTest {

  final RppsExtractMapper mapper = new RppsExtractMapper();

  record Outcome(List<RppsProfessional> professionals, RppsSummary summary) {}

  Outcome map(Reader extract, RppsTerritory territory) {
    try (RppsImport result = mapper.open(extract, territory)) {
      List<RppsProfessional> professionals = result.stream().toList();
      return new Outcome(professionals, result.summary());
    }
  }

  Outcome map(Reader extract) {
    return map(extract, RppsTerritory.everywhere());
  }

  @Test
  void open_whenTheHeaderLacksARequiredColumn_failsNamingIt() {
    String header = header().replace("Identification nationale PP|", "");
    assertThatThrownBy(
            () -> mapper.open(new StringReader(header + "\n"), RppsTerritory.everywhere()))
        .isInstanceOf(RppsExtractException.class)
        .hasMessageStartingWith("HUB-0801")
        .hasMessageContaining("[Identification nationale PP]");
  }

  @Test
  void open_whenTheFileIsEmpty_failsWithNoHeader() {
    assertThatThrownBy(() -> mapper.open(new StringReader(""), RppsTerritory.everywhere()))
        .isInstanceOf(RppsExtractException.class)
        .hasMessageStartingWith("HUB-0801: the RPPS extract is empty");
  }

  @Test
  void lineWithoutItsTrailingPipe_isMapped_butAValueAfterTheLastColumnIsRejected() {
    String withoutPipe = line(gp("10000000001"));
    withoutPipe = withoutPipe.substring(0, withoutPipe.length() - 1);
    String extraValue = line(gp("10000000002")) + "surplus";

    Outcome outcome = map(extract(withoutPipe, extraValue));

    assertThat(outcome.professionals())
        .extracting(RppsProfessional::idnps)
        .containsExactly("810000000001");
    assertThat(outcome.summary().rejections())
        .extracting(RppsRejection::toString)
        .containsExactly(
            "line 3: HUB-0803: 57 fields where the header names 56 columns (a trailing | included: 57)");
  }

  @Test
  void idnpsOfAnotherKind_orAnRppsNumberThatIsNotTheIdnpsOne_areRejectedWithTheirReason() {
    Outcome outcome =
        map(
            extract(
                line(with(gp("10000000001"), RppsColumn.IDENTIFICATION_NATIONALE_PP, "0123456789")),
                line(with(gp("10000000002"), RppsColumn.IDENTIFIANT_PP, "10000000003")),
                line(with(gp("10000000004"), RppsColumn.NOM_EXERCICE, " ")),
                line(with(gp("10000000005"), RppsColumn.CODE_PROFESSION, ""))));

    assertThat(outcome.professionals()).isEmpty();
    assertThat(outcome.summary().rejections())
        .extracting(RppsRejection::toString)
        .containsExactly(
            "line 2: HUB-0805: 'Identification nationale PP' is \"0123456789\", not 8 followed by"
                + " the 11 digits of an RPPS number (the hub keeps RPPS-identified professionals"
                + " only)",
            "line 3: HUB-0806: 'Identifiant PP' 10000000003 is not the RPPS number of IDNPS"
                + " 810000000002",
            "line 4: HUB-0804: no value in the required column 'Nom d'exercice'",
            "line 5: HUB-0804: no value in the required column 'Code profession'");
    assertThat(outcome.summary())
        .hasToString(
            "read 4, kept 0, outside the territory 0, rejected 4, duplicates 0, professionals 0"
                + " (continued 0)");
  }

  @Test
  void aQuoteOrEmptyLines_doNotDisturbTheReading() {
    Outcome outcome =
        map(
            new StringReader(
                header()
                    + "\n\n"
                    + line(
                        with(
                            gp("10000000001"),
                            RppsColumn.RAISON_SOCIALE_SITE,
                            "CABINET \"LES PINS"))
                    + "\n\n"
                    + line(gp("10000000002"))));

    assertThat(outcome.professionals()).hasSize(2);
    assertThat(outcome.professionals().get(0).organizations().get(0).getName())
        .isEqualTo("CABINET \"LES PINS");
    assertThat(outcome.professionals().get(1).lines()).containsExactly(5L);
    assertThat(outcome.summary().linesRead()).isEqualTo(2);
  }

  @Test
  void professionalWhoseLinesAreNotTogether_comesOutTwice_flaggedAndCounted() {
    Map<RppsColumn, String> first = gp("10000000001");
    Map<RppsColumn, String> elsewhere = with(first, RppsColumn.NUMERO_SIRET_SITE, "99900000900014");
    Outcome outcome = map(extract(line(first), line(gp("10000000002")), line(elsewhere)));

    assertThat(outcome.professionals())
        .extracting(RppsProfessional::idnps, RppsProfessional::continuesEarlier)
        .containsExactly(
            tuple("810000000001", false),
            tuple("810000000002", false),
            tuple("810000000001", true));
    assertThat(outcome.summary().professionalsContinued()).isEqualTo(1);
    assertThat(outcome.professionals().get(2).roles())
        .extracting(r -> r.getIdPart())
        .containsExactly("role-810000000001-399900000900014");
  }

  @Test
  void repeatedActivity_isMergedAndCounted_whileASecondFunctionInTheSameStructureIsASecondRole() {
    Map<RppsColumn, String> activity = gp("10000000001");
    Outcome outcome =
        map(
            extract(
                line(activity), line(activity), line(RppsFixtures.function(activity, "FON-01"))));

    RppsProfessional professional = outcome.professionals().get(0);
    assertThat(outcome.summary().duplicateLines()).isEqualTo(1);
    assertThat(outcome.summary().linesKept()).isEqualTo(3);
    assertThat(professional.lines()).containsExactly(2L, 4L);
    assertThat(professional.roles()).hasSize(2);
    assertThat(professional.roles().get(0).getIdPart())
        .isEqualTo("role-810000000001-399900000100015");
    assertThat(professional.roles().get(1).getIdPart())
        .startsWith("role-810000000001-399900000100015-")
        .hasSize("role-810000000001-399900000100015-".length() + 8);
    assertThat(professional.organizations()).hasSize(1);
    assertThat(professional.locations()).hasSize(1);
    professional.resources().forEach(ProfileValidation::assertValid);
  }

  @Test
  void everyResource_carriesTheIdentifierOfItsConditionalUpdate() {
    RppsProfessional professional = map(extract(line(gp("10000000001")))).professionals().get(0);

    assertThat(professional.resources().stream().map(RppsProfessional::conditionalUrl))
        .containsExactly(
            "Practitioner?identifier=" + FrIdentifiers.IDNPS + "|810000000001",
            "PractitionerRole?identifier="
                + HubIdentifiers.PRACTITIONER_ROLE
                + "|role-810000000001-399900000100015",
            "Organization?identifier=" + FrIdentifiers.IDNST + "|399900000100015",
            "Location?identifier=" + HubIdentifiers.LOCATION + "|site-399900000100015");
    assertThat(professional.practitioner().getIdentifier())
        .extracting(Identifier::getSystem, Identifier::getValue)
        .containsExactly(
            tuple(FrIdentifiers.IDNPS, "810000000001"), tuple(FrIdentifiers.RPPS, "10000000001"));
  }

  @Test
  void mappingTheSameExtractTwice_givesTheSameResources() {
    String text = header() + "\n" + line(gp("10000000001")) + "\n" + line(gp("10000000002")) + "\n";
    assertThat(encoded(map(new StringReader(text))))
        .isEqualTo(encoded(map(new StringReader(text))));
  }

  @Test
  void activityWithoutStructure_isARoleAlone_andIsOutsideAnyRealTerritory() {
    Map<RppsColumn, String> bare = gp("10000000001");
    for (RppsColumn column :
        List.of(
            RppsColumn.NUMERO_SIRET_SITE,
            RppsColumn.RAISON_SOCIALE_SITE,
            RppsColumn.NUMERO_VOIE,
            RppsColumn.LIBELLE_TYPE_VOIE,
            RppsColumn.LIBELLE_VOIE,
            RppsColumn.CODE_POSTAL,
            RppsColumn.CODE_COMMUNE,
            RppsColumn.LIBELLE_COMMUNE,
            RppsColumn.CODE_DEPARTEMENT,
            RppsColumn.TELEPHONE)) {
      bare.remove(column);
    }

    RppsProfessional professional = map(extract(line(bare))).professionals().get(0);
    assertThat(professional.roles()).hasSize(1);
    assertThat(professional.roles().get(0).getIdPart()).isEqualTo("role-810000000001");
    assertThat(professional.roles().get(0).hasOrganization()).isFalse();
    assertThat(professional.organizations()).isEmpty();
    assertThat(professional.locations()).isEmpty();
    professional.resources().forEach(ProfileValidation::assertValid);

    Outcome inVannes = map(extract(line(bare)), RppsTerritory.departments("56"));
    assertThat(inVannes.professionals()).isEmpty();
    assertThat(inVannes.summary().linesOutsideTerritory()).isEqualTo(1);
  }

  @Test
  void phoneThatIsNotFrench_isLeftOut_andTheLocationStaysValid() {
    RppsProfessional professional =
        map(extract(line(with(gp("10000000001"), RppsColumn.TELEPHONE, "+44 20 7946 0000"))))
            .professionals()
            .get(0);
    assertThat(professional.locations().get(0).getTelecom()).isEmpty();
    ProfileValidation.assertValid(professional.locations().get(0));
  }

  private static String encoded(Outcome outcome) {
    return outcome.professionals().stream()
        .flatMap(p -> p.resources().stream())
        .map(RppsExtractMapperTest::json)
        .collect(Collectors.joining("\n"));
  }

  private static String json(Resource resource) {
    return ProfileValidation.FHIR.newJsonParser().encodeResourceToString(resource);
  }
}
