package fr.cpts.hub.server.snp;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The indicators of the SNP requests broadcast in a period (the seed project's evaluation list):
 * requests handled through the territorial organisation, accepted, accepted within the objective
 * and their share, escalated, cancelled, open, median minutes to acceptance, professionals
 * answering. Pure: computed from what each request's Task recorded.
 *
 * @param shareWithinObjective accepted within the objective / requests, empty when none
 * @param medianMinutesToAccept empty when none was accepted
 */
public record SnpIndicators(
    int requests,
    int accepted,
    int acceptedWithinObjective,
    OptionalDouble shareWithinObjective,
    int escalated,
    int cancelled,
    int open,
    OptionalDouble medianMinutesToAccept,
    int professionalsParticipating) {

  /**
   * One request: when it was made, its step, when it was accepted (or null), the professionals
   * (Practitioner ids, or role ids when a role names none) who answered it.
   */
  public record Request(
      Instant authoredOn, SnpStep step, Instant acceptedAt, Set<String> answeredBy) {}

  public static SnpIndicators of(List<Request> requests, Duration objective) {
    int accepted = 0;
    int within = 0;
    int escalated = 0;
    int cancelled = 0;
    int open = 0;
    Set<String> professionals = new HashSet<>();
    List<Double> minutes = new java.util.ArrayList<>();
    for (Request request : requests) {
      request.answeredBy().stream().filter(Objects::nonNull).forEach(professionals::add);
      switch (request.step()) {
        case ACCEPTED -> {
          accepted++;
          if (request.acceptedAt() != null) {
            Duration taken = Duration.between(request.authoredOn(), request.acceptedAt());
            minutes.add(taken.toSeconds() / 60.0);
            if (taken.compareTo(objective) <= 0) {
              within++;
            }
          }
        }
        case ESCALATED -> escalated++;
        case CANCELLED -> cancelled++;
        case BROADCAST -> open++;
      }
    }
    return new SnpIndicators(
        requests.size(),
        accepted,
        within,
        requests.isEmpty()
            ? OptionalDouble.empty()
            : OptionalDouble.of((double) within / requests.size()),
        escalated,
        cancelled,
        open,
        median(minutes),
        professionals.size());
  }

  private static OptionalDouble median(List<Double> values) {
    if (values.isEmpty()) {
      return OptionalDouble.empty();
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return OptionalDouble.of(
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
  }
}
