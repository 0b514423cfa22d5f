package dev.l2r.forecast.model;

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
    void sameSeedSameNumbers(long seed) {
        DealValues.Value pool = new DealValues.Value(2, DealValues.Source.OVERALL_AVERAGE, new double[]{1, 3});
        List<Simulation.Item> items = List.of(new Simulation.Item(0.3, pool, 0, 0),
                new Simulation.Item(0.9, new DealValues.Value(10, DealValues.Source.AMOUNT, null), 0, 0));
        Simulation.Outcome a = Simulation.run(items, List.of(), 0, 30, 1, 1, 500, seed, new double[0]);
        Simulation.Outcome b = Simulation.run(items, List.of(), 0, 30, 1, 1, 500, seed, new double[0]);
        assertThat(a.totals()).isEqualTo(b.totals());
        assertThat(a.byStage()[0]).isEqualTo(a.totals());
        // every total is a sum of possible outcomes: 0, 1, 3, 10, 11, 13
        for (double t : a.totals()) {
            assertThat(t).isIn(0.0, 1.0, 3.0, 10.0, 11.0, 13.0);
        }
        // with calibration ratios each iteration's total is scaled by one of them
        Simulation.Outcome scaled = Simulation.run(items, List.of(), 0, 30, 1, 1, 500, seed, new double[]{0.5, 2});
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (double t : scaled.totals()) {
            assertThat(t).isIn(0.0, 0.5, 1.5, 5.0, 5.5, 6.5, 2.0, 6.0, 20.0, 22.0, 26.0);
            seen.add(t);
        }
        assertThat(seen).contains(5.0, 20.0);
        assertThat(scaled.byStage()[0]).isEqualTo(scaled.totals());
    }
}
