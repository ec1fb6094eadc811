package fr.cpts.hub.server.sas;

import java.util.Map;
import java.util.Optional;

/**
 * A French phone number in the international form the SAS requires ({@code +33} and nine digits, or
 * {@code +262}, {@code +590}, {@code +596}, {@code +594} for the overseas departments whose numbers
 * have their own country code). Accepts the national form ({@code 02 97 12 34 56}, dots, dashes),
 * {@code 0033...} and numbers already international.
 */
final class FrenchPhoneNumber {

  /** National prefixes (after the leading 0) of the overseas departments, to country codes. */
  private static final Map<String, String> OVERSEAS =
      Map.ofEntries(
          Map.entry("262", "262"),
          Map.entry("263", "262"),
          Map.entry("692", "262"),
          Map.entry("693", "262"),
          Map.entry("590", "590"),
          Map.entry("690", "590"),
          Map.entry("691", "590"),
          Map.entry("596", "596"),
          Map.entry("696", "596"),
          Map.entry("697", "596"),
          Map.entry("594", "594"),
          Map.entry("694", "594"));

  private FrenchPhoneNumber() {}

  /** The number as {@code +CC} and nine digits, or empty when it is not a French number. */
  static Optional<String> e164(String number) {
    if (number == null) {
      return Optional.empty();
    }
    String digits = number.replaceAll("[\\s.\\-()/]", "");
    if (digits.startsWith("00")) {
      digits = "+" + digits.substring(2);
    }
    if (digits.matches("\\+(33|262|590|596|594)\\d{9}")) {
      return Optional.of(digits);
    }
    if (digits.matches("0\\d{9}")) {
      String national = digits.substring(1);
      String country = OVERSEAS.getOrDefault(national.substring(0, 3), "33");
      return Optional.of("+" + country + national);
    }
    return Optional.empty();
  }
}
