package dev.l2r.forecast.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A large pipeline's big sums drawn as normals: which parts are, their moments, and the quantiles that result. */
class DrawPlanTest {

    private static final DealValues.Value FIVE_OR_FIFTEEN = new DealValues.Value(10,
            DealValues.Source.SEGMENT_AVERAGE, new double[]{5, 15});

    /**
     * By hand: 1,000 heavy leads (p 0.5, amount 1,000) are drawn one by one; stage 0 / group 0 holds 400 leads of
     * p 0.25 worth 5 or 15 (100 expected wins: one normal of mean 400 × 0.25 × 10 = 1,000 and variance
     * 400 × (0.25 × 125 − 0.0625 × 100) = 10,000); stage 1 / group 0 holds 300 leads of p 0.3 (90 expected wins:
     * drawn one by one). New leads expecting 150 wins worth 5 or 15 are one normal of mean 1,500 and variance
     * 150 × 125; those expecting 2 are drawn as a Poisson number.
     */
    @Test
    void heavyLeadsAndThinSumsAreDrawnOneByOneTheRestAsNormalsWithExactMoments() {
        List<Simulation.Item> items = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            items.add(new Simulation.Item(0.25, FIVE_OR_FIFTEEN, 0, 0));
        }
        for (int i = 0; i < 1_000; i++) {
            items.add(new Simulation.Item(0.5, new DealValues.Value(1_000, DealValues.Source.AMOUNT, null), 0, 0));
        }
        for (int i = 0; i < 300; i++) {
            items.add(new Simulation.Item(0.3, FIVE_OR_FIFTEEN, 1, 0));
        }
        Simulation.NewLeads many = new Simulation.NewLeads(150, FIVE_OR_FIFTEEN, 1);
        Simulation.NewLeads few = new Simulation.NewLeads(2, FIVE_OR_FIFTEEN, 0);

        DrawPlan plan = DrawPlan.approximate(items, List.of(many, few));

