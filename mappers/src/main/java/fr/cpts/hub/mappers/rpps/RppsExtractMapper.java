package fr.cpts.hub.mappers.rpps;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Maps the public RPPS extract ({@code PS_LibreAcces_Personne_activite_<timestamp>.txt}) to the
 * hub's directory resources, for the activities of one territory: a Practitioner per professional,
 * a PractitionerRole per activity, the Organizations and Locations of their structures ({@link
 * RppsProfessionalMapper} says which column goes where).
 *
 * <p>Pure and deterministic: the input is read as a stream, nothing else is touched (no clock, no
 * random, no network, no logging), and ids derive from the national identifiers, so the same
 * extract always gives the same resources. That is also why no {@code MappingContext} is needed.
 *
 * <p>Bad lines never stop the file: they are counted and kept with their reason in the {@link
 * RppsSummary}. Only an extract that cannot be read at all raises an {@link RppsExtractException}.
 */
public final class RppsExtractMapper {

  /**
   * Starts reading an extract: its header line is read now, its lines as the result is iterated.
   *
   * @throws RppsExtractException when there is no header or it lacks a required column
   */
  public RppsImport open(Reader extract, RppsTerritory territory) {
    Objects.requireNonNull(extract, "extract");
    Objects.requireNonNull(territory, "territory");
    return new RppsImport(new RppsExtractReader(extract), territory);
  }

  /**
   * The same for the extract's bytes, decoded as UTF-8 (a malformed byte reads as U+FFFD rather
   * than stopping the file).
   */
  public RppsImport open(InputStream extract, RppsTerritory territory) {
    Objects.requireNonNull(extract, "extract");
    return open(new InputStreamReader(extract, StandardCharsets.UTF_8), territory);
  }
}
