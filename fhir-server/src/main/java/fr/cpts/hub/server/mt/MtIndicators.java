package fr.cpts.hub.server.mt;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The indicators of a cohort of requests (those received in a period), computed from what each
 * request's Task records: no I/O.
 *
 * @param received requests in the cohort
 * @param attached of those, patients attached to a médecin traitant
 * @param attachedWithIpa attached after an IPA assessment step
 * @param attachedWithoutIpa attached without one
 * @param abandoned abandoned
 * @param open still open
 * @param gpsParticipating distinct GPs (Practitioner references) the attached patients went to
 * @param medianDaysToAttachment median of the whole days from request to attachment; empty when
 *     none was attached
 */
public record MtIndicators(
    int received,
    int attached,
    int attachedWithIpa,
    int attachedWithoutIpa,
    int abandoned,
    int open,
    int gpsParticipating,
    Optional<BigDecimal> medianDaysToAttachment) {

  /**
   * One request as the indicators see it.
   *
   * @param requested the day of the request (authoredOn)
   * @param step where it stands
   * @param attachedOn the day of its attachment step, when attached
   * @param assessedByIpa whether it went through an IPA assessment step
   * @param gp the Practitioner it was attached to (a reference), when attached
   */
  public record Request(
      LocalDate requested, MtStep step, LocalDate attachedOn, boolean assessedByIpa, String gp) {}

  public static MtIndicators of(Collection<Request> requests) {
    int attached = 0;
    int withIpa = 0;
    int abandoned = 0;
    int open = 0;
    Set<String> gps = new HashSet<>();
    List<Long> days = new ArrayList<>();
    for (Request request : requests) {
      switch (request.step()) {
        case ATTACHED -> {
          attached++;
          if (request.assessedByIpa()) {
            withIpa++;
          }
          if (request.gp() != null) {
            gps.add(request.gp());
          }
          days.add(ChronoUnit.DAYS.between(request.requested(), request.attachedOn()));
        }
        case ABANDONED -> abandoned++;
        default -> open++;
      }
    }
    return new MtIndicators(
        requests.size(),
        attached,
        withIpa,
        attached - withIpa,
        abandoned,
        open,
        gps.size(),
        median(days));
  }

  static Optional<BigDecimal> median(List<Long> values) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    List<Long> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    BigDecimal median =
        sorted.size() % 2 == 1
            ? BigDecimal.valueOf(sorted.get(middle))
            : BigDecimal.valueOf(sorted.get(middle - 1) + sorted.get(middle))
                .divide(BigDecimal.valueOf(2), 1, RoundingMode.UNNECESSARY);
    return Optional.of(median);
  }
}
