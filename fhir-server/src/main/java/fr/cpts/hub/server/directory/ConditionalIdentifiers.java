package fr.cpts.hub.server.directory;

import fr.cpts.hub.profiles.FrIdentifiers;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * National identifiers in match URLs (conditional create, update and delete, conditional
 * references), normalised as {@link NationalIdentifierInterceptor} normalises them in resources: an
 * IDNPS of 11 digits (an RPPS number sent on the IDNPS system) gains its {@code 8}, an IDNST of 14
 * digits (a SIRET) its {@code 3}. Without it, {@code PUT Practitioner?identifier=<IDNPS>|<RPPS>}
 * would not find the Practitioner the hub stored with its prefixed IDNPS, and would create a second
 * one. Every other part of the URL is left as sent.
 */
public final class ConditionalIdentifiers {

  private static final Pattern RPPS = Pattern.compile("\\d{11}");
  private static final Pattern SIRET = Pattern.compile("\\d{14}");

  private ConditionalIdentifiers() {}

  /**
   * The match URL ({@code Type?query}, or the query alone as in {@code If-None-Exist}) with its
   * {@code identifier} tokens normalised; the same string when none needed it.
   */
  public static String normalise(String matchUrl) {
    if (matchUrl == null) {
      return null;
    }
    int question = matchUrl.indexOf('?');
    String head = question < 0 ? "" : matchUrl.substring(0, question + 1);
    String query = question < 0 ? matchUrl : matchUrl.substring(question + 1);
    boolean changed = false;
    List<String> parameters = new ArrayList<>();
    for (String parameter : query.split("&", -1)) {
      int equals = parameter.indexOf('=');
      String name =
          equals < 0 ? parameter : URLDecoder.decode(parameter.substring(0, equals), UTF8);
      if (equals < 0 || !name.equals("identifier")) {
        parameters.add(parameter);
        continue;
      }
      String value = URLDecoder.decode(parameter.substring(equals + 1), UTF8);
      String normalised = tokens(value);
      if (normalised.equals(value)) {
        parameters.add(parameter);
      } else {
        parameters.add(parameter.substring(0, equals + 1) + URLEncoder.encode(normalised, UTF8));
        changed = true;
      }
    }
    return changed ? head + String.join("&", parameters) : matchUrl;
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /** A comma-separated list of {@code system|value} tokens, each normalised. */
  private static String tokens(String value) {
    List<String> tokens = new ArrayList<>();
    for (String token : value.split(",", -1)) {
      tokens.add(token(token));
    }
    return String.join(",", tokens);
  }

  private static String token(String token) {
    int bar = token.indexOf('|');
    if (bar < 0) {
      return token;
    }
    String system = token.substring(0, bar);
    String code = token.substring(bar + 1);
    if (FrIdentifiers.IDNPS.equals(system) && RPPS.matcher(code).matches()) {
      return system + "|" + FrIdentifiers.IDNPS_RPPS_PREFIX + code;
    }
    if (FrIdentifiers.IDNST.equals(system) && SIRET.matcher(code).matches()) {
      return system + "|" + FrIdentifiers.IDNST_SIRET_PREFIX + code;
    }
    return token;
  }
}
