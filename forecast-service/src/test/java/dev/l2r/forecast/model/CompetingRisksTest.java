package dev.l2r.forecast.model;

import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.l2r.events.funnel.StageOutcome.LOST;
import static dev.l2r.events.funnel.StageOutcome.NO_DECISION;
import static dev.l2r.events.funnel.StageOutcome.OPEN;
import static dev.l2r.events.funnel.StageOutcome.WON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Six spells worked by hand: won at 2 days, lost at 3, still open at 3 (censored), won at 5, open at 6, no decision
 * at 8.
 * <pre>
 *   t  at risk  closes   S(t)                 F_won(t)                  F_lost  F_nd
 *   2  6        W        5/6                  1·1/6 = 1/6               0       0
 *   3  5        L (+1c)  5/6·4/5 = 2/3        1/6                       5/6·1/5 = 1/6
 *   5  3        W        2/3·2/3 = 4/9        1/6 + 2/3·1/3 = 7/18      1/6
 *   6  2        (c)      4/9
 *   8  1        N        0                    7/18                      1/6     4/9
 * </pre>
 */
class CompetingRisksTest {

    private static final double EPS = 1e-12;

    private final CompetingRisks curve = new CompetingRisks(List.of(
            obs(5, WON), obs(3, OPEN), obs(2, WON), obs(8, NO_DECISION), obs(6, OPEN), obs(3, LOST)));

    private static CompetingRisks.Observation obs(double days, StageOutcome outcome) {
        return new CompetingRisks.Observation(days, outcome);
    }

