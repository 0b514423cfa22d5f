package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The pipeline of {@link ForecastModelTest}, asked what it takes to reach 5000 by day 130. */
class ReversePlanTest {

    static final List<String> STAGES = List.of("MQL", "SQL", "OPPORTUNITY");

    @Test
    void theGapIsClosedWithNewLeadsFromObservedConversionPaceAndDealSize() {
        ForecastModel model = ForecastModelTest.model(0.5, 100, 1);
        ReversePlan.Plan plan = ReversePlan.plan(model, STAGES, 5000, day(0), day(130), "USD");
        // won in the period so far 600 + 900; the open pipeline adds 500 + 281.25 by day 130
        assertThat(plan.wonSoFar()).isEqualByComparingTo("1500");
        assertThat(plan.expectedFromPipeline()).isEqualByComparingTo("781.25");
        assertThat(plan.gap()).isEqualByComparingTo("2718.75");
        assertThat(plan.averageDealSize()).isEqualByComparingTo("750");
        assertThat(plan.dealsNeeded()).isEqualTo(3.625);

        ReversePlan.StagePlan opp = plan.stages().get(2);
        assertThat(opp.stage()).isEqualTo("OPPORTUNITY");
        // a new opportunity wins within 30 days with F_won(30) = 23/48; 3.625 / (23/48) = 7.57 → 8 leads
        assertThat(opp.winWithinPeriod()).isEqualTo(0.479167);
        assertThat(opp.newLeadsNeeded()).isEqualTo(8L);
        assertThat(opp.conversionToWon()).isEqualTo(0.5);
        // median of the won spells (2 and 5 days) is 3.5: enter by day 126.5
        assertThat(opp.medianDaysToWin()).isEqualTo(3.5);
        assertThat(opp.enterBy()).isEqualTo(day(126.5));
        assertThat(opp.late()).isFalse();
        assertThat(opp.reachable()).isTrue();

        ReversePlan.StagePlan mql = plan.stages().get(0);
        assertThat(mql.level()).isEqualTo(WinModel.Level.NO_HISTORY);
        assertThat(mql.newLeadsNeeded()).isNull();
        assertThat(mql.reachable()).isFalse();
    }

    @Test
    void aPeriodStartingLaterCountsOnlyWhatCanBeWonInsideIt() {
        ForecastModel model = ForecastModelTest.model(0.5, 100, 1);
        ReversePlan.Plan plan = ReversePlan.plan(model, STAGES, 5000, day(110), day(130), "USD");
        // every win in the history came within 5 days of entry: nothing open now, and no lead entering now, wins
        // between day 110 and 130
        assertThat(plan.wonSoFar()).isEqualByComparingTo("0");
        assertThat(plan.expectedFromPipeline()).isEqualByComparingTo("0");
        assertThat(plan.gap()).isEqualByComparingTo("5000");
        ReversePlan.StagePlan opp = plan.stages().get(2);
        assertThat(opp.winWithinPeriod()).isEqualTo(0.0);
        assertThat(opp.reachable()).isFalse();
        assertThat(opp.newLeadsNeeded()).isNull();
    }

    @Test
    void aTargetAlreadyCoveredNeedsNoNewLeads() {
        ForecastModel model = ForecastModelTest.model(0.5, 100, 1);
        ReversePlan.Plan plan = ReversePlan.plan(model, STAGES, 1000, day(0), day(130), "USD");
        assertThat(plan.gap()).isEqualByComparingTo("0");
        assertThat(plan.dealsNeeded()).isEqualTo(0.0);
        assertThat(plan.stages().get(2).newLeadsNeeded()).isZero();
        assertThat(plan.notes()).hasSize(1);
    }

