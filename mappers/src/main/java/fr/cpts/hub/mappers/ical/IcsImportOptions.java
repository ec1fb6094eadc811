package fr.cpts.hub.mappers.ical;

/**
 * What an iCalendar import takes from VEVENTs (AVAILABLE components of VAVAILABILITY are always
 * taken as free time). Categories are compared without case and surrounding blanks.
 *
 * @param category VEVENTs whose CATEGORIES contain it become free time; {@code null}: none do
 * @param unavailableCategory VEVENTs whose CATEGORIES contain it become unavailable time (it wins
 *     over {@code category}); {@code null}: none do
 */
public record IcsImportOptions(String category, String unavailableCategory) {

  public IcsImportOptions {
    category = blankToNull(category);
    unavailableCategory = blankToNull(unavailableCategory);
  }

  /** Only VAVAILABILITY is read; every VEVENT is ignored. */
  public static IcsImportOptions availabilityOnly() {
    return new IcsImportOptions(null, null);
  }

  /** VEVENTs of {@code category} are free time, those of {@code unavailableCategory} are not. */
  public static IcsImportOptions categories(String category, String unavailableCategory) {
    return new IcsImportOptions(category, unavailableCategory);
  }

  boolean isFree(String eventCategory) {
    return matches(category, eventCategory);
  }

  boolean isUnavailable(String eventCategory) {
    return matches(unavailableCategory, eventCategory);
  }

  private static boolean matches(String wanted, String eventCategory) {
    return wanted != null && eventCategory != null && wanted.equalsIgnoreCase(eventCategory.trim());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
