package dev.l2r.forecast.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trend in the backtest, with ({@code trend=auto}) and without: the figures of the README's coverage table.
 */
@Tag("slow")
class TrendBacktestTest {

    static final ForecastModel.Settings WITH = IntervalCoverageTest.DEFAULTS;
    static final ForecastModel.Settings WITHOUT = IntervalCoverageTest.DEFAULTS.withTrend(false);

    /** Maven CRM (14 months) and Olist (12) hold less than a year and an arrival window: nothing to learn. */
    @Test
    void theDatasetsAreTooShortForATrendAndSaySo() {
        History maven = Datasets.mavenCrm(IntervalCoverageTest.datasets());
        List<Backtest.Period> months = Backtest.periods(IntervalCoverageTest.month("2017-04"),
                IntervalCoverageTest.month("2018-01"), "month");
        Backtest.Result with = Backtest.run(maven, months, null, "month", "USD", List.of("OPPORTUNITY"), WITH);
        Backtest.Result without = Backtest.run(maven, months, null, "month", "USD", List.of("OPPORTUNITY"), WITHOUT);
        assertThat(with.periods()).isEqualTo(without.periods());
        assertThat(with.mape()).isEqualTo(0.219223);
        assertThat(with.coverage()).isEqualTo(0.7778);
        Trend.Info info = ForecastModel.train(maven, IntervalCoverageTest.month("2017-12"), "USD",
                List.of("OPPORTUNITY"), WITH.uncalibrated()).forecast(31, null).model().trend();
        assertThat(info.used()).isFalse();
        assertThat(info.reason()).startsWith("less than a year and an arrival window");

        History olist = Datasets.olist(IntervalCoverageTest.datasets());
        List<Backtest.Period> olistMonths = Backtest.periods(IntervalCoverageTest.month("2018-02"),
                IntervalCoverageTest.month("2018-12"), "month");
        Backtest.Result olistWith = Backtest.run(olist, olistMonths, null, "month", "USD", List.of("MQL"), WITH);
        Backtest.Result olistWithout = Backtest.run(olist, olistMonths, null, "month", "USD", List.of("MQL"),
                WITHOUT);
        assertThat(olistWith.periods()).isEqualTo(olistWithout.periods());
        assertThat(olistWith.coverage()).isEqualTo(0.9);
    }

    /**
     * Twelve generated pipelines of three years whose arrivals grow linearly from 8 a day by 8 a day each year (a
     * doubling in the first year), backtested monthly over the third: the distributions of MAPE and coverage with
     * and without the trend. The new leads are a small part of a month's wins (the open pipeline makes most of it),
     * so the trend moves MAPE little: measured, median 8.0% with and 7.7% without, no help; the band's median
     * coverage 83% with and 83% without (79% before the calibration moments hung from asOf's day).
     */
    @Test
    void onGrowingPipelinesTheTrendIsLearnedAndMovesMapeLittle() {
        double[][] r = new double[4][12];
        for (int seed = 1; seed <= 12; seed++) {
            History g = GeneratedPipeline.generate(seed, 1095, 8, 1.0, 0);
            List<Backtest.Period> months = Backtest.periods(IntervalCoverageTest.month("2022-01"),
                    IntervalCoverageTest.month("2023-01"), "month");
            Backtest.Result with = Backtest.run(g, months, null, "month", "USD", List.of("OPPORTUNITY"), WITH);
            Backtest.Result without = Backtest.run(g, months, null, "month", "USD", List.of("OPPORTUNITY"), WITHOUT);
            r[0][seed - 1] = with.mape();
            r[1][seed - 1] = without.mape();
            r[2][seed - 1] = with.coverage();
            r[3][seed - 1] = without.coverage();
            assertThat(ForecastModel.train(g, months.get(6).start(), "USD", List.of("OPPORTUNITY"),
                    WITH.uncalibrated()).forecast(31, null).model().trend().used()).as("seed %d", seed).isTrue();
        }
        for (double[] x : r) {
            Arrays.sort(x);
        }
        String shown = "MAPE with " + Arrays.toString(r[0]) + ", without " + Arrays.toString(r[1])
                + "; coverage with " + Arrays.toString(r[2]) + ", without " + Arrays.toString(r[3]);
        System.out.println(shown);
        assertThat(Quantiles.of(r[2], 0.5)).as(shown).isBetween(0.7, 0.9);
        assertThat(Quantiles.of(r[2], 0.5)).as(shown).isGreaterThanOrEqualTo(Quantiles.of(r[3], 0.5));
        assertThat(Math.abs(Quantiles.of(r[0], 0.5) - Quantiles.of(r[1], 0.5))).as(shown).isLessThan(0.01);
    }
}
