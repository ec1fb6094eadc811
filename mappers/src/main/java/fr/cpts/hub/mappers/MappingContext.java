package fr.cpts.hub.mappers;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a mapper needs from the outside world, handed in so that mappers stay pure functions:
 * the clock ("now" for dropping past occurrences), the time zone in which local and floating times
 * are read and recurrence rules are expanded, and the generator of ids for things the input does
 * not name.
 *
 * @param clock the source of "now"
 * @param zone the zone of local times (the hub's is Europe/Paris)
 * @param ids a generator of fresh ids, called only when the input lacks one
 */
public record MappingContext(Clock clock, ZoneId zone, Supplier<String> ids) {

  /** The zone of the French hub. */
  public static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  public MappingContext {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(ids, "ids");
  }

  /** A context in Europe/Paris. */
  public static MappingContext paris(Clock clock, Supplier<String> ids) {
    return new MappingContext(clock, PARIS, ids);
  }
}
