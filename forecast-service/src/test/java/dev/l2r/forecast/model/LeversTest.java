package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The levers as {@link Levers} documents them, and their effect on the leads not created yet, on the pipeline of
 * {@link ForecastModelTest} with its 90-day arrival window: six arrivals (channel unset), each worth the average won
 * deal of 750, F_won 1/6 on [2, 5) and 23/48 from day 5 on. Over 6 days the open leads bring 781.25 and new leads
 * 6/90 · ∫_0^6 F_won = 6/90 · 47/48 wins.
 */
class LeversTest {

    static final double OPEN = 781.25;
    static final double NEW_WINS_6 = 6.0 / 90 * 47 / 48;

    @Test
    void eachLeverChangesWhatItNamesAndNothingElse() {
        Levers every = new Levers(0.5, null, 0, 0, 0, null);
        assertThat(every.conversionFactor("SQL")).isEqualTo(1.5);
        Levers sql = new Levers(0.5, "SQL", 0, 0, 0, null);
        assertThat(sql.conversionFactor("SQL")).isEqualTo(1.5);
        assertThat(sql.conversionFactor("OPPORTUNITY")).isEqualTo(1.0);
        // a 20% shorter cycle: the learned chance within h / 0.8 days
        assertThat(new Levers(0, null, 0, 0.2, 0, null).timeScale()).isCloseTo(1.25, within(1e-12));
        assertThat(Levers.NONE.timeScale()).isEqualTo(1.0);
        Levers web = new Levers(0, null, 0, 0, 1.0, "web");
        assertThat(web.arrivalsOf("web")).isEqualTo(2.0);
        assertThat(web.arrivalsOf("ads")).isEqualTo(1.0);
        assertThat(web.arrivalsOf(null)).isEqualTo(1.0);
        assertThat(new Levers(0, null, 0, 0, 1.0, null).arrivalsOf("ads")).isEqualTo(2.0);
        assertThat(Levers.NONE.arrivalsOf("web")).isEqualTo(1.0);
        assertThatThrownBy(() -> new Levers(0, null, 0, 1.0, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Levers(0, null, 0, 0.99, 0, null).timeScale()).isCloseTo(100, within(1e-9));
    }

    @Test
    void leversAddUpAndKeepTheFirstStageAndChannelNamed() {
        Levers sum = new Levers(0.1, "SQL", 0.2, 0.3, 0.4, null).plus(new Levers(0.05, "MQL", 0.1, 0.1, 0.1, "web"));
        assertThat(sum.conversion()).isCloseTo(0.15, within(1e-12));
        assertThat(sum.stage()).isEqualTo("SQL");
        assertThat(sum.dealSize()).isCloseTo(0.3, within(1e-12));
        assertThat(sum.cycle()).isCloseTo(0.4, within(1e-12));
        assertThat(sum.leads()).isCloseTo(0.5, within(1e-12));
        assertThat(sum.channel()).isEqualTo("web");
        assertThat(Levers.NONE.plus(new Levers(0, "MQL", 0, 0, 0, "ads")))
                .isEqualTo(new Levers(0, "MQL", 0, 0, 0, "ads"));
    }

    @Test
    void moreLeadsInTheirChannelScaleTheNewLeadsOnly() {
        ForecastModel model = ForecastModelTest.model(90, 100, 1);
        assertThat(model.expectedRevenueUnder(6, Levers.NONE)).isCloseTo(OPEN + NEW_WINS_6 * 750, within(0.006));
        // every channel, twice the rate: twice the new leads' revenue, the open leads' unchanged
        assertThat(model.expectedRevenueUnder(6, new Levers(0, null, 0, 0, 1.0, null)))
                .isCloseTo(OPEN + 2 * NEW_WINS_6 * 750, within(0.006));
        // the arrivals have no channel: more web leads change nothing
        assertThat(model.expectedRevenueUnder(6, new Levers(0, null, 0, 0, 1.0, "web")))
                .isCloseTo(OPEN + NEW_WINS_6 * 750, within(0.006));
        // bigger deals: everything × 1.1
        assertThat(model.expectedRevenueUnder(6, new Levers(0, null, 0.1, 0, 0, null)))
                .isCloseTo(1.1 * (OPEN + NEW_WINS_6 * 750), within(0.006));
    }

    /**
     * A cycle half as long: a new lead with h − s days left wins with F_won(2 (h − s)), so the expected wins are
     * λ ∫_0^{2h} F_won(u) du / 2 = 6/90 · (3 · 1/6 + 7 · 23/48) / 2 = 6/90 · 185/96 over 6 days. The open leads are
     * past every win's timing change: c (age 3) still 1/2, e (age 2) still 3/8.
     */
    @Test
    void aShorterCycleGivesNewLeadsMoreOfTheirWinCurveWithinTheHorizon() {
        ForecastModel model = ForecastModelTest.model(90, 100, 1);
        assertThat(model.expectedRevenueUnder(6, new Levers(0, null, 0, 0.5, 0, null)))
                .isCloseTo(OPEN + 6.0 / 90 * 185 / 96 * 750, within(0.006));
        // conversion +20% at OPPORTUNITY: every chance × 1.2, new leads' too
        assertThat(model.expectedRevenueUnder(6, new Levers(0.2, "OPPORTUNITY", 0, 0, 0, null)))
                .isCloseTo(1.2 * (OPEN + NEW_WINS_6 * 750), within(0.006));
        // a chance is at most 1: c's 1/2 × 3 is 1, e's 3/8 × 3 is 9/8, cut to 1; new leads' expected wins are not
        // probabilities and are not cut
        assertThat(model.expectedRevenueUnder(6, new Levers(2.0, null, 0, 0, 0, null)))
                .isCloseTo(1000 + 750 + 3 * NEW_WINS_6 * 750, within(0.006));
    }

    /**
     * More leads in one channel scale only that channel's arrivals, wherever they fall among the others alike in
     * stage and segment: on a generated pipeline (three channels drawn at random), the lever adds exactly what that
     * channel's arrivals in the window were expected to bring, each worked out by hand from the model's own curve and
     * values (each total is rounded to the cent).
     */
    @Test
    void moreLeadsInAChannelScaleOnlyThatChannelsArrivals() {
        History history = GeneratedPipeline.generate(5, 400, 8, 0, 0);
        java.time.Instant asOf = Days.plus(GeneratedPipeline.START, 380);
        ForecastModel model = ForecastModel.train(history, asOf, "USD", java.util.List.of(GeneratedPipeline.STAGE),
                new ForecastModel.Settings(new WinModel.Settings(30, 10), 5, 90, 100, 1, 0, 4));
        double ch1 = 0;
        int others = 0;
        for (Arrival a : history.asOf(asOf).arrivals()) {
            if (a.firstSeenAt().isBefore(Days.plus(asOf, -90))) {
                continue;
            }
            String segment = a.attributes().segment();
            if ("ch1".equals(a.attributes().channel())) {
                ch1 += model.winModel().cell(a.stage(), segment, 0).integratedWinFromEntry(30) / 90
                        * model.dealValues().averageFor(segment).mean();
            } else {
                others++;
            }
        }
        assertThat(ch1).isGreaterThan(0);
        assertThat(others).isGreaterThan(100);
        assertThat(model.expectedRevenueUnder(30, new Levers(0, null, 0, 0, 1.0, "ch1"))
                - model.expectedRevenueUnder(30, Levers.NONE)).isCloseTo(ch1, within(0.011));
    }
}
