package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The quarter's calendar on hand-counted wins. Two complete quarters, 2030 Q1 (Jan 31 days, Feb 28, Mar 31: 90)
 * and Q2 (Apr 30, May 31, Jun 30: 91):
 * <pre>
 * Q1 wins 10, 10, 70 (90 in 90 days, 1 a day): factors 10/31, 10/28, 70/31          = 0.322581, 0.357143, 2.258065
 * Q2 wins 20, 20, 50 (90 in 91 days):          factors 20/30, 20/31, 50/30 over 90/91 = 0.674074, 0.652330, 1.685185
 * mean:                                                                             0.498328, 0.504737, 1.971625
 * pooled 30, 30, 120 over 61, 59, 61 days of 181: expected 60.663, 58.674, 60.663;
 *   chi-square 15.499 + 14.013 + 58.040 = 87.552 > 5.991: used
 * </pre>
 */
class SeasonalityTest {

    static Instant at(String date) {
        return Instant.parse(date + "T12:00:00Z");
    }

    static List<Close> wins(int[] counts, String... months) {
        List<Close> closes = new ArrayList<>();
        for (int m = 0; m < months.length; m++) {
            for (int i = 0; i < counts[m]; i++) {
                closes.add(new Close("w" + m + "-" + i, at(months[m] + "-10"), StageOutcome.WON, BigDecimal.TEN,
                        "USD", LeadAttributes.NONE, null));
            }
        }
        return closes;
    }

    static final String[] HALF_YEAR = {"2030-01", "2030-02", "2030-03", "2030-04", "2030-05", "2030-06"};

