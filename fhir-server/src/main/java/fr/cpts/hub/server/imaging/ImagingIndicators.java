package fr.cpts.hub.server.imaging;

import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The seed project's counts for the imaging short circuit, in a period: the imaging appointments
 * booked each month (by the month of their start, Paris time) and the distinct prescribers of their
 * orders. Pure.
 *
 * @param perMonth every month of the period, in order, with its count (0 included)
 */
public record ImagingIndicators(Map<YearMonth, Integer> perMonth, int total, int prescribers) {

  /** One imaging appointment: the month it takes place, its order's prescriber (or null). */
  public record Booking(YearMonth month, String prescriber) {}

  public static ImagingIndicators of(YearMonth first, YearMonth last, List<Booking> bookings) {
    Map<YearMonth, Integer> perMonth = new TreeMap<>();
    for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
      perMonth.put(month, 0);
    }
    Set<String> prescribers = new HashSet<>();
    int total = 0;
    for (Booking booking : bookings) {
      if (!perMonth.containsKey(booking.month())) {
        continue;
      }
      perMonth.merge(booking.month(), 1, Integer::sum);
      total++;
      if (booking.prescriber() != null) {
        prescribers.add(booking.prescriber());
      }
    }
    prescribers.removeIf(Objects::isNull);
    return new ImagingIndicators(perMonth, total, prescribers.size());
  }
}
