package dev.l2r.events.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.TransitionKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.l2r.events.funnel.FunnelDefinition.*;
import static org.assertj.core.api.Assertions.assertThat;

class FunnelDefinitionTest {

    private final FunnelDefinition funnel = FunnelDefinition.canonical();

    @Test
    void canonicalFunnelIsValidAndOrdered() {
        assertThat(funnel.problems()).isEmpty();
        assertThat(funnel.openStages()).containsExactly(ANONYMOUS, KNOWN, ENGAGED, MQL, SAL, SQL, OPPORTUNITY);
        assertThat(funnel.wonStage()).isEqualTo(CLOSED_WON);
        assertThat(funnel.rank(CLOSED_WON)).isEqualTo(7);
        assertThat(funnel.rank(CLOSED_LOST)).isEqualTo(-1);
    }

    @Test
    void classifiesEveryKindOfMove() {
        assertThat(funnel.classify(null, OPPORTUNITY)).contains(new StageMove(TransitionKind.ADVANCE, List.of()));
        assertThat(funnel.classify(MQL, SAL)).contains(new StageMove(TransitionKind.ADVANCE, List.of()));
        assertThat(funnel.classify(ENGAGED, SQL)).contains(new StageMove(TransitionKind.SKIP, List.of(MQL, SAL)));
        assertThat(funnel.classify(SQL, MQL)).contains(new StageMove(TransitionKind.RECYCLE, List.of()));
        assertThat(funnel.classify(SQL, CLOSED_WON)).contains(new StageMove(TransitionKind.CLOSE, List.of(OPPORTUNITY)));
        assertThat(funnel.classify(OPPORTUNITY, CLOSED_WON)).contains(new StageMove(TransitionKind.CLOSE, List.of()));
        // losing early does not make the lead an opportunity
        assertThat(funnel.classify(MQL, CLOSED_LOST)).contains(new StageMove(TransitionKind.CLOSE, List.of()));
        assertThat(funnel.classify(CLOSED_LOST, CLOSED_WON)).contains(new StageMove(TransitionKind.CLOSE, List.of()));
        // a closed lead re-opening is a recycle
        assertThat(funnel.classify(CLOSED_WON, OPPORTUNITY)).contains(new StageMove(TransitionKind.RECYCLE, List.of()));
        assertThat(funnel.classify(MQL, MQL)).isEmpty();
    }

    @Test
    void atOrBeyondFollowsTheFunnelLine() {
        assertThat(funnel.isAtOrBeyond(SQL, MQL)).isTrue();
        assertThat(funnel.isAtOrBeyond(CLOSED_WON, MQL)).isTrue();
        assertThat(funnel.isAtOrBeyond(CLOSED_LOST, MQL)).isFalse();
        assertThat(funnel.isAtOrBeyond(MQL, SQL)).isFalse();
        assertThat(funnel.isAtOrBeyond(CLOSED_LOST, CLOSED_WON)).isFalse();
        assertThat(funnel.isAtOrBeyond(CLOSED_WON, CLOSED_WON)).isTrue();
    }

    @Test
    void reportsEveryProblemWithItsField() {
        FunnelDefinition bad = new FunnelDefinition(List.of(
                StageDefinition.open("LEAD", null, null),
                StageDefinition.open("LEAD", null, null),
                new StageDefinition("won", null, null, true, StageOutcome.WON),
                new StageDefinition("LOST", null, null, true, StageOutcome.OPEN)));
        assertThat(bad.problems()).containsExactlyInAnyOrder(
                "stages[1].key: duplicate stage LEAD",
                "stages[2].key: must be 1-40 upper-case letters, digits or underscores, starting with a letter",
                "stages[3].outcome: terminal stages need WON, LOST or NO_DECISION; open stages need OPEN");
    }

    @Test
    void definitionChangeRoundTripsThroughJson() {
        var change = new dev.l2r.events.FunnelDefinitionChanged(3, java.time.Instant.parse("2025-01-01T00:00:00Z"), funnel);
        assertThat(EventJson.read(EventJson.write(change), dev.l2r.events.FunnelDefinitionChanged.class)).isEqualTo(change);
    }

    @Test
    void roundTripsThroughJson() {
        String json = EventJson.write(funnel);
        assertThat(json).doesNotContain("openStages").doesNotContain("wonStage");
        assertThat(EventJson.read(json, FunnelDefinition.class)).isEqualTo(funnel);
    }

