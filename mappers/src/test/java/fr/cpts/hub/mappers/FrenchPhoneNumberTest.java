package fr.cpts.hub.mappers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrenchPhoneNumberTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      nullValues = "none",
      value = {
        "0297000001, +33297000001",
        "02 97 00 00 01, +33297000001",
        "02.97.00.00.01, +33297000001",
        "0033297000001, +33297000001",
        "+33297000001, +33297000001",
        "0612345678, +33612345678",
        "0590123456, +590590123456",
        "0690123456, +590690123456",
        "0596123456, +596596123456",
        "0594123456, +594594123456",
        "0262123456, +262262123456",
        "0692123456, +262692123456",
        "0269123456, +262269123456",
        "0033 2.97.12.34.56, +33297123456",
        "0696 12 34 56, +596696123456",
        "12, none",
        "00262 262 12 34 56, +262262123456",
        "297000001, none",
        "02970000011, none",
        "+44 20 7946 0000, none",
        "none, none"
      })
  void international(String text, String expected) {
    assertThat(FrenchPhoneNumber.international(text).orElse(null)).isEqualTo(expected);
  }
}
