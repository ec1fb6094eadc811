package fr.cpts.hub.mappers.rpps;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Resource ids derived from the national identifiers, so that importing the same extract twice
 * gives the same ids: {@code idnps-<IDNPS>}, {@code idnst-<IDNST>}, {@code site-<structure key>},
 * {@code role-<IDNPS>-<structure key>}. A prefix keeps them from being all digits (which HAPI's JPA
 * server refuses as client ids); a key too long for a FHIR id (64 characters) is replaced by its
 * name-based UUID.
 */
final class RppsIds {

  private static final int MAX_ID = 64;

  private RppsIds() {}

  static String practitioner(String idnps) {
    return of("idnps", idnps);
  }

  static String organization(String idnst) {
    return of("idnst", idnst);
  }

  static String location(String structureKey) {
    return of("site", structureKey);
  }

  static String role(String key) {
    return of("role", key);
  }

  /** Eight hex characters standing for a longer text, stable across runs. */
  static String shortHash(String text) {
    return uuid(text).toString().substring(0, 8);
  }

  /** A text made fit for a FHIR id: characters other than letters, digits, '-' and '.' as '-'. */
  static String sanitised(String text) {
    return text.replaceAll("[^A-Za-z0-9.\\-]", "-");
  }

  private static String of(String prefix, String key) {
    String id = prefix + "-" + sanitised(key);
    return id.length() <= MAX_ID ? id : prefix + "-" + uuid(key);
  }

  private static UUID uuid(String text) {
    return UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
