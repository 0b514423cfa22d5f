package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The arrivals' growth on hand-counted arrivals. History from day 0, asOf day 500, window 90 days: this year's
 * window is [410, 500], the year before's [45, 135).
 * <pre>
 * 200 against 100: b = ln 2 = 0.693147, se = √(1/200 + 1/100) = 0.122474, 1.96 se = 0.240050
 *                  damped 0.453097 (growth e^0.453097 − 1 = 57.32% a year)
 *                  over 30 days: × exp(0.453097 × (45 + 15) / 365) = 1.077326
 * 100 against 200: damped −0.453097, over 30 days × 0.928224
 * 110 against 100: |ln 1.1| = 0.095310 ≤ 1.96 √(1/110 + 1/100) = 0.270813: not used
 * </pre>
 */
class TrendTest {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** {@code yearBefore} arrivals spread over [45, 135), {@code recent} over [410, 500], and some elsewhere. */
    static List<Arrival> arrivals(int yearBefore, int recent) {
        List<Arrival> out = new ArrayList<>();
        for (int i = 0; i < yearBefore; i++) {
            out.add(arrival(45 + 89.99 * i / yearBefore));
        }
        for (int i = 0; i < recent; i++) {
            out.add(arrival(410 + 90.0 * i / recent));
        }
        // outside both windows: not counted
        out.add(arrival(0));
        out.add(arrival(135));
        out.add(arrival(300));
        out.add(arrival(409.9));
        return out;
    }

    static Arrival arrival(double day) {
        return new Arrival("a" + day, Days.plus(T0, day), "OPPORTUNITY", LeadAttributes.NONE);
    }

    @Test
    void growthBeyondChanceIsUsedDampedToItsBoundNearestZero() {
        Trend up = Trend.learn(arrivals(100, 200), T0, Days.plus(T0, 500), 90);
        assertThat(up.used()).isTrue();
        assertThat(up.factor(30)).isCloseTo(1.077326, within(1e-6));
        Trend.Info info = up.info(30);
        assertThat(info.arrivals()).isEqualTo(200);
        assertThat(info.arrivalsYearBefore()).isEqualTo(100);
        assertThat(info.growthPerYear()).isEqualTo(1.0);
        assertThat(info.dampedGrowthPerYear()).isEqualTo(0.5732);
        assertThat(info.horizonFactor()).isEqualTo(1.0773);
        assertThat(info.mode()).isEqualTo("auto");

        Trend down = Trend.learn(arrivals(200, 100), T0, Days.plus(T0, 500), 90);
        assertThat(down.factor(30)).isCloseTo(0.928224, within(1e-6));
    }

    @Test
    void growthWithinChanceOrTooLittleHistoryLeavesTheForecastAlone() {
        Trend chance = Trend.learn(arrivals(100, 110), T0, Days.plus(T0, 500), 90);
        assertThat(chance.used()).isFalse();
        assertThat(chance.factor(30)).isEqualTo(1.0);
        assertThat(chance.info(30).growthPerYear()).isEqualTo(0.1);
        assertThat(chance.info(30).reason()).contains("chance");

        // 454 days of history: a year and a window (455) are needed
        Trend young = Trend.learn(arrivals(100, 200), T0, Days.plus(T0, 454), 90);
        assertThat(young.used()).isFalse();
        assertThat(young.factor(30)).isEqualTo(1.0);
        assertThat(young.info(30).reason()).contains("455");
        assertThat(Trend.off().info(30).mode()).isEqualTo("off");
        assertThat(Trend.off().factor(30)).isEqualTo(1.0);
    }

    /**
     * In the forecast the growth scales the leads not created yet, and nothing else: on a generated pipeline
     * doubling its arrivals in a year, the new leads' expected revenue with the trend is the one without times
     * exp(b' (W/2 + h/2) / 365), b' counted here from the history's own arrivals.
     */
    @Test
    void theGrowthScalesTheNewLeadsOnly() {
        History g = GeneratedPipeline.generate(3, 730, 8, 1.0, 0);
        Instant asOf = Days.plus(GeneratedPipeline.START, 700);
        ForecastModel.Settings off = IntervalCoverageTest.DEFAULTS.uncalibrated().withTrend(false);
        Forecast without = ForecastModel.train(g, asOf, "USD", List.of("OPPORTUNITY"), off).forecast(30, null);
        Forecast with = ForecastModel.train(g, asOf, "USD", List.of("OPPORTUNITY"), off.withTrend(true))
                .forecast(30, null);
        int n = 0;
        int n0 = 0;
        for (Arrival a : g.arrivals()) {
            double d = Days.between(GeneratedPipeline.START, a.firstSeenAt());
            n += d >= 610 && d <= 700 ? 1 : 0;
            n0 += d >= 245 && d < 335 ? 1 : 0;
        }
        double b = Math.log((double) n / n0);
        double damped = b - 1.96 * Math.sqrt(1.0 / n + 1.0 / n0);
        double factor = Math.exp(damped * (45 + 15) / 365.0);
        assertThat(with.model().trend().used()).isTrue();
        assertThat(with.model().trend().arrivals()).isEqualTo(n);
        assertThat(with.model().trend().arrivalsYearBefore()).isEqualTo(n0);
        assertThat(with.newLeads().expectedRevenue().doubleValue())
                .isCloseTo(without.newLeads().expectedRevenue().doubleValue() * factor, within(0.02));
        // the open leads' expectations are untouched (their simulated bands share the draws with the new leads)
        assertThat(with.byStage()).extracting(Forecast.StageLine::expectedRevenue)
                .isEqualTo(without.byStage().stream().map(Forecast.StageLine::expectedRevenue).toList());
        assertThat(without.model().trend().mode()).isEqualTo("off");
    }
}
