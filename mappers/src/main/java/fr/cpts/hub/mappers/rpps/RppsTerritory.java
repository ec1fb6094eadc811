package fr.cpts.hub.mappers.rpps;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The territory whose activities are kept: communes by INSEE code ({@code 56260}) and departments
 * by code ({@code 56}, {@code 2A}, {@code 974}). A line is inside when its structure's commune is
 * one of the communes or lies in one of the departments; both sets empty means the whole extract. A
 * line without a commune nor a department (an activity without address) is outside any territory
 * that is not the whole extract.
 *
 * @param communes INSEE codes of communes (COG), e.g. 56260 for Vannes
 * @param departments department codes, two characters in metropolitan France and Corsica (2A, 2B),
 *     three overseas (971 to 976)
 */
public record RppsTerritory(Set<String> communes, Set<String> departments) {

  public RppsTerritory {
    communes = normalised(communes);
    departments = normalised(departments);
  }

  /** The whole extract: nothing is outside. */
  public static RppsTerritory everywhere() {
    return new RppsTerritory(Set.of(), Set.of());
  }

  public static RppsTerritory communes(String... inseeCodes) {
    return new RppsTerritory(new HashSet<>(Arrays.asList(inseeCodes)), Set.of());
  }

  public static RppsTerritory departments(String... codes) {
    return new RppsTerritory(Set.of(), new HashSet<>(Arrays.asList(codes)));
  }

  public boolean isEverywhere() {
    return communes.isEmpty() && departments.isEmpty();
  }

  /**
   * Whether an address is inside.
   *
   * @param commune the INSEE code of its commune, or {@code null}
   * @param department its department code, or {@code null} to derive it from the commune
   */
  public boolean contains(String commune, String department) {
    if (isEverywhere()) {
      return true;
    }
    String insee = commune == null ? null : commune.trim().toUpperCase(Locale.ROOT);
    if (insee != null && communes.contains(insee)) {
      return true;
    }
    String code =
        department != null && !department.isBlank()
            ? department.trim().toUpperCase(Locale.ROOT)
            : departmentOf(insee);
    return code != null && departments.contains(code);
  }

  boolean contains(RppsLine line) {
    return contains(line.get(RppsColumn.CODE_COMMUNE), line.get(RppsColumn.CODE_DEPARTEMENT));
  }

  /**
   * The department of an INSEE commune code: its first three characters overseas ({@code 97411} is
   * in 974), else its first two ({@code 2A004} is in 2A); {@code null} for no or a too short code.
   */
  static String departmentOf(String insee) {
    if (insee == null || insee.length() < 5) {
      return null;
    }
    return insee.startsWith("97") || insee.startsWith("98")
        ? insee.substring(0, 3)
        : insee.substring(0, 2);
  }

  private static Set<String> normalised(Set<String> codes) {
    if (codes == null) {
      return Set.of();
    }
    return codes.stream()
        .filter(c -> c != null && !c.isBlank())
        .map(c -> c.trim().toUpperCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public String toString() {
    if (isEverywhere()) {
      return "everywhere";
    }
    return "communes " + sorted(communes) + ", departments " + sorted(departments);
  }

  private static String sorted(Set<String> codes) {
    String[] array = codes.toArray(String[]::new);
    Arrays.sort(array);
    return Arrays.toString(array);
  }
}
