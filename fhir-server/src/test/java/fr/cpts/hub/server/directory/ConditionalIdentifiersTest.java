package fr.cpts.hub.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import fr.cpts.hub.profiles.FrIdentifiers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConditionalIdentifiersTest {

  private static String decoded(String url) {
    return URLDecoder.decode(url, StandardCharsets.UTF_8);
  }

  @Test
  void unprefixedRppsOnTheIdnpsSystem_gainsItsEight() {
    String url = "Practitioner?identifier=" + FrIdentifiers.IDNPS + "|10001234567";

    assertThat(decoded(ConditionalIdentifiers.normalise(url)))
        .isEqualTo("Practitioner?identifier=" + FrIdentifiers.IDNPS + "|810001234567");
  }

  @Test
  void siretOnTheIdnstSystem_gainsItsThree_inAnIfNoneExistWithoutType() {
    String url = "identifier=" + FrIdentifiers.IDNST + "%7C12345678900012&active=true";

    assertThat(decoded(ConditionalIdentifiers.normalise(url)))
        .isEqualTo("identifier=" + FrIdentifiers.IDNST + "|312345678900012&active=true");
  }

  @Test
  void eachTokenOfAnOrList_isNormalised_othersKept() {
    String url =
        "Practitioner?identifier="
            + FrIdentifiers.IDNPS
            + "|10001234567,"
            + FrIdentifiers.RPPS
            + "|10001234567,"
            + FrIdentifiers.IDNPS
            + "|810009999999";

    assertThat(decoded(ConditionalIdentifiers.normalise(url)))
        .isEqualTo(
            "Practitioner?identifier="
                + FrIdentifiers.IDNPS
                + "|810001234567,"
                + FrIdentifiers.RPPS
                + "|10001234567,"
                + FrIdentifiers.IDNPS
                + "|810009999999");
  }

  @Test
  void urlsWithNothingToNormalise_areReturnedAsSent() {
    for (String url :
        new String[] {
          "Practitioner?identifier=" + FrIdentifiers.IDNPS + "%7C810001234567",
          "Practitioner?name=KERGOAT&identifier=urn:oid:1.2.3|10001234567",
          "Organization?identifier=" + FrIdentifiers.IDNST + "|1750000012",
          "Patient?_id=12",
          "identifier"
        }) {
      assertThat(ConditionalIdentifiers.normalise(url)).isSameAs(url);
    }
    assertThat(ConditionalIdentifiers.normalise(null)).isNull();
  }
}
