package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time frames on the history of {@link BacktestTest}, as of just before day 110. Every lead is one stay in
 * OPPORTUNITY; those that had left it by then took a 2, b 3, d 5, c 7 (97 → 104) and f 8 days; e (in since 98) and
 * h (since 105) are still there. Nearest-rank p90 of five: the 5th, 8 days. e, 12 days in, is past it and is
 * expected to bring 0 in the next 10 days (older than every win, BacktestTest's p2); h, 5 days in, is not.
 */
class StageTimeFramesTest {

    static final Instant AS_OF = day(110).minusNanos(1000);

    @Test
    void theFrameIsTheP90OfTheTimeLeadsTookToLeaveTheStage() {
        assertThat(StageTimeFrames.of(BacktestTest.history().open(), AS_OF)).isEqualTo(Map.of("OPPORTUNITY", 8.0));
        // a year later every stay entered more than 365 days before: no frame
        assertThat(StageTimeFrames.of(BacktestTest.history().open(), day(500))).isEmpty();
    }

    @Test
    void theForecastCountsTheOpenLeadsPastTheFrameAndWhatTheyBring() {
        Forecast f = ForecastModel.train(BacktestTest.history(), AS_OF, "USD", List.of("OPPORTUNITY"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 100, 9, 0, 4)).forecast(10, null);
        Forecast.StageLine line = f.byStage().get(0);
        assertThat(line.openLeads()).isEqualTo(2);
        assertThat(line.timeFrameDays()).isEqualTo(8.0);
        assertThat(line.pastTimeFrame()).isEqualTo(1);
        assertThat(line.pastTimeFrameExpectedRevenue()).isEqualByComparingTo("0");
        // h alone brings the stage's 1000
        assertThat(line.expectedRevenue()).isEqualByComparingTo("1000");
    }
}
