package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The levers on the history of {@link BacktestTest} as of just before day 100, for a period of the next 2 days
 * (nothing won in it yet, no new leads: the arrival window is half a day and nobody arrived in it). Curve of the
 * OPPORTUNITY stage then: F_won(2) = 1/5, S(2) = 4/5, S(3) = 8/15, F_won(5) = 7/15, nothing after day 8.
 * <pre>
 * as is          c (age 3−, 1000): (F(5−) − F(3−)) / S(3−) = 0;  e (age 2−, 750): F(4−) − F(2−) = 1/5 → 150
 * conversion +50% at OPPORTUNITY:  e 1/5 × 1.5 = 0.3 → 225
 * deals +20%:                      150 × 1.2 = 180
 * cycle −50% (4 learned days in 2): c (F(7−) − F(3−)) / S(3−) = (7/15 − 1/5) / (4/5) = 1/3 → 333.33;
 *                                  e F(6−) = 7/15 → 350; together 683.33, which reaches a target of 600
 * leads +100% in channel web:      nobody arrives → 150
 * cheapest mix to 300 with conversion and deal size each up to +100%: 150 (1 + c)(1 + d) ≥ 300; greedy 1% steps
 *   alternate (ties go to the first), and stop at c = 0.42, d = 0.41: 150 × 1.42 × 1.41 = 300.33, cost 0.83
 *   (the best on the grid; the exact optimum is c = d = √2 − 1, cost 0.828)
 * </pre>
 */
class PlanLeversTest {

    static final Instant AS_OF = day(100).minusNanos(1000);
    static final Instant END = Days.plus(AS_OF, 2);

    static ForecastModel model() {
        return ForecastModel.train(BacktestTest.history(), AS_OF, "USD", List.of("OPPORTUNITY"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 100, 9, 0, 4));
    }

    @Test
    void eachLeverIsAnsweredWithTheForecastRecomputedUnderIt() {
        ReversePlan.Plan plan = ReversePlan.planWithLevers(model(), List.of("OPPORTUNITY"), 600, AS_OF, END, "USD",
                List.of(new ReversePlan.Lever("conversion", "OPPORTUNITY", null, 0.5),
                        new ReversePlan.Lever("dealSize", null, null, 0.2),
                        new ReversePlan.Lever("cycle", null, null, 0.5),
                        new ReversePlan.Lever("leads", null, "web", 1.0),
                        new ReversePlan.Lever("conversion", "SQL", null, 0.5)), List.of());
        assertThat(plan.expectedAttainment()).isEqualByComparingTo("150");
        // the plan's own answer is unchanged: the gap after the open pipeline
        assertThat(plan.gap()).isEqualByComparingTo("450");
        assertThat(plan.levers()).extracting(a -> a.expectedAttainment().doubleValue())
                .containsExactly(225.0, 180.0, 683.33, 150.0, 150.0);
        assertThat(plan.levers()).extracting(ReversePlan.LeverAnswer::reachesTarget)
                .containsExactly(false, false, true, false, false);
        assertThat(plan.levers().get(0).gap()).isEqualByComparingTo("375");
        assertThat(plan.levers().get(2).gap()).isEqualByComparingTo("0");
        assertThat(plan.cheapestMix()).isNull();
    }

    @Test
    void theCheapestMixIsTheSmallestTotalChangeThatReachesTheTarget() {
        ReversePlan.Plan plan = ReversePlan.planWithLevers(model(), List.of("OPPORTUNITY"), 300, AS_OF, END, "USD",
                List.of(), List.of(new ReversePlan.Lever("conversion", null, null, 1.0),
                        new ReversePlan.Lever("dealSize", null, null, 1.0)));
        ReversePlan.Mix mix = plan.cheapestMix();
        assertThat(mix.changes()).extracting(ReversePlan.Lever::change).containsExactly(0.42, 0.41);
        assertThat(mix.cost()).isEqualTo(0.83);
        assertThat(mix.expectedAttainment().doubleValue()).isCloseTo(150 * 1.42 * 1.41, within(0.006));
        assertThat(mix.reachesTarget()).isTrue();
        assertThat(plan.levers()).isNull();

        // limits too tight: both levers at +10% give 150 × 1.21 = 181.5, short of 300, and it says so
        ReversePlan.Mix tight = ReversePlan.planWithLevers(model(), List.of("OPPORTUNITY"), 300, AS_OF, END, "USD",
                List.of(), List.of(new ReversePlan.Lever("conversion", null, null, 0.1),
                        new ReversePlan.Lever("dealSize", null, null, 0.1))).cheapestMix();
        assertThat(tight.reachesTarget()).isFalse();
        assertThat(tight.cost()).isEqualTo(0.2);
        assertThat(tight.expectedAttainment().doubleValue()).isCloseTo(181.5, within(0.006));
        assertThat(tight.gap().doubleValue()).isCloseTo(118.5, within(0.006));
        assertThat(tight.note()).contains("limits");
    }
}
