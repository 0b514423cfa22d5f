package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The memo's keys and bounds (its exactness across changes is CalibrationCarryOverTest's). */
class CalibrationMemoTest {

    private static final ForecastModel.Settings SETTINGS = new ForecastModel.Settings(new WinModel.Settings(3, 1), 1,
            60, 2000, 7, 12, 4, true, true);
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<String> STAGES = List.of("MQL", "SQL");

    @Test
    void aPointIsMadeOnceWhateverTheSeedOrNumberOfSimulations() {
        CalibrationMemo memo = new CalibrationMemo();
        AtomicInteger made = new AtomicInteger();
        ForecastModel.Settings other = new ForecastModel.Settings(new WinModel.Settings(3, 1), 1, 60, 500, 99, 8, 2,
                true, true);
        for (ForecastModel.Settings s : List.of(SETTINGS, other, SETTINGS.uncalibrated())) {
            memo.point(new CalibrationMemo.Key("USD", STAGES, s, 90, T), () -> point(made));
        }
        assertThat(made.get()).isEqualTo(1);
        // what the point does depend on makes another
        memo.point(new CalibrationMemo.Key("USD", STAGES, SETTINGS.withSeasonality(false), 90, T),
                () -> point(made));
        memo.point(new CalibrationMemo.Key("EUR", STAGES, SETTINGS, 90, T), () -> point(made));
        memo.point(new CalibrationMemo.Key("USD", STAGES, SETTINGS, 30, T), () -> point(made));
        memo.point(new CalibrationMemo.Key("USD", STAGES, SETTINGS, 90, T.plusSeconds(1)), () -> point(made));
        assertThat(made.get()).isEqualTo(5);
    }

    @Test
    void questionsOverEverNewHorizonsCannotFillTheHeap() {
        CalibrationMemo memo = new CalibrationMemo();
        AtomicInteger made = new AtomicInteger();
        for (int i = 0; i < CalibrationMemo.MAX_POINTS + 10; i++) {
            memo.point(new CalibrationMemo.Key("USD", STAGES, SETTINGS, 1 + i / 1000.0, T), () -> point(made));
            assertThat(memo.size()).isLessThanOrEqualTo(CalibrationMemo.MAX_POINTS);
        }
        assertThat(memo.size()).isEqualTo(10);
    }

    @Test
    void aCarriedMemoKeepsOnlyPointsWhoseWindowEndedBeforeTheChange() {
        CalibrationMemo memo = new CalibrationMemo();
        AtomicInteger made = new AtomicInteger();
        memo.point(new CalibrationMemo.Key("USD", STAGES, SETTINGS, 10, T), () -> point(made));
        memo.point(new CalibrationMemo.Key("USD", STAGES, SETTINGS, 10, T.plusSeconds(86_400)), () -> point(made));
        // the first window ends at T + 10 days, the second a day later; a change at T + 11 days reaches the second
        CalibrationMemo kept = memo.carriedOver(Days.plus(T, 11));
        assertThat(kept.size()).isEqualTo(1);
        assertThat(memo.carriedOver(Days.plus(T, 10)).size()).as("a change at a window's very end reaches it").isZero();
        assertThat(memo.carriedOver(null)).isSameAs(memo);
        assertThat(memo.size()).as("the memo of the revision before is left as it was").isEqualTo(2);
    }

    private static CalibrationMemo.Point point(AtomicInteger made) {
        made.incrementAndGet();
        return new CalibrationMemo.Point(1, 1, 0, true);
    }
}
