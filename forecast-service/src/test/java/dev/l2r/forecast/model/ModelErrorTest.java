package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The interval's model error worked by hand. Cells need 100 closed spells, so every lead wins with its stage's flat
 * share of closed spells won, whatever the horizon. a (won 100) and b (lost) close on day 1; x (1000) enters on day
 * 80 and wins on 85, x2 (1000) enters on 84 and wins on 86; y (1000) enters on 88 and is lost on 95, z (600)
 * enters on 89 and wins on 96; q (1000) enters on 99. As of day 100, 10 days ahead, the calibration looks back at
 * day 90, day 83 and day 76 (step max(7, 10/4) = 7):
 * <pre>
 *   day 83: rate 1/2, open x: forecast 500, won in (83, 93] x + x2 = 2000, ratio 4;
 *           luck: variance 1/2 · 1/2 · 1000² over 500² = 1
 *   day 90: rate 3/4, open y, z: forecast 3/4 · 1600 = 1200, won in (90, 100] z's 600, ratio 0.5;
 *           luck: 3/4 · 1/4 · (1000² + 600²) over 1200² = 0.177083
 *   day 76: nothing open, forecast 0: no ratio (though x and x2 win 2000 after it)
 *   mean square log ratio (ln² 4 + ln² 0.5) / 2 = 1.201133; luck as log variance (ln 2 + ln 1.177083) / 2 = 0.428093
 *   two windows 7 days apart over 10 days: 1 + 0.7 = 1.7 independent errors
 *   model error √((1.201133 − 0.428093) · (1 + 1 / 1.7)) = 1.108047
 * </pre>
 */
class ModelErrorTest {

    static History history() {
        return history(new Object[0][]);
    }

    static History history(Object[][] more) {
        List<OpenInterval> open = new ArrayList<>();
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        Object[][] leads = {
                {"a", 0.0, 1.0, StageOutcome.WON, "100"}, {"b", 0.0, 1.0, StageOutcome.LOST, "100"},
                {"x", 80.0, 85.0, StageOutcome.WON, "1000"}, {"x2", 84.0, 86.0, StageOutcome.WON, "1000"},
                {"y", 88.0, 95.0, StageOutcome.LOST, "1000"}, {"z", 89.0, 96.0, StageOutcome.WON, "600"},
                {"q", 99.0, null, null, "1000"}};
        List<Object[]> all = new ArrayList<>(List.of(leads));
        all.addAll(List.of(more));
        for (Object[] l : all) {
            String id = (String) l[0];
            BigDecimal amount = new BigDecimal((String) l[4]);
            java.time.Instant in = day((Double) l[1]);
            java.time.Instant out = l[2] == null ? null : day((Double) l[2]);
            open.add(new OpenInterval(new OpenLead(id, "S", in, amount, "USD", LeadAttributes.NONE), in, out));
            spells.add(new Spell(id, "S", in, out, (StageOutcome) l[3], LeadAttributes.NONE));
            if (out != null) {
                closes.add(new Close(id, out, (StageOutcome) l[3], amount, "USD", LeadAttributes.NONE, in));
            }
            arrivals.add(new Arrival(id, in, "S", LeadAttributes.NONE));
        }
        return new History(open, spells, closes, arrivals);
    }

    static ForecastModel model(int minRatios) {
        return ForecastModel.train(history(), day(100), "USD", List.of("S"),
                new ForecastModel.Settings(new WinModel.Settings(100, 1), 1, 0.5, 200, 4, 3, minRatios));
    }

    @Test
    void theModelErrorIsTheLogRatiosSpreadLessTheLuckWidenedForFewWindows() {
        ForecastModel model = model(2);
        assertThat(model.calibrationRatios(10)).containsExactly(0.5, 4.0);
        // deal values come from won deals only: a, x, x2, z, not the lost b and y
        assertThat(model.dealValues().wonDeals()).isEqualTo(4);
        assertThat(model.dealValues().overall().mean()).isEqualTo(675.0);
        assertThat(model.modelError(10)).isCloseTo(1.108047, within(1e-6));
        Forecast f = model.forecast(10, null);
        // q wins with the rate as of day 100, 4 of 6 closed spells
        assertThat(f.expectedRevenue()).isEqualByComparingTo("666.67");
        assertThat(f.model().interval()).isEqualTo(ForecastModel.CALIBRATED);
        assertThat(f.model().intervalCalibrationRatios()).containsExactly(0.5, 4.0);
        assertThat(f.model().intervalModelError()).isEqualTo(1.108);
        // the simulation alone can only give 0 or 1000; the model's error spreads the wins out
        assertThat(f.p90().doubleValue()).isGreaterThan(1000);
        assertThat(java.util.Arrays.stream(f.simulated()).filter(t -> t > 0 && t != 1000).count()).isPositive();
    }

    @Test
    void fewerRatiosThanRequiredLeaveTheSimulationAlone() {
        ForecastModel model = model(3);
        assertThat(model.calibrationRatios(10)).isEmpty();
        assertThat(model.modelError(10)).isZero();
        Forecast f = model.forecast(10, null);
        assertThat(f.model().interval()).isEqualTo(ForecastModel.SIMULATED);
        assertThat(f.model().intervalModelError()).isNull();
        assertThat(f.simulated()).containsOnly(0.0, 1000.0);
    }

    /** A ratio from one window says nothing about the spread: no model error, though the ratio is shown. */
    @Test
    void oneRatioGivesNoModelError() {
        ForecastModel one = ForecastModel.train(history(), day(100), "USD", List.of("S"),
                new ForecastModel.Settings(new WinModel.Settings(100, 1), 1, 0.5, 200, 4, 1, 1));
        assertThat(one.calibrationRatios(10)).containsExactly(0.5);
        assertThat(one.modelError(10)).isZero();
    }

    /**
     * The stage's time frame as of day 100: the stays that ended (a 1, b 1, x 5, x2 2, y 7, z 7 days) have 7 as
     * nearest-rank p90. With two more leads in S, "edge" (150) in since day 93 and "old" (300) since day 91, edge is
     * exactly at the frame and not past it, old (9 days) is, and brings 2/3 of 300.
     */
    @Test
    void aLeadIsPastItsStagesTimeFrameOnlyWhenOlderThanIt() {
        History h = history(new Object[][]{{"edge", 93.0, null, null, "150"}, {"old", 91.0, null, null, "300"}});
        Forecast f = ForecastModel.train(h, day(100), "USD", List.of("S"),
                new ForecastModel.Settings(new WinModel.Settings(100, 1), 1, 0.5, 10, 4, 0, 2)).forecast(10, null);
        Forecast.StageLine s = f.byStage().get(0);
        assertThat(s.timeFrameDays()).isEqualTo(7.0);
        assertThat(s.openLeads()).isEqualTo(3);
        assertThat(s.pastTimeFrame()).isEqualTo(1);
        assertThat(s.pastTimeFrameExpectedRevenue()).isEqualByComparingTo("200");
        assertThat(s.expectedRevenue().doubleValue()).isCloseTo(2 / 3.0 * 1450, within(0.006));
    }
}
