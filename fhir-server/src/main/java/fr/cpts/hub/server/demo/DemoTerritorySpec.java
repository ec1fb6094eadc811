package fr.cpts.hub.server.demo;

import fr.cpts.hub.server.config.ClockConfig;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * What to generate.
 *
 * @param generalPractitioners how many GPs (40 for the demo, thousands for benchmarks)
 * @param seed makes the whole territory reproducible: same spec, same resources
 * @param firstDay the first day of slots (usually today in Europe/Paris)
 * @param days how many days of slots, from {@code firstDay}
 * @param snpSlotsPerDay SNP slots per schedule and per day
 * @param zone the time zone of the slots' wall-clock times
 */
public record DemoTerritorySpec(
    int generalPractitioners,
    long seed,
    LocalDate firstDay,
    int days,
    int snpSlotsPerDay,
    ZoneId zone) {

  public DemoTerritorySpec {
    if (generalPractitioners < 1 || generalPractitioners > 99_999) {
      throw new IllegalArgumentException("generalPractitioners must be within 1..99999");
    }
    if (days < 1 || days > 31) {
      throw new IllegalArgumentException("days must be within 1..31");
    }
    if (snpSlotsPerDay < 1 || snpSlotsPerDay > 40) {
      throw new IllegalArgumentException("snpSlotsPerDay must be within 1..40");
    }
  }

  /** The demo's usual shape: slots from {@code firstDay}, 8 SNP slots a day. */
  public static DemoTerritorySpec demo(int generalPractitioners, long seed, LocalDate firstDay) {
    return new DemoTerritorySpec(generalPractitioners, seed, firstDay, 3, 8, ClockConfig.PARIS);
  }
}