    @Test
    void factorsAreEachMonthsWinsPerDayOverItsQuartersAveragedOverCompleteQuarters() {
        Seasonality s = Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, HALF_YEAR),
                Instant.parse("2030-07-01T00:00:00Z"), "USD");
        assertThat(s.used()).isTrue();
        Seasonality.Info info = s.info(Instant.parse("2030-07-01T00:00:00Z"), 31);
        assertThat(info.completeQuarters()).isEqualTo(2);
        assertThat(info.monthOfQuarterFactors().get(0)).isCloseTo(0.498328, within(1e-4));
        assertThat(info.monthOfQuarterFactors().get(1)).isCloseTo(0.504737, within(1e-4));
        assertThat(info.monthOfQuarterFactors().get(2)).isCloseTo(1.971625, within(1e-4));
        assertThat(info.chiSquare()).isCloseTo(87.552, within(0.001));
        // July (month 1 of Q3): 31 days at 0.498328
        assertThat(s.factor(Instant.parse("2030-07-01T00:00:00Z"), 31)).isCloseTo(0.498328, within(1e-6));
        // 10 days of August, then 10 of September: the average of the two months' factors
        assertThat(s.factor(Instant.parse("2030-08-22T00:00:00Z"), 20))
                .isCloseTo((0.504737 + 1.971625) / 2, within(1e-6));
    }

    @Test
    void aQuarterEndedByTheBacktestsMomentJustBeforeMidnightCounts() {
        Instant justBefore = Instant.parse("2030-07-01T00:00:00Z").minusNanos(1000);
        assertThat(Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, HALF_YEAR), justBefore, "USD")
                .used()).isTrue();
        // a day earlier, Q2 has not ended: one complete quarter is not enough
        Seasonality early = Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, HALF_YEAR),
                Instant.parse("2030-06-30T00:00:00Z"), "USD");
        assertThat(early.used()).isFalse();
        assertThat(early.info(justBefore, 30).reason()).contains("1 complete quarter").contains("at least 2");
        assertThat(early.factor(justBefore, 30)).isEqualTo(1.0);
    }

    @Test
    void monthsThatDifferNoMoreThanChanceLeaveTheForecastAlone() {
        // 30 wins a month, whatever its length: pooled 60, 60, 60 over 61, 59, 61 days; chi-square 0.044
        Seasonality flat = Seasonality.learn(wins(new int[]{30, 30, 30, 30, 30, 30}, HALF_YEAR),
                Instant.parse("2030-07-01T00:00:00Z"), "USD");
        assertThat(flat.used()).isFalse();
        assertThat(flat.info(Instant.parse("2030-07-01T00:00:00Z"), 30).chiSquare()).isCloseTo(0.044, within(0.001));
        assertThat(flat.factor(Instant.parse("2030-07-01T00:00:00Z"), 30)).isEqualTo(1.0);
        // wins in another currency are not counted: none to learn from
        assertThat(Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, HALF_YEAR),
                Instant.parse("2030-07-01T00:00:00Z"), "EUR").used()).isFalse();
    }

    @Test
    void switchedOffOrUnusedTheForecastIsTheOneWithoutIt() {
        History g = GeneratedPipeline.generate(5, 120, 8, 0, 0);
        Instant asOf = Days.plus(GeneratedPipeline.START, 120);
        ForecastModel.Settings off = IntervalCoverageTest.DEFAULTS.withSeasonality(false);
        Forecast without = ForecastModel.train(g, asOf, "USD", List.of("OPPORTUNITY"), off).forecast(30, null);
        // 120 days of history hold one complete quarter: auto switches it off, and says why
        Forecast auto = ForecastModel.train(g, asOf, "USD", List.of("OPPORTUNITY"), off.withSeasonality(true))
                .forecast(30, null);
        assertThat(auto.expectedRevenue()).isEqualByComparingTo(without.expectedRevenue());
        assertThat(auto.p10()).isEqualByComparingTo(without.p10());
        assertThat(auto.p90()).isEqualByComparingTo(without.p90());
        assertThat(auto.model().seasonality().used()).isFalse();
        assertThat(auto.model().seasonality().mode()).isEqualTo("auto");
        assertThat(auto.model().seasonality().reason()).contains("at least 2");
        assertThat(without.model().seasonality().mode()).isEqualTo("off");
    }

    /**
     * Generated pipelines where half the wins due in a quarter's first two months slip into its last month: the
     * truth is factors of about 0.5, 0.5 and 2. With the calendar the monthly backtest's MAPE is far lower.
     */
    @Test
    @Tag("slow")
    void onPipelinesWithQuarterEndPeaksTheCalendarIsLearnedAndHelps() {
        for (long seed = 1; seed <= 3; seed++) {
            History g = GeneratedPipeline.generate(seed, 730, 8, 0, 0.5);
            Instant asOf = Instant.parse("2021-10-01T00:00:00Z");
            Seasonality.Info info = ForecastModel.train(g, asOf, "USD", List.of("OPPORTUNITY"),
                    IntervalCoverageTest.DEFAULTS).forecast(31, null).model().seasonality();
            assertThat(info.used()).isTrue();
            assertThat(info.monthOfQuarterFactors().get(0)).isBetween(0.35, 0.65);
            assertThat(info.monthOfQuarterFactors().get(1)).isBetween(0.35, 0.65);
            assertThat(info.monthOfQuarterFactors().get(2)).isBetween(1.7, 2.3);
            assertThat(info.horizonFactor()).isEqualTo(info.monthOfQuarterFactors().get(0));

            List<Backtest.Period> months = Backtest.periods(Instant.parse("2021-01-01T00:00:00Z"),
                    Instant.parse("2022-01-01T00:00:00Z"), "month");
            Backtest.Result with = Backtest.run(g, months, null, "month", "USD", List.of("OPPORTUNITY"),
                    IntervalCoverageTest.DEFAULTS);
            Backtest.Result without = Backtest.run(g, months, null, "month", "USD", List.of("OPPORTUNITY"),
                    IntervalCoverageTest.DEFAULTS.withSeasonality(false));
            assertThat(with.mape()).as("seed %d", seed).isLessThan(without.mape() / 2);
        }
    }

    /**
     * A quarter without a win says nothing about the months' shares and is skipped: Q1 (10, 10, 70) and Q3 (20, 20,
     * 50 over Jul 31, Aug 31, Sep 30: 90 wins in 92 days) with Q2 empty, as of October:
     * <pre>
     * Q3 factors 20/31, 20/31, 50/30 over 90/92 = 0.659498, 0.659498, 1.703704
     * mean with Q1's 0.322581, 0.357143, 2.258065 = 0.491039, 0.508321, 1.980884
     * pooled 30, 30, 120 over 62, 59, 61 days of 182: chi-square 88.790
     * </pre>
     */
    @Test
    void aQuarterWithoutWinsIsLeftOutOfTheFactors() {
        Seasonality s = Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, "2030-01", "2030-02", "2030-03",
                "2030-07", "2030-08", "2030-09"), Instant.parse("2030-10-01T00:00:00Z"), "USD");
        Seasonality.Info info = s.info(Instant.parse("2030-10-01T00:00:00Z"), 31);
        assertThat(info.used()).isTrue();
        assertThat(info.completeQuarters()).isEqualTo(2);
        assertThat(info.monthOfQuarterFactors()).containsExactly(0.491, 0.5083, 1.9809);
        assertThat(info.chiSquare()).isCloseTo(88.790, within(0.001));
        // October is the first month of its quarter; a horizon of nothing is not scaled
        assertThat(info.horizonFactor()).isEqualTo(0.491);
        assertThat(s.factor(Instant.parse("2030-10-01T00:00:00Z"), 0)).isEqualTo(1.0);

        // as of July the same wins hold two complete quarters, of which only Q1 has any: not enough
        Seasonality early = Seasonality.learn(wins(new int[]{10, 10, 70}, "2030-01", "2030-02", "2030-03"),
                Instant.parse("2030-07-01T00:00:00Z"), "USD");
        assertThat(early.used()).isFalse();
        Seasonality.Info earlyInfo = early.info(Instant.parse("2030-07-01T00:00:00Z"), 31);
        assertThat(earlyInfo.completeQuarters()).isEqualTo(2);
        assertThat(earlyInfo.reason()).isEqualTo("fewer than 2 complete quarters with wins");
        assertThat(earlyInfo.monthOfQuarterFactors()).isNull();
        assertThat(earlyInfo.horizonFactor()).isNull();
        assertThat(earlyInfo.chiSquare()).isNull();
        assertThat(earlyInfo.mode()).isEqualTo("auto");
    }

    @Test
    void quartersCountFromTheFirstWholeQuarterAfterTheFirstWinAndWinsAfterAsOfAreUnknown() {
        // wins from February: Q1 began before the first win, so as of August only Q2 is complete (not Feb-Apr and
        // May-Jul)
        Seasonality fromFebruary = Seasonality.learn(wins(new int[]{10, 70, 20, 20, 50, 30}, "2030-02", "2030-03",
                "2030-04", "2030-05", "2030-06", "2030-07"), Instant.parse("2030-08-01T00:00:00Z"), "USD");
        assertThat(fromFebruary.used()).isFalse();
        assertThat(fromFebruary.info(Instant.parse("2030-08-01T00:00:00Z"), 31).reason())
                .startsWith("1 complete quarter(s)");
        // from March: Q2 is the first whole quarter, complete by July
        assertThat(Seasonality.learn(wins(new int[]{70, 20, 20, 50}, "2030-03", "2030-04", "2030-05", "2030-06"),
                Instant.parse("2030-07-01T00:00:00Z"), "USD").info(Instant.parse("2030-07-01T00:00:00Z"), 31)
                .reason()).startsWith("1 complete quarter(s)");
        // as of mid-June only Q1 has ended
        assertThat(Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, HALF_YEAR),
                Instant.parse("2030-06-10T12:00:00Z"), "USD").info(Instant.parse("2030-06-10T12:00:00Z"), 1)
                .completeQuarters()).isEqualTo(1);
        // wins after asOf are not known yet
        assertThat(Seasonality.learn(wins(new int[]{10, 10, 70, 20, 20, 50}, HALF_YEAR),
                Instant.parse("2030-01-10T12:00:00Z"), "USD").info(Instant.parse("2030-01-10T12:00:00Z"), 1)
                .reason()).isEqualTo("no won deal to learn from");
        assertThat(Seasonality.learn(List.of(), Instant.parse("2030-07-01T00:00:00Z"), "USD")
                .info(Instant.parse("2030-07-01T00:00:00Z"), 1).reason()).isEqualTo("no won deal to learn from");

        Seasonality.Info off = Seasonality.off().info(Instant.parse("2030-07-01T00:00:00Z"), 31);
        assertThat(off.used()).isFalse();
        assertThat(off.mode()).isEqualTo("off");
        assertThat(off.completeQuarters()).isZero();
        assertThat(off.monthOfQuarterFactors()).isNull();
        assertThat(Seasonality.off().factor(Instant.parse("2030-07-01T00:00:00Z"), 31)).isEqualTo(1.0);
    }
}
