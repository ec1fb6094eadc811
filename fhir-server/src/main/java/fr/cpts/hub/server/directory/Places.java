package fr.cpts.hub.server.directory;

import fr.cpts.hub.profiles.FrExtensions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;

/**
 * Where places of practice are, as the directory says: a Location's INSEE commune code and
 * position, the distance between two positions. Used to order the professionals HAPI's {@code
 * Location?near=} search found; the search itself is HAPI's.
 */
public final class Places {

  private Places() {}

  /** Places found around a commune, by id, and the commune's centre when one has a position. */
  public record Around(Map<String, Location> places, Optional<double[]> centre) {}

  /** The INSEE code of the Location's commune (FR Core address extension), or null. */
  public static String insee(Location place) {
    Extension code =
        place.hasAddress()
            ? place.getAddress().getExtensionByUrl(FrExtensions.ADDRESS_INSEE_CODE)
            : null;
    return code != null && code.getValue() instanceof Coding coding ? coding.getCode() : null;
  }

  /** The Location's position as {latitude, longitude}, if it has one. */
  public static Optional<double[]> point(Location place) {
    if (!place.hasPosition()
        || place.getPosition().getLatitude() == null
        || place.getPosition().getLongitude() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new double[] {
          place.getPosition().getLatitude().doubleValue(),
          place.getPosition().getLongitude().doubleValue()
        });
  }

  /** Great-circle distance (haversine) in km. */
  public static double distanceKm(double[] a, double[] b) {
    double lat1 = Math.toRadians(a[0]);
    double lat2 = Math.toRadians(b[0]);
    double dLat = lat2 - lat1;
    double dLon = Math.toRadians(b[1] - a[1]);
    double h =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** The distance from {@code centre} to the place, or {@link Double#MAX_VALUE} if unknown. */
  public static double distanceKm(Optional<double[]> centre, Location place) {
    Optional<double[]> at = point(place);
    return centre.isPresent() && at.isPresent()
        ? distanceKm(centre.get(), at.get())
        : Double.MAX_VALUE;
  }

  /** A search URL's list of ids, cut in chunks short enough for one parameter each. */
  public static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      chunks.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return chunks;
  }
}
