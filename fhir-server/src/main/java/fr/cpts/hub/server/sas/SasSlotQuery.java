package fr.cpts.hub.server.sas;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import fr.cpts.hub.profiles.FrIdentifiers;
import fr.cpts.hub.profiles.HubProfiles;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SAS platform's slot search (INT_R01, and INT_R04 for CPTS), read from a {@code GET Slot?...}
 * request: the professionals asked for (1 to {@value #MAX_PROFESSIONALS} IDNPS, with or without
 * their prefix) and the window ({@code start=ge...&start=le...}, with an offset or, as the CPTS
 * flow sends it, without one, then read as Europe/Paris time).
 *
 * <p>A Slot search is the SAS search when it chains {@value #PRACTITIONER_IDENTIFIER} and includes
 * {@value #SCHEDULE_INCLUDE}, as the SAS always does; anything else is an ordinary search and is
 * left alone.
 *
 * @param idnps the professionals' IDNPS, prefixed, in the order sent, without duplicates
 * @param from the window's lower bound, as sent (inclusive)
 * @param to the window's upper bound (inclusive)
 * @param cpts whether the CPTS includes were asked for (INT_R04)
 */
public record SasSlotQuery(List<String> idnps, Instant from, Instant to, boolean cpts) {

  /** The chained parameter that marks the SAS search. */
  public static final String PRACTITIONER_IDENTIFIER = "schedule.actor:Practitioner.identifier";

  public static final String START = "start";
  public static final int MAX_PROFESSIONALS = 25;

  static final String INCLUDE = "_include";
  static final String SCHEDULE_INCLUDE = "Slot:schedule";
  static final String CPTS_INCLUDE = "Slot:" + HubProfiles.SP_SERVICE_TYPE_REFERENCE;

  private static final Pattern RPPS = Pattern.compile("\\d{11}");
  private static final Pattern IDNPS_FROM_RPPS = Pattern.compile("8\\d{11}");
  private static final Pattern OFFSET = Pattern.compile(".*(Z|[+-]\\d{2}:\\d{2})$");

  /** Whether this request is the SAS slot search. */
  public static boolean isSasSearch(RequestDetails request) {
    return request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE
        && "Slot".equals(request.getResourceName())
        && request.getParameters().containsKey(PRACTITIONER_IDENTIFIER)
        && Arrays.asList(request.getParameters().getOrDefault(INCLUDE, new String[0]))
            .contains(SCHEDULE_INCLUDE);
  }

  /**
   * Reads the SAS search from the request's parameters.
   *
   * @throws InvalidRequestException (400) when the professionals or the window are missing or out
   *     of bounds, saying which and how to fix it
   */
  public static SasSlotQuery parse(Map<String, String[]> parameters, ZoneId zone) {
    String[] lists = parameters.get(PRACTITIONER_IDENTIFIER);
    if (lists == null || lists.length != 1) {
      throw new InvalidRequestException(
          "HUB-0401: send the professionals as one comma-separated list in "
              + PRACTITIONER_IDENTIFIER
              + " (the parameter appears "
              + (lists == null ? 0 : lists.length)
              + " times)");
    }
    Set<String> idnps = new LinkedHashSet<>();
    for (String token : lists[0].split(",")) {
      if (!token.isBlank()) {
        idnps.add(normaliseIdnps(token.trim()));
      }
    }
    if (idnps.isEmpty() || idnps.size() > MAX_PROFESSIONALS) {
      throw new InvalidRequestException(
          "HUB-0402: the SAS slot search takes 1 to "
              + MAX_PROFESSIONALS
              + " professionals in "
              + PRACTITIONER_IDENTIFIER
              + "; "
              + idnps.size()
              + " were sent");
    }

    Instant from = null;
    Instant to = null;
    for (String value : parameters.getOrDefault(START, new String[0])) {
      String prefix = value.length() > 2 ? value.substring(0, 2) : "";
      Instant instant = instant(value.substring(Math.min(2, value.length())), zone);
      switch (prefix) {
        case "ge", "gt" -> from = requireOnce(from, instant, "ge");
        case "le", "lt" -> to = requireOnce(to, instant, "le");
        default ->
            throw new InvalidRequestException(
                "HUB-0403: start takes a lower bound start=ge... and an upper bound start=le...;"
                    + " got start="
                    + value);
      }
    }
    if (from == null || to == null) {
      throw new InvalidRequestException(
          "HUB-0403: the SAS slot search needs both bounds of its window, start=ge<date-time>"
              + " and start=le<date-time>; missing: "
              + (from == null ? "start=ge" : "start=le"));
    }
    if (from.isAfter(to)) {
      throw new InvalidRequestException(
          "HUB-0404: the window is inverted: start=ge is after start=le");
    }
    boolean cpts =
        Arrays.asList(parameters.getOrDefault(INCLUDE, new String[0])).contains(CPTS_INCLUDE);
    return new SasSlotQuery(List.copyOf(idnps), from, to, cpts);
  }

  /** The IDNPS values as FHIR tokens on the IDNPS system, for the chained search. */
  public String identifierTokens() {
    List<String> tokens = new ArrayList<>();
    for (String value : idnps) {
      tokens.add(FrIdentifiers.IDNPS + "|" + value);
    }
    return String.join(",", tokens);
  }

  private static Instant requireOnce(Instant previous, Instant value, String bound) {
    if (previous != null) {
      throw new InvalidRequestException(
          "HUB-0403: start=" + bound + " is sent twice; send each bound of the window once");
    }
    return value;
  }

  private static Instant instant(String value, ZoneId zone) {
    try {
      if (OFFSET.matcher(value).matches()) {
        return OffsetDateTime.parse(value).toInstant();
      }
      return LocalDateTime.parse(value).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          "HUB-0403: start must be a date-time such as 2026-11-23T08:00:00+01:00; got " + value);
    }
  }

  /**
   * An IDNPS from what the SAS or a GP software may send: {@code urn:oid:...4.2.1|8xxxxxxxxxxx},
   * the same without the {@code 8}, an RPPS on its own system, or a bare number.
   */
  static String normaliseIdnps(String token) {
    int bar = token.indexOf('|');
    String system = bar < 0 ? "" : token.substring(0, bar);
    String value = bar < 0 ? token : token.substring(bar + 1);
    if (!system.isEmpty()
        && !system.equals(FrIdentifiers.IDNPS)
        && !system.equals(FrIdentifiers.RPPS)) {
      throw new InvalidRequestException(
          "HUB-0405: professionals are identified by IDNPS ("
              + FrIdentifiers.IDNPS
              + ") or RPPS ("
              + FrIdentifiers.RPPS
              + "); got the system "
              + system);
    }
    if (RPPS.matcher(value).matches()) {
      return FrIdentifiers.IDNPS_RPPS_PREFIX + value;
    }
    if (value.isEmpty()
        || (system.equals(FrIdentifiers.RPPS) && !IDNPS_FROM_RPPS.matcher(value).matches())) {
      throw new InvalidRequestException(
          "HUB-0405: an RPPS number has 11 digits; got \"" + value + "\"");
    }
    return value;
  }
}
