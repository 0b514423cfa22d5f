package dev.l2r.forecast.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backtest's periods are made in parallel, sharing one calibration memo: each row must be the row of that period
 * backtested alone (its own memo, nothing to share or race with), to the cent and the bit of its interval, and a
 * second run must answer the same.
 */
class ParallelBacktestTest {

    @ParameterizedTest
    @ValueSource(longs = {3, 4})
    void eachPeriodIsThePeriodBacktestedAlone(long seed) {
        History history = GeneratedPipeline.generate(seed, 730, 8, 0, 0.5);
        List<Backtest.Period> periods = Backtest.periods(Instant.parse("2021-01-01T00:00:00Z"),
                Instant.parse("2022-01-01T00:00:00Z"), "month");
        List<String> stages = List.of("OPPORTUNITY");
        Backtest.Result together = Backtest.run(history, periods, null, "month", "USD", stages,
                IntervalCoverageTest.DEFAULTS, "owner");
        assertThat(together.periods()).hasSize(12);
        for (int i = 0; i < periods.size(); i++) {
            Backtest.Result alone = Backtest.run(history, List.of(periods.get(i)), null, "month", "USD", stages,
                    IntervalCoverageTest.DEFAULTS, "owner");
            assertThat(together.periods().get(i)).as(periods.get(i).label()).isEqualTo(alone.periods().get(0));
        }
        Backtest.Result again = Backtest.run(history, periods, null, "month", "USD", stages,
                IntervalCoverageTest.DEFAULTS, "owner");
        assertThat(again).isEqualTo(together);
        // the interval was calibrated (else there would be little to share)
        assertThat(together.periods().get(11).p90()).isGreaterThan(together.periods().get(11).forecast());
    }
}
