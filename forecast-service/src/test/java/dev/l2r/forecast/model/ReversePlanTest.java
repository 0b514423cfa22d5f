package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;

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
}
