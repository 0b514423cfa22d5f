package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WinModelTest {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant AS_OF = Instant.parse("2025-12-31T00:00:00Z");

    static Spell spell(String lead, String stage, String segment, double enteredDay, Double closedDay,
                       StageOutcome outcome) {
        return new Spell(lead, stage, Days.plus(T0, enteredDay), closedDay == null ? null : Days.plus(T0, closedDay),
                outcome, new LeadAttributes(null, segment, null, null));
    }

    /** n spells of a segment, closing after {@code days}: the first {@code won} won, the rest lost. */
    static List<Spell> spells(String stage, String segment, int n, int won, double days) {
        List<Spell> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(spell(stage + segment + i, stage, segment, 0, days, i < won ? StageOutcome.WON
                    : StageOutcome.LOST));
        }
        return list;
    }

    @Test
    void aSegmentWithEnoughHistoryAtTheLeadsAgeIsUsedOnItsOwn() {
        List<Spell> history = new ArrayList<>(spells("SQL", "smb", 4, 3, 10));
        history.addAll(spells("SQL", "ent", 4, 1, 10));
        WinModel model = WinModel.train(history, AS_OF, new WinModel.Settings(4, 2));
        WinModel.Cell smb = model.cell("SQL", "smb", 0);
        assertThat(smb.level()).isEqualTo(WinModel.Level.SEGMENT);
        assertThat(smb.winWithin(0, 30)).isCloseTo(0.75, within(1e-12));
        assertThat(model.cell("SQL", "ent", 0).winWithin(0, 30)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void fallsBackToAllSegmentsThenTheStageRateThenNothing() {
        List<Spell> history = new ArrayList<>(spells("SQL", "smb", 3, 3, 10));
        history.addAll(spells("SQL", "ent", 3, 0, 10));
        history.addAll(spells("MQL", null, 2, 1, 10));
        history.add(spell("open", "MQL", null, 0, null, null));
        WinModel model = WinModel.train(history, AS_OF, new WinModel.Settings(4, 2));

        // smb has only 3 closed spells: the stage's 6 (3 won) are used
        WinModel.Cell smb = model.cell("SQL", "smb", 0);
        assertThat(smb.level()).isEqualTo(WinModel.Level.ALL_SEGMENTS);
        assertThat(smb.winWithin(0, 30)).isCloseTo(0.5, within(1e-12));
        // a segment never seen, and no segment at all, also take the stage's curve
        assertThat(model.cell("SQL", "mid", 0).level()).isEqualTo(WinModel.Level.ALL_SEGMENTS);
        assertThat(model.cell("SQL", null, 0).level()).isEqualTo(WinModel.Level.ALL_SEGMENTS);

        // MQL has 2 closed spells, fewer than 4: the flat share won, whatever the horizon
        WinModel.Cell mql = model.cell("MQL", null, 5);
        assertThat(mql.level()).isEqualTo(WinModel.Level.STAGE_RATE);
        assertThat(mql.winWithin(5, 1)).isEqualTo(0.5);
        assertThat(mql.integratedWinFromEntry(10)).isEqualTo(5.0);

        WinModel.Cell none = model.cell("SAL", "smb", 0);
        assertThat(none.level()).isEqualTo(WinModel.Level.NO_HISTORY);
        assertThat(none.winWithin(0, 100)).isEqualTo(0);
    }

    @Test
    void anOldLeadLeavesItsSegmentWhenTooFewSpellsLastedThatLong() {
        List<Spell> history = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            history.add(spell("a" + i, "OPPORTUNITY", "smb", 0, 5.0 + i, StageOutcome.WON));
        }
        WinModel model = WinModel.train(history, AS_OF, new WinModel.Settings(5, 3));
        // at 6 days, 8 spells were still open: the segment answers
        assertThat(model.cell("OPPORTUNITY", "smb", 6).level()).isEqualTo(WinModel.Level.SEGMENT);
        // at 12.5 days only two were: the stage curve answers, and the thin tail is flagged
        WinModel.Cell old = model.cell("OPPORTUNITY", "smb", 12.5);
        assertThat(old.level()).isEqualTo(WinModel.Level.ALL_SEGMENTS);
        assertThat(old.thinTail()).isTrue();
    }

    @Test
    void spellsAreSeenAsTheyWereAtTheTrainingMoment() {
        List<Spell> history = List.of(
                spell("a", "SQL", null, 0, 10.0, StageOutcome.WON),
                spell("b", "SQL", null, 0, 30.0, StageOutcome.WON),
                spell("c", "SQL", null, 25, 26.0, StageOutcome.LOST));
        // on day 20: a won, b still open (censored at 20), c not entered yet
        WinModel model = WinModel.train(history, Days.plus(T0, 20), new WinModel.Settings(1, 1));
        CompetingRisks curve = model.stageCurve("SQL");
        assertThat(curve.size()).isEqualTo(2);
        assertThat(curve.closed()).isEqualTo(1);
        assertThat(curve.incidence(StageOutcome.WON, 100)).isCloseTo(0.5, within(1e-12));
        assertThat(model.stageWinRate("SQL")).isEqualTo(1.0);
        assertThat(model.medianDaysToWin("SQL")).isEqualTo(10.0);
    }

    @Test
    void stageWinRateLeavesNoDecisionOut() {
        List<Spell> history = List.of(
                spell("a", "SQL", null, 0, 1.0, StageOutcome.WON),
                spell("b", "SQL", null, 0, 2.0, StageOutcome.LOST),
                spell("c", "SQL", null, 0, 3.0, StageOutcome.LOST),
                spell("d", "SQL", null, 0, 4.0, StageOutcome.NO_DECISION));
        WinModel model = WinModel.train(history, AS_OF, new WinModel.Settings(1, 1));
        assertThat(model.stageWinRate("SQL")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(model.stageCurve("SQL").wonShareOfClosed()).isEqualTo(0.25);
        assertThat(model.stageWinRate("MQL")).isNaN();
    }

    /**
     * The thresholds are "at least": ten smb spells won after 5..14 days with minAtRisk 3 keep the segment while
     * three are still open after the lead's age (11.5 days: 12, 13, 14) and leave it at 12; a stage with exactly
     * minClosed closed spells is timed (ALL_SEGMENTS), and its tail is thin below minAtRisk open.
     */
    @Test
    void thresholdsAreMinimaMet() {
        List<Spell> history = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            history.add(spell("a" + i, "OPPORTUNITY", "smb", 0, 5.0 + i, StageOutcome.WON));
        }
        history.addAll(spells("SQL", null, 4, 2, 10));
        WinModel model = WinModel.train(history, AS_OF, new WinModel.Settings(4, 3));
        assertThat(model.cell("OPPORTUNITY", "smb", 11.5).level()).isEqualTo(WinModel.Level.SEGMENT);
        assertThat(model.cell("OPPORTUNITY", "smb", 12).level()).isEqualTo(WinModel.Level.ALL_SEGMENTS);
        WinModel.Cell sql = model.cell("SQL", null, 0);
        assertThat(sql.level()).isEqualTo(WinModel.Level.ALL_SEGMENTS);
        assertThat(sql.thinTail()).isFalse();
        // at 10 days none of SQL's four is open any more
        assertThat(model.cell("SQL", null, 10).thinTail()).isTrue();
        assertThat(model.cell("SQL", null, 9.9).thinTail()).isFalse();
        // all of OPPORTUNITY at 11.5 days still has three open after it: exactly minAtRisk, not thin
        assertThat(model.cell("OPPORTUNITY", null, 11.5).thinTail()).isFalse();
        assertThat(model.cell("OPPORTUNITY", null, 12).thinTail()).isTrue();
        assertThatThrownBy(() -> new WinModel.Settings(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WinModel.Settings(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(model.settings()).isEqualTo(new WinModel.Settings(4, 3));
    }

    /**
     * P(won between two days after entering): from the curve, the flat share when timing is unknown, 0 without
     * history. SQL: 2 of 4 won at 10 days. MQL: 1 of 2 closed won, too few to time.
     */
    @Test
    void winBetweenTwoDaysAfterEnteringFollowsTheCellsLevel() {
        List<Spell> history = new ArrayList<>(spells("SQL", null, 4, 2, 10));
        history.addAll(spells("MQL", null, 2, 1, 10));
        WinModel model = WinModel.train(history, AS_OF, new WinModel.Settings(4, 1));
        WinModel.Cell sql = model.cell("SQL", null, 0);
        assertThat(sql.winBetween(0, 10)).isEqualTo(0.5);
        assertThat(sql.winBetween(10, 30)).isEqualTo(0.0);
        assertThat(sql.winBetween(0, 9.9)).isEqualTo(0.0);
        // ∫_0^15 F_won = 5 days at 1/2
        assertThat(sql.integratedWinFromEntry(15)).isCloseTo(2.5, within(1e-12));
        WinModel.Cell mql = model.cell("MQL", null, 0);
        assertThat(mql.level()).isEqualTo(WinModel.Level.STAGE_RATE);
        assertThat(mql.winBetween(20, 30)).isEqualTo(0.5);
        WinModel.Cell none = model.cell("SAL", null, 0);
        assertThat(none.winBetween(0, 30)).isZero();
        assertThat(none.integratedWinFromEntry(30)).isZero();
        assertThat(model.medianDaysToWin("SQL")).isEqualTo(10.0);
        assertThat(model.medianDaysToWin("SAL")).isNaN();
        assertThat(model.stageCurve("SAL")).isNull();
    }

    @Test
    void theMedianDaysToWinIsOfTheWinsInOrderWhateverTheirLoadingOrder() {
        List<Spell> history = List.of(
                spell("a", "SQL", null, 0, 10.0, StageOutcome.WON),
                spell("b", "SQL", null, 0, 2.0, StageOutcome.WON),
                spell("c", "SQL", null, 0, 5.0, StageOutcome.WON),
                spell("d", "SQL", null, 0, 1.0, StageOutcome.LOST));
        assertThat(WinModel.train(history, AS_OF, new WinModel.Settings(1, 1)).medianDaysToWin("SQL"))
                .isEqualTo(5.0);
    }
}
