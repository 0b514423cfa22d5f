package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static dev.l2r.forecast.model.ForecastModelTest.AS_OF;
import static dev.l2r.forecast.model.ForecastModelTest.STAGES;
import static dev.l2r.forecast.model.ForecastModelTest.day;
import static dev.l2r.forecast.model.ForecastModelTest.history;
import static dev.l2r.forecast.model.ForecastModelTest.segment;
import static dev.l2r.forecast.model.ForecastModelTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The pipeline of {@link ForecastModelTest} (over 3 days: c wins with 1/2 for 1000, e with 3/8 for a draw from the
 * won deals 600 and 900), read for what the answer says beside its total.
 */
class ForecastBreakdownTest {

    /**
     * The luck of the draw, exactly: a lead winning with p a value V adds p E[V²] − p² E[V]². c: 1/2 · 1000² − 1/4 ·
     * 1000² = 250,000; e: 3/8 · (600² + 900²) / 2 − 9/64 · 750² = 219,375 − 79,101.5625. New leads are a Poisson
     * number of wins: their expected wins × E[V²].
     */
    @Test
    void theOutcomeVarianceIsTheExactVarianceOfTheSimulatedTotal() {
        assertThat(ForecastModelTest.model(0.5, 10, 1).outcomeVariance(3)).isCloseTo(250_000 + 140_273.4375,
                within(1e-6));
        // with the 90-day window, over 6 days: the same two leads (c 1/2, e 3/8) and 6/90 · 47/48 wins of E[V²]
        assertThat(ForecastModelTest.model(90, 10, 1).outcomeVariance(6))
                .isCloseTo(250_000 + 140_273.4375 + 6.0 / 90 * 47 / 48 * 585_000, within(1e-6));
    }

    @Test
    void stagesOutsideTheFunnelOrderComeAfterItAlphabeticallyAndKnowNothing() {
        OpenLead zed = new OpenLead("z", "ZED", day(99), new BigDecimal("100"), "USD", segment(null));
        OpenLead neg = new OpenLead("n", "NEGOTIATION", day(99), new BigDecimal("200"), "USD", segment(null));
        Forecast f = ForecastModel.train(history(List.of(zed, neg)), AS_OF, "USD", STAGES, settings(0.5, 10, 1))
                .forecast(3, null);
        assertThat(f.byStage()).extracting(Forecast.StageLine::stage)
                .containsExactly("MQL", "SQL", "OPPORTUNITY", "NEGOTIATION", "ZED");
        Forecast.StageLine negotiation = f.byStage().get(3);
        assertThat(negotiation.openLeads()).isEqualTo(1);
        assertThat(negotiation.pipelineValue()).isEqualByComparingTo("200");
        assertThat(negotiation.expectedRevenue()).isEqualByComparingTo("0");
        assertThat(negotiation.meanWinProbability()).isEqualTo(0.0);
        assertThat(negotiation.levels()).isEqualTo(Map.of(WinModel.Level.NO_HISTORY, 1));
        assertThat(f.byStage().get(0).meanWinProbability()).isNull();
        assertThat(f.model().levels()).isEqualTo(Map.of(WinModel.Level.ALL_SEGMENTS, 2,
                WinModel.Level.NO_HISTORY, 2));
        assertThat(f.expectedRevenue()).isEqualByComparingTo("781.25");
        assertThat(f.model().values()).isEqualTo(Map.of(DealValues.Source.AMOUNT, 3,
                DealValues.Source.OVERALL_AVERAGE, 1));
        assertThat(f.model().trainedSpells()).isEqualTo(6);
        // c and e are younger than spells that lasted longer (5 and 8 days): no thin tail; the new stages have none
        assertThat(f.model().thinTail()).isZero();
        assertThat(f.model().wonDealsForValues()).isEqualTo(2);
        assertThat(f.model().interval()).isEqualTo(ForecastModel.SIMULATED);
        assertThat(f.model().intervalModelError()).isNull();
        assertThat(f.model().simulations()).isEqualTo(10);
        assertThat(f.model().seed()).isEqualTo(1);
    }

