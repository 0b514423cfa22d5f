package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static dev.l2r.events.funnel.StageOutcome.LOST;
import static dev.l2r.events.funnel.StageOutcome.NO_DECISION;
import static dev.l2r.events.funnel.StageOutcome.WON;
import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The leads of {@link ForecastModelTest}, followed further: c wins on day 104 (1000), e is lost on day 112, and h
 * enters on day 105 with 2000 and wins on day 115. Two 10-day periods from day 100 and day 110, each forecast from
 * just before its start (so c and e are a microsecond younger than 3 and 2 days).
 * <pre>
 * day 100−: spells 2−c(e) 2W 3−c(c) 3L 5W 8N: F_won(2) = 1/5, S(2) = 4/5, S(3) = 8/15, F_won(5) = 7/15
 *   c: (7/15 − 1/5) / (4/5) = 1/3 of 1000;  e: 7/15 of 750            → forecast 683.33, actual 1000
 *   run-rate: nothing won in the 10 days before → 0
 *   weighted pipeline: win rate 2/3 × (1000 + 750)                     → 1166.67
 * day 110−: spells 2W 3L 5−c(h) 5W 7W 8N 12−c(e): F_won(5−) = 1/7, S(5−) = 5/7, F_won(7) = 1/2, no win after
 *   h: (1/2 − 1/7) / (5/7) = 1/2 of 2000;  e: 0                         → forecast 1000, actual 2000
 *   run-rate: c's 1000; weighted pipeline: 3/4 × (2000 + 2500/3)         → 2125
 * </pre>
 */
class BacktestTest {

    static final LeadAttributes NONE = LeadAttributes.NONE;

    static History history() {
        List<OpenInterval> open = new ArrayList<>();
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        Object[][] leads = {
                {"a", 10.0, 12.0, WON, "600"}, {"b", 20.0, 23.0, LOST, null}, {"c", 97.0, 104.0, WON, "1000"},
                {"d", 30.0, 35.0, WON, "900"}, {"e", 98.0, 112.0, LOST, null}, {"f", 40.0, 48.0, NO_DECISION, null},
                {"h", 105.0, 115.0, WON, "2000"}};
        for (Object[] l : leads) {
            String id = (String) l[0];
            Instant entered = day((Double) l[1]);
            Instant closed = day((Double) l[2]);
            BigDecimal amount = l[4] == null ? null : new BigDecimal((String) l[4]);
            // the amount of a deal won later was known from the start
            open.add(new OpenInterval(new OpenLead(id, "OPPORTUNITY", entered, amount, amount == null ? null : "USD",
                    NONE), entered, closed));
            spells.add(new Spell(id, "OPPORTUNITY", entered, closed, (StageOutcome) l[3], NONE));
            closes.add(new Close(id, closed, (StageOutcome) l[3], amount, amount == null ? null : "USD", NONE, entered));
            arrivals.add(new Arrival(id, entered, "OPPORTUNITY", NONE));
        }
        return new History(open, spells, closes, arrivals);
    }

    @Test
    void eachPeriodIsForecastFromWhatWasKnownBeforeItAndScoredWithTheBaselines() {
        List<Backtest.Period> periods = List.of(new Backtest.Period("p1", day(100), day(110)),
                new Backtest.Period("p2", day(110), day(120)));
        Backtest.Result r = Backtest.run(history(), periods, null, "custom", "USD", List.of("OPPORTUNITY"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 2000, 9, 0, 4));
        Backtest.Row p1 = r.periods().get(0);
        assertThat(p1.forecast().doubleValue()).isCloseTo(1000.0 / 3 + 750 * 7.0 / 15, within(0.006));
        assertThat(p1.actual()).isEqualByComparingTo("1000");
        assertThat(p1.actualWonDeals()).isEqualTo(1);
        assertThat(p1.runRate()).isEqualByComparingTo("0");
        assertThat(p1.weightedPipeline().doubleValue()).isCloseTo(1750 * 2.0 / 3, within(0.006));
        assertThat(p1.openLeads()).isEqualTo(2);
        assertThat(p1.horizonDays()).isEqualTo(10.0);

        Backtest.Row p2 = r.periods().get(1);
        assertThat(p2.forecast()).isEqualByComparingTo("1000");
        assertThat(p2.actual()).isEqualByComparingTo("2000");
        assertThat(p2.runRate()).isEqualByComparingTo("1000");
        assertThat(p2.weightedPipeline().doubleValue()).isCloseTo(0.75 * (2000 + 2500.0 / 3), within(0.006));

        // MAPE: model (0.31667 + 0.5) / 2, run-rate (1 + 0.5) / 2, weighted pipeline (0.16667 + 0.0625) / 2
        assertThat(r.mape()).isCloseTo((1 - 683.33 / 1000 + 0.5) / 2, within(1e-5));
        assertThat(r.baselines()).extracting(Backtest.Baseline::name)
                .containsExactly(Backtest.RUN_RATE, Backtest.WEIGHTED_PIPELINE);
        assertThat(r.baselines().get(0).mape()).isEqualTo(0.75);
        assertThat(r.baselines().get(1).mape()).isCloseTo((0.166667 + 0.0625) / 2, within(1e-5));
        assertThat(r.periodsScored()).isEqualTo(2);
        assertThat(r.coverage()).isBetween(0.0, 1.0);
    }