        assertThat(plan.exact()).hasSize(1_300).isSorted();
        assertThat(plan.exact()[0]).isEqualTo(400);
        assertThat(plan.exact()[999]).isEqualTo(1_399);
        assertThat(plan.exact()[1_000]).isEqualTo(1_400);
        assertThat(plan.openSums()).hasSize(1);
        DrawPlan.Sum open = plan.openSums().get(0);
        assertThat(open.mean()).isCloseTo(1_000, within(1e-6));
        assertThat(open.sd()).isCloseTo(100, within(1e-6));
        assertThat(open.stage()).isZero();
        assertThat(open.group()).isZero();
        assertThat(plan.newLeads()).containsExactly(few);
        assertThat(plan.newSums()).hasSize(1);
        assertThat(plan.newSums().get(0).mean()).isCloseTo(1_500, within(1e-6));
        assertThat(plan.newSums().get(0).sd()).isCloseTo(Math.sqrt(150 * 125), within(1e-6));
        assertThat(plan.newSums().get(0).group()).isEqualTo(1);
    }

    /** Below the size that calls for it, nothing changes: the same draws in the same order as every lead one by one. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void aSmallPipelineIsDrawnLeadByLead(long seed) {
        List<Simulation.Item> items = pipeline(new SplittableRandom(seed), 3_000);
        List<Simulation.NewLeads> kinds = List.of(new Simulation.NewLeads(400, FIVE_OR_FIFTEEN, 1));
        assertThat(Simulation.large(items, kinds)).isFalse();
        Simulation.Outcome usual = Simulation.run(items, kinds, 3, 2, 300, seed, new double[0], 0.2);
        Simulation.Outcome byHand = Simulation.run(items, kinds, 3, 2, 300, seed, new double[0], 0.2, false);
        assertThat(usual.totals()).isEqualTo(byHand.totals());
        assertThat(usual.byGroup()[1]).isEqualTo(byHand.byGroup()[1]);
        assertThat(usual.inNormalSums()).isZero();
        assertThat(Simulation.large(pipeline(new SplittableRandom(seed), 20_001), List.of())).isTrue();
        assertThat(Simulation.large(items, List.of(new Simulation.NewLeads(17_001, FIVE_OR_FIFTEEN, 0)))).isTrue();
    }

    /**
     * The normal sums give the same P10, P50 and P90 as drawing every lead, overall, per stage and per group, within
     * 0.08 standard deviations of each sum (the sampling error of 20,000 iterations is 0.012; a sum's variance off by
     * a fifth, as without the p² term, moves its P90 by 0.13).
     */
    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void normalSumsGiveTheQuantilesOfTheExactDraws(long seed) {
        List<Simulation.Item> items = pipeline(new SplittableRandom(seed), 5_000);
        List<Simulation.NewLeads> kinds = List.of(new Simulation.NewLeads(300, FIVE_OR_FIFTEEN, 1),
                new Simulation.NewLeads(3, FIVE_OR_FIFTEEN, 0));
        int n = 20_000;
        Simulation.Outcome approximate = Simulation.run(items, kinds, 3, 2, n, seed, new double[0], 0, true);
        Simulation.Outcome exact = Simulation.run(items, kinds, 3, 2, n, seed + 100, new double[0], 0, false);
        assertThat(approximate.inNormalSums()).isGreaterThan(3_000);
        assertThat(exact.inNormalSums()).isZero();

        double[] stageVariance = new double[3];
        double[] groupVariance = new double[2];
        for (Simulation.Item item : items) {
            stageVariance[item.stage()] += DrawPlan.variance(item);
            groupVariance[item.group()] += DrawPlan.variance(item);
        }
        double newVariance = 0;
        for (Simulation.NewLeads kind : kinds) {
            newVariance += kind.expectedWins() * kind.value().meanSquare();
            groupVariance[kind.group()] += kind.expectedWins() * kind.value().meanSquare();
        }
        double total = stageVariance[0] + stageVariance[1] + stageVariance[2] + newVariance;
        sameQuantiles(approximate.totals(), exact.totals(), Math.sqrt(total));
        for (int s = 0; s < 3; s++) {
            sameQuantiles(approximate.byStage()[s], exact.byStage()[s], Math.sqrt(stageVariance[s]));
        }
        for (int g = 0; g < 2; g++) {
            sameQuantiles(approximate.byGroup()[g], exact.byGroup()[g], Math.sqrt(groupVariance[g]));
        }
    }

    private static void sameQuantiles(double[] approximate, double[] exact, double sd) {
        for (double q : new double[]{0.1, 0.5, 0.9}) {
            assertThat(Quantiles.of(approximate, q)).as("q%.1f", q)
                    .isCloseTo(Quantiles.of(exact, q), within(0.08 * sd));
        }
    }

    /**
     * Open leads in three stages and two groups: chances from 2 % to 60 %, a third with their own amount (log-normal
     * around 8,000, a few ten times that), the rest worth a draw from a pool of won deals.
     */
    private static List<Simulation.Item> pipeline(SplittableRandom random, int leads) {
        double[] pool = new double[200];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = 5_000 * Math.exp(0.8 * Simulation.normal(random));
        }
        double mean = java.util.Arrays.stream(pool).average().orElseThrow();
        DealValues.Value won = new DealValues.Value(mean, DealValues.Source.SEGMENT_AVERAGE, pool);
        List<Simulation.Item> items = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            double p = 0.02 + 0.58 * random.nextDouble();
            DealValues.Value value = won;
            if (random.nextInt(3) == 0) {
                double amount = 8_000 * Math.exp(0.7 * Simulation.normal(random)) * (random.nextInt(100) == 0 ? 10 : 1);
                value = new DealValues.Value(amount, DealValues.Source.AMOUNT, null);
            }
            items.add(new Simulation.Item(p, value, random.nextInt(3), random.nextInt(2)));
        }
        return items;
    }
}
