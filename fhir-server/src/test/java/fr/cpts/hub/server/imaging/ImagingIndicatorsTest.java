package fr.cpts.hub.server.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagingIndicatorsTest {

  @Test
  void everyMonthOfThePeriodIsListed_bookingsOutsideItIgnored_prescribersCountedOnce() {
    YearMonth may = YearMonth.of(2032, 5);
    ImagingIndicators indicators =
        ImagingIndicators.of(
            may,
            may.plusMonths(2),
            List.of(
                new ImagingIndicators.Booking(may, "Practitioner/1"),
                new ImagingIndicators.Booking(may, "Practitioner/1"),
                new ImagingIndicators.Booking(may.plusMonths(1), "Practitioner/2"),
                new ImagingIndicators.Booking(may.plusMonths(1), null),
                new ImagingIndicators.Booking(may.plusMonths(3), "Practitioner/3")));

    assertThat(indicators.perMonth())
        .containsExactly(
            java.util.Map.entry(may, 2),
            java.util.Map.entry(may.plusMonths(1), 2),
            java.util.Map.entry(may.plusMonths(2), 0));
    assertThat(indicators.total()).isEqualTo(4);
    assertThat(indicators.prescribers()).isEqualTo(2);
  }
}
