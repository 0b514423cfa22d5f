package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each rep against their own target, as of just before day 100 (the moment BacktestTest works its figures at), on the owned history of {@link BacktestBiasAndGroupsTest}
 * (c and h ann's, every other lead bob's), targets for days 0–110:
 * <pre>
 * ann  won so far: nothing (c wins on 104, h on 115)       forecast to day 110: c 1/3 × 1000 = 333.33
 *      target 1000: expected 333.33, gap 666.67; reaches it only if c wins: P = 1/3; P10 0, P90 1000
 * bob  won so far: a 600 (day 12) + d 900 (day 35) = 1500  forecast: e 7/15 × 750 (mean of 600, 900) = 350
 *      target 2000: expected 1850, gap 150; any e win (600 or 900) reaches it: P = 7/15; P10 1500, P90 2400
 * </pre>
 */
class OwnerAttainmentTest {

    static RevenueTarget target(String owner, String amount) {
        return new RevenueTarget(day(0), day(110), owner, null, new BigDecimal(amount), "USD");
    }

    @Test
    void eachOwnerIsMeasuredAgainstTheirOwnTargetWithTheirOwnWinsAndForecast() {
        ForecastModel model = ForecastModel.train(BacktestBiasAndGroupsTest.withOwners(), day(100).minusNanos(1000),
                "USD",
                List.of("OPPORTUNITY"), new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 20_000, 3, 0,
                        4));
        Forecast.Attainment ann = model.attainment(target("ann", "1000"));
        assertThat(ann.owner()).isEqualTo("ann");
        assertThat(ann.attainmentSoFar()).isEqualByComparingTo("0");
        assertThat(ann.expectedAttainment().doubleValue()).isCloseTo(1000 / 3.0, within(0.006));
        assertThat(ann.gap().doubleValue()).isCloseTo(2000 / 3.0, within(0.006));
        assertThat(ann.expectedAttainmentP10()).isEqualByComparingTo("0");
        assertThat(ann.expectedAttainmentP90()).isEqualByComparingTo("1000");
        // 20,000 draws: the standard error of a share near 1/3 is 0.0033
        assertThat(ann.probabilityToReach()).isCloseTo(1 / 3.0, within(0.015));

        Forecast.Attainment bob = model.attainment(target("bob", "2000"));
        assertThat(bob.attainmentSoFar()).isEqualByComparingTo("1500");
        assertThat(bob.expectedAttainment().doubleValue()).isCloseTo(1850, within(0.006));
        assertThat(bob.gap().doubleValue()).isCloseTo(150, within(0.006));
        assertThat(bob.expectedAttainmentP10()).isEqualByComparingTo("1500");
        assertThat(bob.expectedAttainmentP90()).isEqualByComparingTo("2400");
        assertThat(bob.probabilityToReach()).isCloseTo(7 / 15.0, within(0.015));

        // the owners' forecasts are the owner groups of the forecast to the target's end, and add up to its total
        Forecast f = model.forecast(10, "owner");
        assertThat(f.groups()).extracting(Forecast.GroupLine::key).containsExactly("ann", "bob");
        assertThat(f.groups().get(0).expectedRevenue().add(f.groups().get(1).expectedRevenue()))
                .isEqualByComparingTo(f.expectedRevenue());
    }
}
