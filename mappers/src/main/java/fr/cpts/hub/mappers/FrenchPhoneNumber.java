package fr.cpts.hub.mappers;

import java.util.Optional;

/**
 * A French phone number as directories and practice software write it ({@code 0297123456}, with or
 * without spaces, dots or dashes, or {@code 0033...}) in the international form the hub's profiles
 * and the SAS require: {@code +33} then the 9 digits after the leading 0, or the overseas country
 * code for the numbers of Guadeloupe and its islands ({@code +590}), Martinique ({@code +596}),
 * Guyane ({@code +594}), La Réunion and Mayotte ({@code +262}). A number already in international
 * form is kept when it has one of these codes.
 */
public final class FrenchPhoneNumber {

  private FrenchPhoneNumber() {}

  /** The international form, or empty when the text is not a French number of 10 digits. */
  public static Optional<String> international(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String digits = text.replaceAll("[\\s.\\-()/]", "");
    if (digits.startsWith("00")) {
      digits = "+" + digits.substring(2);
    }
    if (digits.matches("\\+(33|262|590|596|594)[0-9]{9}")) {
      return Optional.of(digits);
    }
    if (!digits.matches("0[1-9][0-9]{8}")) {
      return Optional.empty();
    }
    String national = digits.substring(1);
    return Optional.of("+" + countryCode(digits.substring(0, 4)) + national);
  }

  /** The country code by the first four digits of the national number (ARCEP plan). */
  private static String countryCode(String prefix) {
    return switch (prefix) {
      case "0590", "0690", "0691" -> "590";
      case "0596", "0696", "0697" -> "596";
      case "0594", "0694" -> "594";
      case "0262", "0263", "0269", "0692", "0693", "0639" -> "262";
      default -> "33";
    };
  }
}