    @Test
    void survivalIsTheAllCauseKaplanMeierStepFunction() {
        assertThat(curve.survival(0)).isEqualTo(1.0);
        assertThat(curve.survival(1.99)).isEqualTo(1.0);
        assertThat(curve.survival(2)).isCloseTo(5.0 / 6, within(EPS));
        assertThat(curve.survival(3)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(curve.survival(4.5)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(curve.survival(5)).isCloseTo(4.0 / 9, within(EPS));
        assertThat(curve.survival(7)).isCloseTo(4.0 / 9, within(EPS));
        assertThat(curve.survival(8)).isCloseTo(0, within(EPS));
    }

    @Test
    void cumulativeIncidencesFollowTheAalenJohansenSums() {
        assertThat(curve.incidence(WON, 1)).isEqualTo(0);
        assertThat(curve.incidence(WON, 2)).isCloseTo(1.0 / 6, within(EPS));
        assertThat(curve.incidence(WON, 5)).isCloseTo(7.0 / 18, within(EPS));
        assertThat(curve.incidence(LOST, 3)).isCloseTo(1.0 / 6, within(EPS));
        assertThat(curve.incidence(NO_DECISION, 8)).isCloseTo(4.0 / 9, within(EPS));
        // every spell ends somehow: the incidences and the survival add up to one at every time
        for (double t : new double[]{0, 2, 3, 4, 5, 6, 8, 20}) {
            assertThat(curve.incidence(WON, t) + curve.incidence(LOST, t) + curve.incidence(NO_DECISION, t)
                    + curve.survival(t)).isCloseTo(1.0, within(EPS));
        }
    }

    @Test
    void wonIncidenceIsBelowOneMinusKaplanMeierOfWinsAlone() {
        // 1 − KM treating lost and no-decision as censored: 1 − (5/6)(1 − 1/3) = 4/9 at day 5, overstating wins
        double naive = 1 - (5.0 / 6) * (1 - 1.0 / 3);
        assertThat(naive).isCloseTo(4.0 / 9, within(EPS));
        assertThat(curve.incidence(WON, 5)).isLessThan(naive);
    }

    @Test
    void winProbabilityIsConditionalOnStillBeingOpenAtTheLeadsAge() {
        // a new lead: P(won within 3 days) = F_won(3) = 1/6
        assertThat(curve.winWithin(0, 3)).isCloseTo(1.0 / 6, within(EPS));
        // open at day 3, next 3 days: (F_won(6) − F_won(3)) / S(3) = (7/18 − 3/18) / (2/3) = 1/3:
        // of the three spells still open after day 3 (5W, 6c, 8N) one wins by day 6
        assertThat(curve.winWithin(3, 3)).isCloseTo(1.0 / 3, within(EPS));
        // older than every win in the history: nothing more to win
        assertThat(curve.winWithin(5, 100)).isCloseTo(0, within(EPS));
        // older than every spell: no history says anything, so 0 rather than a division by zero
        assertThat(curve.winWithin(8, 10)).isEqualTo(0);
    }

    @Test
    void integratedIncidenceIsTheAreaUnderTheWonCurve() {
        // F_won is 1/6 on [2, 5) and 7/18 on [5, 6): area to 6 = 3/6 + 7/18 = 16/18
        assertThat(curve.integratedWinIncidence(6)).isCloseTo(16.0 / 18, within(EPS));
        assertThat(curve.integratedWinIncidence(2)).isCloseTo(0, within(EPS));
        assertThat(curve.integratedWinIncidence(3.5)).isCloseTo(1.5 / 6, within(EPS));
    }

    @Test
    void countsTheRiskSetAndTheOutcomes() {
        assertThat(curve.openAfter(0)).isEqualTo(6);
        assertThat(curve.openAfter(3)).isEqualTo(3);
        assertThat(curve.openAfter(7.9)).isEqualTo(1);
        assertThat(curve.openAfter(8)).isEqualTo(0);
        assertThat(curve.closed()).isEqualTo(4);
        assertThat(curve.count(WON)).isEqualTo(2);
        assertThat(curve.wonShareOfClosed()).isEqualTo(0.5);
    }

    @Test
    void anEmptyHistoryLeavesEveryoneOpen() {
        CompetingRisks empty = new CompetingRisks(List.of());
        assertThat(empty.survival(10)).isEqualTo(1.0);
        assertThat(empty.winWithin(0, 10)).isEqualTo(0);
        assertThat(empty.integratedWinIncidence(10)).isEqualTo(0);
    }

    /**
     * Forty wins, one a day from day 1 to 40, and twenty leads censored at day 0.5 (more than the builder's first
     * array holds of each): after the censoring 40 are at risk, so S(t) = 1 − ⌊t⌋/40 and F_won(t) = ⌊t⌋/40.
     */
    @Test
    void manySpellsOfOneOutcomeAreAllCounted() {
        CompetingRisks.Builder b = new CompetingRisks.Builder();
        for (int i = 40; i >= 1; i--) {
            b.add(i, WON);
        }
        for (int i = 0; i < 20; i++) {
            b.add(0.5, OPEN);
        }
        CompetingRisks many = b.build();
        assertThat(many.size()).isEqualTo(60);
        assertThat(many.count(WON)).isEqualTo(40);
        assertThat(many.count(OPEN)).isEqualTo(20);
        assertThat(many.openAfter(0.5)).isEqualTo(40);
        assertThat(many.survival(10)).isCloseTo(0.75, within(EPS));
        assertThat(many.incidence(WON, 10.5)).isCloseTo(0.25, within(EPS));
        // open at day 10, next 10 days: 10 of the 30 left win
        assertThat(many.winWithin(10, 10)).isCloseTo(1.0 / 3, within(EPS));
        // area under i/40 on [i, i + 1) for i = 1..39: 39 · 40 / 2 / 40
        assertThat(many.integratedWinIncidence(40)).isCloseTo(19.5, within(EPS));
        assertThat(many.integratedWinIncidence(41)).isCloseTo(20.5, within(EPS));
    }

    @Test
    void aDurationMustBeANonNegativeNumberAndOpenIsNoCause() {
        assertThatThrownBy(() -> obs(-0.001, WON)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> obs(Double.NaN, WON)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompetingRisks.Builder().add(-1, LOST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompetingRisks.Builder().add(Double.NaN, LOST))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(obs(0, WON).days()).isZero();
        assertThatThrownBy(() -> curve.incidence(OPEN, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(curve.count(OPEN)).isEqualTo(2);
        assertThat(curve.count(NO_DECISION)).isEqualTo(1);
        assertThat(curve.count(LOST)).isEqualTo(1);
        assertThat(new CompetingRisks(List.of()).wonShareOfClosed()).isZero();
    }

    @Test
    void aSpellClosedOnEntryCountsAtDayZero() {
        CompetingRisks zero = new CompetingRisks.Builder().add(0, WON).add(0, LOST).add(4, OPEN).build();
        assertThat(zero.count(WON)).isEqualTo(1);
        assertThat(zero.incidence(WON, 0)).isCloseTo(1.0 / 3, within(EPS));
        assertThat(zero.survival(0)).isCloseTo(1.0 / 3, within(EPS));
        // F_won is 1/3 from day 0 on: the area to 1.5 days is 0.5
        assertThat(zero.integratedWinIncidence(1.5)).isCloseTo(0.5, within(EPS));
        // between the first two close times of the worked curve: 1/6 from day 2
        assertThat(curve.integratedWinIncidence(2.5)).isCloseTo(0.5 / 6, within(EPS));
    }

    /** The count's shortcut agrees with the count at every duration, between them, and for every threshold. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5})
    void openAfterAtLeastIsTheCountCompared(long seed) {
        java.util.Random r = new java.util.Random(seed);
        CompetingRisks.Builder b = new CompetingRisks.Builder();
        int n = r.nextInt(40);
        List<Double> ages = new java.util.ArrayList<>(List.of(0.0, 1e9));
        for (int i = 0; i < n; i++) {
            double days = r.nextInt(3) == 0 ? r.nextInt(10) : r.nextDouble() * 20;
            b.add(days, StageOutcome.values()[r.nextInt(4)]);
            ages.add(days);
            ages.add(days + 1e-9);
            ages.add(Math.max(0, days - 1e-9));
        }
        CompetingRisks curve = b.build();
        for (double age : ages) {
            for (int min = 0; min <= n + 2; min++) {
                assertThat(curve.openAfterAtLeast(age, min)).as("age %s, min %d", age, min)
                        .isEqualTo(curve.openAfter(age) >= min);
            }
        }
    }
}