    @Test
    void theExpectationAloneHasNoInterval() {
        ForecastModel model = ForecastModelTest.model(0.5, 10, 1);
        Forecast e = model.expectation(3, "segment");
        assertThat(e.expectedRevenue()).isEqualByComparingTo("781.25");
        assertThat(e.p10()).isNull();
        assertThat(e.p50()).isNull();
        assertThat(e.p90()).isNull();
        assertThat(e.byStage().get(2).p10()).isNull();
        assertThat(e.groups().get(0).p50()).isNull();
        assertThat(e.simulated()).isNull();
        assertThat(model.forecast(3, null).p50()).isNotNull();
        assertThatThrownBy(() -> settings(0.5, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(settings(0.5, 1, 1).simulations()).isEqualTo(1);
        ForecastModel.Settings s = new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 90, 10, 1, 12, 4);
        assertThat(s.seasonality()).isFalse();
        assertThat(s.withSeasonality(true).seasonality()).isTrue();
        assertThat(s.withSeasonality(true).uncalibrated().calibrationOrigins()).isZero();
        assertThat(s.withSeasonality(true).uncalibrated().seasonality()).isTrue();
        assertThat(s.uncalibrated().minCalibrationRatios()).isEqualTo(4);
    }

    /**
     * Groups: named values alphabetically, then the leads without one. Arrivals make groups too: with the 90-day
     * window, the six arrivals' owners (owner-x for e, none for the others) give the groups owner-x and null, each
     * with its share of the new leads' revenue (1/6 and 5/6 of 6/90 · 47/48 wins of 750 over 6 days).
     */
    @Test
    void groupsComeInNameOrderWithTheUnnamedLastAndIncludeTheNewLeads() {
        Forecast f = ForecastModelTest.model(90, 10, 1).forecast(6, "owner");
        assertThat(f.groups()).extracting(Forecast.GroupLine::key).containsExactly("owner-x", null);
        double newRevenue = 6.0 / 90 * 47 / 48 * 750;
        Forecast.GroupLine x = f.groups().get(0);
        assertThat(x.openLeads()).isEqualTo(1);
        assertThat(x.newLeadsExpectedRevenue().doubleValue()).isCloseTo(newRevenue / 6, within(0.006));
        assertThat(x.expectedRevenue().doubleValue()).isCloseTo(281.25 + newRevenue / 6, within(0.006));
        Forecast.GroupLine none = f.groups().get(1);
        assertThat(none.newLeadsExpectedRevenue().doubleValue()).isCloseTo(newRevenue * 5 / 6, within(0.006));
        assertThat(none.expectedRevenue().doubleValue()).isCloseTo(500 + newRevenue * 5 / 6, within(0.006));
        assertThat(none.expectedWonDeals()).isCloseTo(0.5 + 6.0 / 90 * 47 / 48 * 5 / 6, within(1e-4));
        assertThat(f.newLeads().perDay()).isEqualTo(0.0667);
        assertThat(ForecastModelTest.model(0.5, 10, 1).forecast(3, null).newLeads().perDay()).isNull();
    }

    /**
     * A target met exactly is reached: days 0 to 20 hold a's 600 and nothing can be won in them any more, so a
     * target of 600 is reached with certainty, one of 600.01 never; the band is what was won.
     */
    @Test
    void aTargetMetExactlyIsReached() {
        ForecastModel model = ForecastModelTest.model(0.5, 50, 1);
        Forecast.Attainment met = model.attainment(new RevenueTarget(day(0), day(20), null, null,
                new BigDecimal("600"), "USD"));
        assertThat(met.probabilityToReach()).isEqualTo(1.0);
        assertThat(met.gap()).isEqualByComparingTo("0");
        assertThat(met.expectedAttainmentP10()).isEqualByComparingTo("600");
        assertThat(met.expectedAttainmentP90()).isEqualByComparingTo("600");
        assertThat(met.note()).isNull();
        Forecast.Attainment missed = model.attainment(new RevenueTarget(day(0), day(20), null, null,
                new BigDecimal("600.01"), "USD"));
        assertThat(missed.probabilityToReach()).isEqualTo(0.0);
        assertThat(missed.gap()).isEqualByComparingTo("0.01");
        // the segment x target: nothing won, e's 3/8 chance of 600 or 900 by day 120 against 500
        Forecast.Attainment x = ForecastModelTest.model(0.5, 20_000, 3).attainment(new RevenueTarget(day(0),
                day(120), null, "x", new BigDecimal("500"), "USD"));
        assertThat(x.segment()).isEqualTo("x");
        assertThat(x.probabilityToReach()).isCloseTo(0.375, within(0.015));
    }

    /**
     * The arrival window counts the leads first seen in its last days, and needs at least a day: as of day 99 a
     * one-day window holds e (day 98) alone; as of day 100 a 2.5-day window holds e, not c (day 97).
     */
    @Test
    void theArrivalWindowHoldsTheLeadsSeenInItsLastDays() {
        ForecastModel oneDay = ForecastModel.train(history(List.of()), day(99), "USD", STAGES, settings(1, 1, 1));
        assertThat(oneDay.forecast(3, null).newLeads().leadsInWindow()).isEqualTo(1);
        assertThat(oneDay.forecast(3, null).newLeads().windowDays()).isEqualTo(1.0);
        ForecastModel shortWindow = ForecastModel.train(history(List.of()), AS_OF, "USD", STAGES,
                settings(2.5, 1, 1));
        assertThat(shortWindow.forecast(3, null).newLeads().leadsInWindow()).isEqualTo(1);
        assertThat(shortWindow.forecast(3, null).newLeads().perDay()).isEqualTo(0.4);
        // as of day 5 nobody has been seen yet: no window at all
        assertThat(ForecastModel.train(history(List.of()), day(5), "USD", STAGES, settings(90, 1, 1))
                .forecast(3, null).newLeads().windowDays()).isZero();
    }

    /**
     * The simulation draws the new leads' wins too: over 6 days with the 90-day window its mean is the expectation,
     * 781.25 + 6/90 · 47/48 · 750 = 827.14 (standard deviation of a draw about 650, so 20,000 draws put the mean
     * within 4.6 of it, one standard error); without the new leads it would be 781.25.
     */
    @Test
    void theSimulatedMeanIsTheExpectationNewLeadsIncluded() {
        Forecast f = ForecastModelTest.model(90, 20_000, 11).forecast(6, null);
        double mean = java.util.Arrays.stream(f.simulated()).average().orElseThrow();
        assertThat(mean).isCloseTo(781.25 + 6.0 / 90 * 47 / 48 * 750, within(20.0));
        assertThat(ForecastModel.centred(new double[0])).isEmpty();
    }

    @Test
    void aTargetAndTheLeadsCanBeAddedToOrTakenFromAnAnswer() {
        Forecast f = ForecastModelTest.model(0.5, 10, 1).forecast(3, "segment");
        Forecast.Attainment a = ForecastModelTest.model(0.5, 10, 1).attainment(new RevenueTarget(day(0), day(120),
                null, null, new BigDecimal("3000"), "USD"));
        Forecast.GroupLine x = f.groups().get(0).withTarget(a);
        assertThat(x.target()).isSameAs(a);
        assertThat(x.expectedRevenue()).isEqualByComparingTo("281.25");
        Forecast withTarget = f.withTarget(a, List.of(x));
        assertThat(withTarget.target()).isSameAs(a);
        assertThat(withTarget.groups()).containsExactly(x);
        assertThat(withTarget.expectedRevenue()).isEqualByComparingTo("781.25");
        Forecast bare = f.withoutLeads();
        assertThat(bare.leads()).isNull();
        assertThat(bare.expectedRevenue()).isEqualByComparingTo("781.25");
        assertThat(f.leads()).hasSize(2);
    }
}