    /**
     * Two days left (to day 102): c (age 3) wins with (F_won(5) − F_won(3)) / S(3) = 1/2, e (age 2) with
     * (F_won(4) − F_won(2)) / S(2) = 0: 500 from the pipeline, gap 5000 − 1500 − 500 = 3000, 4 deals of 750. A new
     * opportunity wins within 2 days with F_won(2) = 1/6: 24 leads. At the median pace of 3.5 days they had to enter
     * by day 98.5, before now: late. MQL has no history at all: no rate, no pace, no date.
     */
    @Test
    void aPeriodEndingSoonerThanTheMedianPaceIsLate() {
        ForecastModel model = ForecastModelTest.model(0.5, 100, 1);
        ReversePlan.Plan plan = ReversePlan.plan(model, STAGES, 5000, day(0), day(102), "USD");
        assertThat(plan.expectedFromPipeline()).isEqualByComparingTo("500");
        assertThat(plan.gap()).isEqualByComparingTo("3000");
        assertThat(plan.dealsNeeded()).isEqualTo(4.0);
        ReversePlan.StagePlan opp = plan.stages().get(2);
        assertThat(opp.winWithinPeriod()).isEqualTo(0.166667);
        assertThat(opp.newLeadsNeeded()).isEqualTo(24L);
        assertThat(opp.enterBy()).isEqualTo(day(98.5));
        assertThat(opp.late()).isTrue();
        ReversePlan.StagePlan mql = plan.stages().get(0);
        assertThat(mql.conversionToWon()).isNull();
        assertThat(mql.medianDaysToWin()).isNull();
        assertThat(mql.enterBy()).isNull();
        assertThat(mql.late()).isFalse();
        assertThat(plan.notes()).isEmpty();
    }

    /**
     * From day 102.5 to 104: of the pipeline's 781.25 expected in the next 4 days, c's 500 falls in the first 2.5
     * (it wins at age 5, on day 102) and e's 281.25 after them (at age 5, on day 103): 281.25 in the period, with
     * or without levers asked; bigger deals by 20% make it 337.50.
     */
    @Test
    void aPeriodStartingLaterCountsWhatFallsBetweenItsStartAndEnd() {
        ForecastModel model = ForecastModelTest.model(0.5, 100, 1);
        ReversePlan.Plan plan = ReversePlan.planWithLevers(model, STAGES, 1000, day(102.5), day(104), "USD",
                List.of(new ReversePlan.Lever("dealSize", null, null, 0.2)), List.of());
        assertThat(plan.expectedFromPipeline()).isEqualByComparingTo("281.25");
        assertThat(plan.expectedAttainment()).isEqualByComparingTo("281.25");
        assertThat(plan.levers().get(0).expectedAttainment()).isEqualByComparingTo("337.50");
        assertThat(plan.levers().get(0).gap()).isEqualByComparingTo("662.50");
        assertThat(plan.levers().get(0).change()).isEqualTo(0.2);
        assertThatThrownBy(() -> new ReversePlan.Lever("price", null, null, 0.1).levers())
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** In a currency nobody has won a deal in, the deal size is unknown, and so is every number of leads. */
    @Test
    void withoutAWonDealInTheCurrencyTheDealsNeededAreUnknown() {
        ForecastModel model = ForecastModel.train(ForecastModelTest.history(List.of()), ForecastModelTest.AS_OF,
                "EUR", STAGES, ForecastModelTest.settings(0.5, 100, 1));
        ReversePlan.Plan plan = ReversePlan.plan(model, STAGES, 5000, day(0), day(130), "EUR");
        assertThat(plan.averageDealSize()).isNull();
        assertThat(plan.dealsNeeded()).isNull();
        assertThat(plan.wonSoFar()).isEqualByComparingTo("0");
        assertThat(plan.gap()).isEqualByComparingTo("5000");
        assertThat(plan.notes()).singleElement().asString().contains("EUR");
        assertThat(plan.stages().get(2).newLeadsNeeded()).isNull();
        assertThat(plan.stages().get(2).reachable()).isTrue();
        assertThat(plan.stages().get(2).winWithinPeriod()).isCloseTo(23.0 / 48, within(1e-6));
    }

    /**
     * A target the period is expected to meet exactly is reached: 281.25 from day 102.5 to 104 (as above), with a
     * lever that changes nothing (conversion at SQL, where nobody is); the cheapest mix then needs no change.
     */
    @Test
    void aTargetMetExactlyIsReachedWithoutAnyChange() {
        ForecastModel model = ForecastModelTest.model(0.5, 100, 1);
        ReversePlan.Plan plan = ReversePlan.planWithLevers(model, STAGES, 281.25, day(102.5), day(104), "USD",
                List.of(new ReversePlan.Lever("conversion", "SQL", null, 0.5)),
                List.of(new ReversePlan.Lever("conversion", null, null, 0.5)));
        assertThat(plan.levers().get(0).reachesTarget()).isTrue();
        assertThat(plan.levers().get(0).gap()).isEqualByComparingTo("0");
        assertThat(plan.cheapestMix().reachesTarget()).isTrue();
        assertThat(plan.cheapestMix().cost()).isZero();
        assertThat(plan.cheapestMix().changes()).extracting(ReversePlan.Lever::change).containsExactly(0.0);
        assertThat(plan.cheapestMix().note()).isNull();
    }
}
