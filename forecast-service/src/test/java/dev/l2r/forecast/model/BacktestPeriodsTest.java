package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The backtest's periods where they are not calendar ones, and a horizon shorter than the period, on the history of
 * {@link BacktestTest}.
 */
class BacktestPeriodsTest {

    @Test
    void periodsOffTheCalendarAreLabelledByTheirStart() {
        // quarters from May are not calendar quarters: labelled by date
        assertThat(Backtest.periods(Instant.parse("2017-05-01T00:00:00Z"), Instant.parse("2017-11-01T00:00:00Z"),
                "quarter")).extracting(Backtest.Period::label).containsExactly("2017-05-01", "2017-08-01");
        // a calendar quarter in the year's last quarter, and one from January
        assertThat(Backtest.periods(Instant.parse("2017-10-01T00:00:00Z"), Instant.parse("2018-04-01T00:00:00Z"),
                "quarter")).extracting(Backtest.Period::label).containsExactly("2017-Q4", "2018-Q1");
        // not at midnight: the instant itself, for months and weeks alike
        assertThat(Backtest.periods(Instant.parse("2017-04-01T12:00:00Z"), Instant.parse("2017-05-15T00:00:00Z"),
                "month")).extracting(Backtest.Period::label)
                .containsExactly("2017-04-01T12:00:00Z", "2017-05-01T12:00:00Z");
        assertThat(Backtest.periods(Instant.parse("2017-04-01T12:00:00Z"), Instant.parse("2017-04-08T12:00:00Z"),
                "week")).extracting(Backtest.Period::label).containsExactly("2017-04-01T12:00:00Z");
        // a range ending exactly at a period's end has no empty period after it
        List<Backtest.Period> two = Backtest.periods(Instant.parse("2017-04-01T00:00:00Z"),
                Instant.parse("2017-04-15T00:00:00Z"), "week");
        assertThat(two).hasSize(2);
        assertThat(two.get(1).end()).isEqualTo(Instant.parse("2017-04-15T00:00:00Z"));
        assertThat(Backtest.periods(Instant.parse("2017-04-15T00:00:00Z"), Instant.parse("2017-04-15T00:00:00Z"),
                "week")).isEmpty();
        assertThatThrownBy(() -> Backtest.periods(Instant.parse("2017-04-01T00:00:00Z"),
                Instant.parse("2017-05-01T00:00:00Z"), "day")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * p1 (day 100 to 110) forecast over 3 days rather than its 10: c (age 3−) still 1/3 of 1000, e (age 2−) now
     * F_won(5−) = 1/5 of 750: 483.33; nothing is won in the 3 days after day 100 (c wins on 104), so the period is
     * not scored, and says so.
     */
    @Test
    void aGivenHorizonReplacesThePeriodsLength() {
        Backtest.Result r = Backtest.run(BacktestTest.history(),
                List.of(new Backtest.Period("p1", day(100), day(110))), 3.0, "custom", "USD",
                List.of("OPPORTUNITY"), new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 50, 9, 0, 4));
        Backtest.Row row = r.periods().get(0);
        assertThat(row.horizonDays()).isEqualTo(3.0);
        assertThat(row.forecast().doubleValue()).isCloseTo(1000 / 3.0 + 150, within(0.006));
        assertThat(row.actual()).isEqualByComparingTo("0");
        assertThat(row.actualWonDeals()).isZero();
        assertThat(r.horizonDays()).isEqualTo(3.0);
        assertThat(r.periodsScored()).isZero();
        assertThat(r.mape()).isNull();
        assertThat(r.coverage()).isNull();
        assertThat(r.bias()).isNull();
        assertThat(r.note()).startsWith("1 period(s)");
        assertThat(r.from()).isEqualTo(day(100));
        assertThat(r.to()).isEqualTo(day(110));
        assertThat(row.asOf()).isEqualTo(day(100).minusNanos(1000));
    }

    @Test
    void noPeriodsNoScores() {
        Backtest.Result r = Backtest.run(BacktestTest.history(), List.of(), null, "month", "USD",
                List.of("OPPORTUNITY"), new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 50, 9, 0, 4));
        assertThat(r.periods()).isEmpty();
        assertThat(r.from()).isNull();
        assertThat(r.to()).isNull();
        assertThat(r.note()).isNull();
        assertThat(r.mape()).isNull();
    }
}
