package dev.l2r.forecast.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whether the P10–P90 band holds the actual about 80% of the time, measured by the monthly backtest with the
 * service's default settings (application.properties): on the two public datasets (docs/validation.md; skipped
 * where the files are absent) and on generated pipelines with known truth over many seeds. A band that always
 * covers is as wrong as one that rarely does, so the bounds are 70% and 90% both ways.
 */
@Tag("slow")
class IntervalCoverageTest {

    /** The defaults of application.properties, seasonality and trend auto. */
    static final ForecastModel.Settings DEFAULTS = new ForecastModel.Settings(new WinModel.Settings(30, 10), 5, 90,
            2000, 20250301L, 12, 4, true, true);

    static Instant month(String yearMonth) {
        return Instant.parse(yearMonth + "-01T00:00:00Z");
    }

    static Path datasets() {
        Path root = Datasets.root();
        assumeTrue(root != null, "the public datasets are not here (set L2R_DATASETS)");
        return root;
    }

    /**
     * Maven CRM, April to December 2017 (nothing closes before March 2017). Before the new band 5 of 9 months
     * were inside; now 7 of 9: April (too little history to calibrate on: the band is the simulation's alone) and
     * November fall outside. The quarter's calendar, learned from October on, takes MAPE from 28.1% to 21.9%.
     */
    @Test
    void mavenCrmMonthlyBandHoldsBetween70And90Percent() {
        History maven = Datasets.mavenCrm(datasets());
        List<Backtest.Period> months = Backtest.periods(month("2017-04"), month("2018-01"), "month");
        Backtest.Result r = Backtest.run(maven, months, null, "month", "USD", List.of("OPPORTUNITY"), DEFAULTS);
        assertThat(r.periodsScored()).isEqualTo(9);
        assertThat(r.coverage()).isBetween(0.7, 0.9);
        assertThat(r.periods()).filteredOn(row -> !row.withinInterval()).extracting(Backtest.Row::period)
                .containsExactly("2017-04", "2017-11");

        Backtest.Result off = Backtest.run(maven, months, null, "month", "USD", List.of("OPPORTUNITY"),
                DEFAULTS.withSeasonality(false));
        // without the calendar the forecasts are those the README has always shown
        assertThat(off.mape()).isEqualTo(0.281263);
        assertThat(r.mape()).isLessThan(off.mape() - 0.05);
        assertThat(off.coverage()).isLessThan(r.coverage());
        // the run-rate, the better baseline, stays behind
        assertThat(r.mape()).isLessThan(r.baselines().get(0).mape());
    }

    /**
     * Olist has no deal values; the revenue question asked of it is the number of deals won a month (each worth
     * 1). Months from February 2018 (the first with 30 closes behind it, so with a learned curve) to November 2018
     * (the last with wins).
     */
    @Test
    void olistMonthlyBandHoldsBetween70And90Percent() {
        History olist = Datasets.olist(datasets());
        Backtest.Result r = Backtest.run(olist, Backtest.periods(month("2018-02"), month("2018-12"), "month"), null,
                "month", "USD", List.of("MQL"), DEFAULTS);
        assertThat(r.periodsScored()).isEqualTo(10);
        assertThat(r.coverage()).isBetween(0.7, 0.9);
    }

    /**
     * Twelve generated pipelines (8 opportunities a day, no season, two years), each backtested monthly over its
     * second year: the coverages are a distribution, of which the median must lie in 70–90% and the lowest and
     * highest stay near it (with 12 months each, one month is 8 points).
     */
    @Test
    void generatedPipelinesCoverAbout80PercentOverManySeeds() {
        double[] coverage = generatedCoverages(0);
        double median = Quantiles.of(coverage, 0.5);
        assertThat(median).as(Arrays.toString(coverage)).isBetween(0.7, 0.9);
        assertThat(Quantiles.of(coverage, 0.1)).as(Arrays.toString(coverage)).isGreaterThanOrEqualTo(0.66);
        assertThat(Arrays.stream(coverage).average().orElseThrow()).isBetween(0.7, 0.9);
        // a band that always covers is too wide; but an honest 80% band covers all 12 months of a seed with
        // probability 0.8^12 = 6.9%, so about one seed in 12 does by chance (seed 9 since the calendar's
        // calibration, whose months are spuriously seasonal: see docs/DECISIONS.md); three or more would be 4.5%
        assertThat(Arrays.stream(coverage).filter(c -> c == 1.0).count()).as(Arrays.toString(coverage))
                .isLessThanOrEqualTo(2);
    }

    /**
     * Twelve generated pipelines where half the wins due in a quarter's first two months slip into its last month
     * (SeasonalityTest). Calibrated at stepped moments, whose windows straddle months, the band held a median 67%
     * of months (58–83%): a window that is a quarter's last month misses more than one across two months. Calibrated
     * at whole calendar months back, by past models that knew the calendar too, it holds
     * [0.75 × 3, 0.83 × 5, 0.92, 0.92, 1.0, 1.0]: median 83% (with the moments hung from asOf's day; from asOf
     * itself it was [0.67, 0.75, 0.83 × 7, 0.92, 0.92, 1.0]).
     */
    @Test
    void generatedPipelinesWithQuarterEndPeaksCoverAbout80PercentOverManySeeds() {
        double[] coverage = generatedCoverages(0.5);
        assertThat(Quantiles.of(coverage, 0.5)).as(Arrays.toString(coverage)).isBetween(0.7, 0.9);
        assertThat(Arrays.stream(coverage).average().orElseThrow()).as(Arrays.toString(coverage))
                .isBetween(0.7, 0.9);
        assertThat(coverage[0]).as(Arrays.toString(coverage)).isGreaterThanOrEqualTo(0.66);
    }

    /** Seeds 1 to 12 of two-year generated pipelines, each backtested monthly over its second year: coverages, sorted. */
    static double[] generatedCoverages(double quarterEndPull) {
        double[] coverage = new double[12];
        for (int seed = 1; seed <= coverage.length; seed++) {
            History g = GeneratedPipeline.generate(seed, 730, 8, 0, quarterEndPull);
            coverage[seed - 1] = Backtest.run(g, Backtest.periods(month("2021-01"), month("2022-01"), "month"), null,
                    "month", "USD", List.of("OPPORTUNITY"), DEFAULTS).coverage();
        }
        Arrays.sort(coverage);
        return coverage;
    }
}
