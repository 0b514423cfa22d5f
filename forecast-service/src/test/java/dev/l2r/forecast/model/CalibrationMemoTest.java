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

    /**
     * A backtest's months of 30 and 31 days ask the same origins: made together, the points over both come from one
     * model per origin, and each is the point made alone.
     */
    @Test
    void pointsMadeTogetherAreThoseMadeAlone() {
        History history = GeneratedPipeline.generate(3, 730, 8, 0, 0.3);
        List<String> stages = List.of(GeneratedPipeline.STAGE);
        ForecastModel.Settings settings = new ForecastModel.Settings(new WinModel.Settings(30, 10), 5, 90, 2000, 7,
                12, 4, true);
        Instant asOf = Instant.parse("2021-09-30T23:59:59.999999Z");
        CalibrationMemo memo = new CalibrationMemo();
        CalibrationMemo together = memo.makingTogether(List.of(30.0, 31.0));
        Forecast october = ForecastModel.train(history, asOf, "USD", stages, settings, together).forecast(31, null);
        int made = memo.size();
        Forecast thirty = ForecastModel.train(history, asOf, "USD", stages, settings, together).forecast(30, null);
        assertThat(october.model().intervalCalibrationRatios()).hasSize(12);
        assertThat(made).isEqualTo(2 * 12);
        // 30 days from Aug 31 end by Sep 30, 31 do not: the 30-day question's newest origin is a month later than the
        // 31-day one's, and its other eleven were made
        assertThat(memo.size()).as("the 30-day question found eleven of its points made").isEqualTo(made + 2);
        for (double h : List.of(30.0, 31.0)) {
            Forecast alone = ForecastModel.train(history, asOf, "USD", stages, settings).forecast(h, null);
            Forecast shared = h == 30 ? thirty : october;
            assertThat(shared.model().intervalCalibrationRatios()).isEqualTo(alone.model().intervalCalibrationRatios());
            assertThat(shared.p10()).isEqualTo(alone.p10());
            assertThat(shared.p90()).isEqualTo(alone.p90());
        }
    }
}
