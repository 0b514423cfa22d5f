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
}