    /**
     * Coverage is the share of scored periods whose actual lies inside that period's own P10–P90 band, ends
     * included; worked out here from each row's band and actual, not from the row's flag. Four 10-day periods from
     * day 96: the first has nothing won (left out), and among the three scored some actuals fall inside their band
     * and some outside, so an inverted test, a coverage that is always 1 or one that counts unscored periods all
     * give another number.
     */
    @Test
    void coverageIsTheShareOfScoredPeriodsWhoseActualLiesInsideItsOwnBand() {
        List<Backtest.Period> periods = List.of(new Backtest.Period("p0", day(86), day(96)),
                new Backtest.Period("p1", day(100), day(110)), new Backtest.Period("p2", day(110), day(120)),
                new Backtest.Period("p3", day(103), day(113)));
        Backtest.Result r = Backtest.run(history(), periods, null, "custom", "USD", List.of("OPPORTUNITY"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 2000, 9, 0, 4));
        int inside = 0;
        int scored = 0;
        for (Backtest.Row row : r.periods()) {
            boolean within = row.p10().compareTo(row.actual()) <= 0 && row.actual().compareTo(row.p90()) <= 0;
            assertThat(row.withinInterval()).as(row.period()).isEqualTo(within);
            if (row.actual().signum() > 0) {
                scored++;
                inside += within ? 1 : 0;
            }
        }
        assertThat(scored).isEqualTo(3);
        assertThat(inside).as("the data must put actuals both inside and outside their bands").isBetween(1, 2);
        assertThat(r.periodsScored()).isEqualTo(scored);
        assertThat(r.coverage()).isEqualTo(Math.round(10_000.0 * inside / scored) / 10_000.0);
    }

    /**
     * As of day 120 with a 10-day horizon, calibration looks back at days 110, 103 and 96. On day 110 h (5 days in,
     * worth 2000) wins within 10 days with (F_won(15) − F_won(5)) / S(5) = (10/21 − 6/21) / (4/7) = 1/3 and e
     * (12 days, older than every win) with 0: forecast 666.67 against h's actual 2000, a ratio of 3. On day 103 c
     * and e are older than all wins but one lead that is still open, so the forecast is 0 and gives no ratio; on day
     * 96 nothing is open. The simulation uses the ratios divided by their median.
     */
    @Test
    void theIntervalIsCalibratedOnTheModelsOwnPastRatios() {
        ForecastModel.Settings three = new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 100, 9, 3, 1);
        ForecastModel model = ForecastModel.train(history(), day(120), "USD", List.of("OPPORTUNITY"), three);
        assertThat(model.calibrationRatios(10)).hasSize(1);
        // the forecast is rounded to the cent: 2000 / 666.67
        assertThat(model.calibrationRatios(10)[0]).isCloseTo(3.0, within(1e-4));
        Forecast f = model.forecast(10, null);
        assertThat(f.model().intervalCalibrationRatios()).containsExactly(3.0);
        assertThat(ForecastModel.centred(new double[]{3, 0.5, 1.5})).containsExactly(2, 1.0 / 3, 1);
        assertThat(f.model().interval()).isEqualTo(ForecastModel.CALIBRATED);

        ForecastModel.Settings needTwo = new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 100, 9, 3, 2);
        Forecast plain = ForecastModel.train(history(), day(120), "USD", List.of("OPPORTUNITY"), needTwo)
                .forecast(10, null);
        assertThat(plain.model().intervalCalibrationRatios()).isEmpty();
        assertThat(plain.model().interval()).isEqualTo(ForecastModel.SIMULATED);
    }

    @Test
    void periodsWithoutRevenueAreLeftOutOfMapeAndSaidSo() {
        List<Backtest.Period> periods = List.of(new Backtest.Period("quiet", day(60), day(70)),
                new Backtest.Period("p1", day(100), day(110)));
        Backtest.Result r = Backtest.run(history(), periods, null, "custom", "USD", List.of("OPPORTUNITY"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 100, 9, 0, 4));
        assertThat(r.periodsScored()).isEqualTo(1);
        assertThat(r.note()).contains("1 period");
        assertThat(r.mape()).isCloseTo(1 - 683.33 / 1000, within(1e-5));
    }

    @Test
    void monthsQuartersAndWeeksAreLabelledByTheirCalendarNames() {
        Instant from = Instant.parse("2017-04-01T00:00:00Z");
        assertThat(Backtest.periods(from, Instant.parse("2017-07-01T00:00:00Z"), "month"))
                .extracting(Backtest.Period::label).containsExactly("2017-04", "2017-05", "2017-06");
        assertThat(Backtest.periods(from, Instant.parse("2018-01-01T00:00:00Z"), "quarter"))
                .extracting(Backtest.Period::label).containsExactly("2017-Q2", "2017-Q3", "2017-Q4");
        List<Backtest.Period> weeks = Backtest.periods(from, Instant.parse("2017-04-20T00:00:00Z"), "week");
        assertThat(weeks).extracting(Backtest.Period::label).containsExactly("2017-04-01", "2017-04-08", "2017-04-15");
        // the last period is cut at the end of the range
        assertThat(weeks.get(2).end()).isEqualTo(Instant.parse("2017-04-20T00:00:00Z"));
        assertThat(Backtest.periods(Instant.parse("2017-04-15T00:00:00Z"), Instant.parse("2017-05-15T00:00:00Z"),
                "month")).extracting(Backtest.Period::label).containsExactly("2017-04-15");
    }

    @Test
    void aBoundedRangeOfPeriodsStopsOnePastTheBound() {
        // ten thousand years of weeks would be 521,775 periods; the check needs only to see that there are more
        List<Backtest.Period> weeks = Backtest.periods(Instant.parse("1583-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T00:00:00Z"), "week", 120);
        assertThat(weeks).hasSize(121);
        assertThat(weeks.get(120).start()).isEqualTo(Instant.parse("1583-01-01T00:00:00Z").plus(840, ChronoUnit.DAYS));
        assertThat(Backtest.periods(Instant.parse("2017-04-01T00:00:00Z"), Instant.parse("2017-07-01T00:00:00Z"),
                "month", 120)).hasSize(3);
    }
}
