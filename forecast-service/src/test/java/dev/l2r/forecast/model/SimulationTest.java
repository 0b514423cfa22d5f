package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SimulationTest {

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 4.0, 19.9, 20.0, 57.5, 400.0})
    void poissonDrawsHaveTheRightMeanAndVariance(double mean) {
        SplittableRandom random = new SplittableRandom(42);
        int n = 40_000;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            long k = Simulation.poisson(random, mean);
            sum += k;
            squares += (double) k * k;
        }
        double m = sum / n;
        double variance = squares / n - m * m;
        // the sample mean's standard error is sqrt(mean / n); allow four of them
        assertThat(Math.abs(m - mean)).isLessThan(4 * Math.sqrt(mean / n));
        assertThat(variance / mean).isBetween(0.95, 1.05);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void newLeadsThatWinArePoissonWithTheExpectedWins(long seed) {
        DealValues.Value ten = new DealValues.Value(10, DealValues.Source.OVERALL_AVERAGE, null);
        // two classes in two groups: 1.2 and 1.8 expected wins of 10 each
        List<Simulation.NewLeads> kinds = List.of(new Simulation.NewLeads(1.2, ten, 0),
                new Simulation.NewLeads(1.8, ten, 1));
        Simulation.Outcome o = Simulation.run(List.of(), kinds, 1, 2, 40_000, seed, new double[0]);
        double mean = java.util.Arrays.stream(o.totals()).average().orElseThrow();
        double variance = java.util.Arrays.stream(o.totals()).map(t -> (t - mean) * (t - mean)).sum()
                / (o.totals().length - 1);
        // total wins ~ Poisson(3): revenue mean 30, variance 300; the group of class 1 averages 18
        assertThat(mean).isCloseTo(30, org.assertj.core.api.Assertions.within(0.4));
        assertThat(variance / 300).isBetween(0.95, 1.05);
        assertThat(java.util.Arrays.stream(o.byGroup()[1]).average().orElseThrow())
                .isCloseTo(18, org.assertj.core.api.Assertions.within(0.3));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void sameSeedSameNumbers(long seed) {
        DealValues.Value pool = new DealValues.Value(2, DealValues.Source.OVERALL_AVERAGE, new double[]{1, 3});
        List<Simulation.Item> items = List.of(new Simulation.Item(0.3, pool, 0, 0),
                new Simulation.Item(0.9, new DealValues.Value(10, DealValues.Source.AMOUNT, null), 0, 0));
        Simulation.Outcome a = Simulation.run(items, List.of(), 1, 1, 500, seed, new double[0]);
        Simulation.Outcome b = Simulation.run(items, List.of(), 1, 1, 500, seed, new double[0]);
        assertThat(a.totals()).isEqualTo(b.totals());
        assertThat(a.byStage()[0]).isEqualTo(a.totals());
        // every total is a sum of possible outcomes: 0, 1, 3, 10, 11, 13
        for (double t : a.totals()) {
            assertThat(t).isIn(0.0, 1.0, 3.0, 10.0, 11.0, 13.0);
        }
        // with calibration ratios each iteration's total is scaled by one of them
        Simulation.Outcome scaled = Simulation.run(items, List.of(), 1, 1, 500, seed, new double[]{0.5, 2});
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double t : scaled.totals()) {
            assertThat(t).isIn(0.0, 0.5, 1.5, 5.0, 5.5, 6.5, 2.0, 6.0, 20.0, 22.0, 26.0);
            seen.add(t);
        }
        assertThat(seen).contains(5.0, 20.0);
        assertThat(scaled.byStage()[0]).isEqualTo(scaled.totals());
    }

    /** Box–Muller: mean 0, variance 1, and a tenth of the draws below the normal's P10 of −1.2816. */
    @Test
    void normalDrawsAreStandardNormal() {
        SplittableRandom random = new SplittableRandom(5);
        int n = 40_000;
        double sum = 0;
        double squares = 0;
        int belowP10 = 0;
        for (int i = 0; i < n; i++) {
            double z = Simulation.normal(random);
            sum += z;
            squares += z * z;
            belowP10 += z < -1.2816 ? 1 : 0;
        }
        double mean = sum / n;
        // standard errors: 0.005 for the mean, 0.007 for the variance, 0.0015 for the share
        assertThat(mean).isBetween(-0.02, 0.02);
        assertThat(squares / n - mean * mean).isBetween(0.97, 1.03);
        assertThat((double) belowP10 / n).isBetween(0.094, 0.106);
    }

    /**
     * One lead sure to win 100: without model error every total is 100; with a model error of 0.5 each iteration's
     * total, its stage's and its group's are multiplied by one factor exp(0.5 z), so log(total / 100) has standard
     * deviation 0.5 and the other group stays at 0.
     */
    @Test
    void theModelErrorIsOneLogNormalFactorPerIteration() {
        List<Simulation.Item> sure = List.of(new Simulation.Item(1.0,
                new DealValues.Value(100, DealValues.Source.AMOUNT, null), 0, 1));
        Simulation.Outcome exact = Simulation.run(sure, List.of(), 1, 2, 200, 3, new double[0], 0);
        assertThat(exact.totals()).containsOnly(100.0);
        Simulation.Outcome spread = Simulation.run(sure, List.of(), 1, 2, 20_000, 3, new double[0], 0.5);
        double sum = 0;
        double squares = 0;
        for (double t : spread.totals()) {
            double l = Math.log(t / 100);
            sum += l;
            squares += l * l;
        }
        double mean = sum / 20_000;
        assertThat(mean).isBetween(-0.015, 0.015);
        assertThat(Math.sqrt(squares / 20_000 - mean * mean)).isBetween(0.49, 0.51);
        assertThat(spread.byStage()[0]).isEqualTo(spread.totals());
        assertThat(spread.byGroup()[1]).isEqualTo(spread.totals());
        assertThat(spread.byGroup()[0]).containsOnly(0.0);
        // sorted ascending, as the quantiles need
        assertThat(spread.totals()).isSorted();
        assertThat(Simulation.poisson(new SplittableRandom(1), 0)).isZero();
    }
}