    /** A funnel of its own, a lost stage between the open ones: ranks and open stages follow its order. */
    private static FunnelDefinition custom() {
        return new FunnelDefinition(List.of(StageDefinition.open("LEAD", "first", null),
                StageDefinition.terminal("DISQUALIFIED", null, StageOutcome.LOST),
                StageDefinition.open("DEMO", null, null), StageDefinition.open("LEAD", "second", null),
                StageDefinition.terminal("SIGNED", null, StageOutcome.WON)));
    }

    @Test
    void aCustomFunnelRanksItsStagesInItsOwnOrder() {
        FunnelDefinition f = custom();
        assertThat(f.openStages()).containsExactly("LEAD", "DEMO");
        assertThat(f.rank("LEAD")).isZero();
        assertThat(f.rank("DEMO")).isEqualTo(1);
        assertThat(f.rank("SIGNED")).isEqualTo(2);
        assertThat(f.rank("DISQUALIFIED")).isEqualTo(-1);
        assertThat(f.wonStage()).isEqualTo("SIGNED");
        // a duplicate key reads as its first definition (and is a problem)
        assertThat(f.stage("LEAD")).map(StageDefinition::description).contains("first");
        assertThat(f.problems()).containsExactly("stages[3].key: duplicate stage LEAD");
        assertThat(f.contains("DEMO")).isTrue();
        assertThat(f.contains("MQL")).isFalse();
        assertThat(f.stage(null)).isEmpty();
        assertThat(f.isTerminal("DISQUALIFIED")).isTrue();
        assertThat(f.isTerminal("DEMO")).isFalse();
        assertThat(f.isWon("SIGNED")).isTrue();
        assertThat(f.isWon("nope")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.rank("MQL"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MQL");
        // the first open stage counts as reached by anything past it on the line
        assertThat(f.isAtOrBeyond("DEMO", "LEAD")).isTrue();
        assertThat(f.isAtOrBeyond("SIGNED", "LEAD")).isTrue();
        assertThat(f.isAtOrBeyond("LEAD", "DEMO")).isFalse();
        assertThat(funnel.isAtOrBeyond(KNOWN, ANONYMOUS)).isTrue();
        assertThat(f.classify("DISQUALIFIED", "SIGNED")).contains(new StageMove(TransitionKind.CLOSE, List.of()));
        assertThat(f.classify("LEAD", "SIGNED")).contains(new StageMove(TransitionKind.CLOSE, List.of("DEMO")));
    }

    @Test
    void entriesWithoutAKeyAreSkippedAndReported() {
        FunnelDefinition f = new FunnelDefinition(java.util.Arrays.asList(null, StageDefinition.open("A", null, null),
                new StageDefinition(null, null, null, false, null),
                StageDefinition.terminal("WON", null, StageOutcome.WON)));
        assertThat(f.openStages()).containsExactly("A");
        assertThat(f.rank("WON")).isEqualTo(1);
        assertThat(f.problems()).containsExactly(
                "stages[0].key: must be 1-40 upper-case letters, digits or underscores, starting with a letter",
                "stages[2].key: must be 1-40 upper-case letters, digits or underscores, starting with a letter");
    }

    @Test
    void aFunnelNeedsStagesAnOpenOneAndExactlyOneWin() {
        assertThat(new FunnelDefinition(null).problems())
                .containsExactly("stages: at least one open and one won stage are required");
        assertThat(new FunnelDefinition(List.of(StageDefinition.terminal("WON", null, StageOutcome.WON),
                StageDefinition.terminal("ALSO_WON", null, StageOutcome.WON))).problems()).containsExactly(
                "stages: at least one open (non-terminal) stage is required",
                "stages: exactly one stage must have outcome WON");
        assertThat(new FunnelDefinition(List.of(StageDefinition.open("A", null, null))).problems())
                .containsExactly("stages: exactly one stage must have outcome WON");
    }

    @Test
    void aStageWithoutAnOutcomeIsOpenOrUndecidedByWhetherItEnds() {
        assertThat(new StageDefinition("A", null, null, false, null).outcome()).isEqualTo(StageOutcome.OPEN);
        assertThat(new StageDefinition("B", null, null, true, null).outcome()).isEqualTo(StageOutcome.NO_DECISION);
        StageDefinition lost = StageDefinition.terminal("GONE", "left", StageOutcome.LOST);
        assertThat(lost).isEqualTo(new StageDefinition("GONE", "left", "deal closed", true, StageOutcome.LOST));
        assertThat(lost.won()).isFalse();
    }

    @Test
    void definitionsAreEqualByTheirStages() {
        assertThat(custom()).isEqualTo(custom()).hasSameHashCodeAs(custom()).isNotEqualTo(funnel);
        assertThat(custom()).isNotEqualTo("LEAD");
        assertThat(custom().toString()).contains("LEAD", "DEMO", "SIGNED");
    }
}
