package fr.cpts.hub.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.profiles.FrIdentifiers;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;

class NationalIdentifierInterceptorTest {

  @Test
  void practitioner_withAnRppsAlone_gainsItsIdnps_bothTyped() {
    Practitioner practitioner = new Practitioner();
    practitioner.addIdentifier().setSystem(FrIdentifiers.RPPS).setValue("10000012345");

    NationalIdentifierInterceptor.normalise(practitioner);

    assertThat(practitioner.getIdentifier())
        .extracting(
            i ->
                i.getSystem()
                    + "|"
                    + i.getValue()
                    + "|"
                    + i.getType().getCodingFirstRep().getCode())
        .containsExactlyInAnyOrder(
            FrIdentifiers.RPPS + "|10000012345|RPPS", FrIdentifiers.IDNPS + "|810000012345|IDNPS");
  }

  @Test
  void practitioner_withAnUnprefixedIdnps_isPrefixed_andGainsItsRpps() {
    Practitioner practitioner = new Practitioner();
    practitioner.addIdentifier().setSystem(FrIdentifiers.IDNPS).setValue("10000012345");

    NationalIdentifierInterceptor.normalise(practitioner);

    assertThat(practitioner.getIdentifier())
        .extracting(Identifier::getValue)
        .containsExactlyInAnyOrder("810000012345", "10000012345");
  }

  @Test
  void organization_withFinessOrSiretAlone_gainsItsIdnst_andAnUnprefixedSiretIsPrefixed() {
    Organization finess = new Organization();
    finess.addIdentifier().setSystem(FrIdentifiers.FINESS).setValue("560099991");
    NationalIdentifierInterceptor.normalise(finess);
    assertThat(finess.getIdentifier()).extracting(Identifier::getValue).contains("1560099991");

    Organization siret = new Organization();
    siret.addIdentifier().setSystem(FrIdentifiers.SIRENE).setValue("56010000000010");
    NationalIdentifierInterceptor.normalise(siret);
    assertThat(siret.getIdentifier()).extracting(Identifier::getValue).contains("356010000000010");

    Organization unprefixed = new Organization();
    unprefixed.addIdentifier().setSystem(FrIdentifiers.IDNST).setValue("56010000000010");
    NationalIdentifierInterceptor.normalise(unprefixed);
    assertThat(unprefixed.getIdentifier())
        .extracting(Identifier::getValue)
        .containsExactly("356010000000010");

    Organization ambiguous = new Organization();
    ambiguous.addIdentifier().setSystem(FrIdentifiers.IDNST).setValue("560099991");
    NationalIdentifierInterceptor.normalise(ambiguous);
    assertThat(ambiguous.getIdentifier())
        .extracting(Identifier::getValue)
        .containsExactly("560099991");
  }
}
