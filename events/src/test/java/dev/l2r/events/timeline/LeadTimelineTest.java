package dev.l2r.events.timeline;

import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.l2r.events.funnel.FunnelDefinition.*;
import static org.assertj.core.api.Assertions.assertThat;

class LeadTimelineTest {

    private static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static StageObservation at(int day, String stage) {
        return new StageObservation(UUID.nameUUIDFromBytes((day + stage).getBytes()), stage, T0.plusSeconds(day * 86_400L));
    }

    @Test
    void skipCountsTheSkippedStagesAsEnteredAtTheLaterTime() {
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(0, ENGAGED), at(5, SQL)));
        assertThat(t.firstEntry(MQL)).contains(new LeadTimeline.Entry(MQL, T0.plusSeconds(5 * 86_400L), true));
        assertThat(t.firstEntry(SAL).orElseThrow().skipped()).isTrue();
        assertThat(t.firstEntry(SQL).orElseThrow().skipped()).isFalse();
        assertThat(t.steps().get(1).kind()).isEqualTo(TransitionKind.SKIP);
        assertThat(t.currentStage()).contains(SQL);
    }

    @Test
    void leadFirstSeenLateDidNotPassTheEarlierStages() {
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(3, OPPORTUNITY), at(9, CLOSED_WON)));
        assertThat(t.firstEntries()).extracting(LeadTimeline.Entry::stage).containsExactly(OPPORTUNITY, CLOSED_WON);
    }

    @Test
    void lateEventIsPlacedWhereItHappened() {
        // arrives MQL, then OPPORTUNITY, then (late) SAL that happened between them
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(0, MQL), at(10, OPPORTUNITY), at(4, SAL)));
        assertThat(t.firstEntry(SAL)).contains(new LeadTimeline.Entry(SAL, T0.plusSeconds(4 * 86_400L), false));
        assertThat(t.firstEntry(SQL).orElseThrow().enteredAt()).isEqualTo(T0.plusSeconds(10 * 86_400L));
        assertThat(t.steps()).extracting(LeadTimeline.Step::kind)
                .containsExactly(TransitionKind.ADVANCE, TransitionKind.ADVANCE, TransitionKind.SKIP);
    }

    @Test
    void recycleKeepsTheFirstEntryAndIsCounted() {
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(0, MQL), at(2, SAL), at(4, MQL), at(6, SAL), at(8, SAL)));
        assertThat(t.firstEntry(SAL).orElseThrow().enteredAt()).isEqualTo(T0.plusSeconds(2 * 86_400L));
        assertThat(t.recycles()).isEqualTo(1);
        assertThat(t.steps().get(4).isNoOp()).isTrue();
        assertThat(t.currentSince()).contains(T0.plusSeconds(6 * 86_400L));
    }

    @Test
    void lostEarlyDoesNotFillStagesButWinningDoes() {
        LeadTimeline lost = LeadTimeline.of(FUNNEL, List.of(at(0, MQL), at(3, CLOSED_LOST)));
        assertThat(lost.firstEntry(OPPORTUNITY)).isEmpty();
        LeadTimeline won = LeadTimeline.of(FUNNEL, List.of(at(0, MQL), at(3, CLOSED_WON)));
        assertThat(won.firstEntry(OPPORTUNITY).orElseThrow().skipped()).isTrue();
    }

    @Test
    void tiesAreReadInFunnelOrder() {
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(1, CLOSED_WON), at(1, MQL)));
        assertThat(t.steps()).extracting(s -> s.observation().stage()).containsExactly(MQL, CLOSED_WON);
        assertThat(t.recycles()).isZero();
    }

    @Test
    void tiesAtTheFirstStageAndBetweenTwoOutcomesAreReadTheSameWhateverTheirIds() {
        // the funnel's first stage (rank 0) comes before the second at one instant
        LeadTimeline first = LeadTimeline.of(FUNNEL, List.of(at(1, KNOWN), at(1, ANONYMOUS)));
        assertThat(first.currentStage()).contains(KNOWN);
        assertThat(first.recycles()).isZero();
        // lost and no decision at one instant (one rank, no place on the line): read in stage-name order, whichever
        // ids they got; won and lost: the win first (it is on the line), so the lead ends lost
        for (String seed : List.of("a", "b", "c", "d")) {
            LeadTimeline outcomes = LeadTimeline.of(FUNNEL, List.of(at(0, MQL),
                    new StageObservation(UUID.nameUUIDFromBytes((seed + 1).getBytes()), NO_DECISION, T0.plusSeconds(86_400L)),
                    new StageObservation(UUID.nameUUIDFromBytes((seed + 2).getBytes()), CLOSED_LOST, T0.plusSeconds(86_400L))));
            assertThat(outcomes.currentStage()).as(seed).contains(NO_DECISION);
            LeadTimeline wonLost = LeadTimeline.of(FUNNEL, List.of(at(0, MQL),
                    new StageObservation(UUID.nameUUIDFromBytes((seed + 3).getBytes()), CLOSED_LOST, T0.plusSeconds(86_400L)),
                    new StageObservation(UUID.nameUUIDFromBytes((seed + 4).getBytes()), CLOSED_WON, T0.plusSeconds(86_400L))));
            assertThat(wonLost.currentStage()).as(seed).contains(CLOSED_LOST);
        }
    }

    @Test
    void theCurrentStageIsTheLatestRealMoveEvenWhenItIsTheFirstStep() {
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(0, MQL), at(3, MQL)));
        assertThat(t.currentStage()).contains(MQL);
        assertThat(t.currentSince()).contains(T0);
        assertThat(LeadTimeline.of(FUNNEL, List.of()).currentStage()).isEmpty();
    }

    @Test
    void observationsWithoutIdsAreEachCounted() {
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(new StageObservation(null, MQL, T0),
                new StageObservation(null, SAL, T0.plusSeconds(86_400L))));
        assertThat(t.currentStage()).contains(SAL);
        assertThat(t.steps()).hasSize(2);
    }

    @Test
    void duplicateEventCountsOnce() {
        StageObservation sql = at(2, SQL);
        LeadTimeline t = LeadTimeline.of(FUNNEL, List.of(at(0, MQL), sql, sql, at(1, MQL)));
        assertThat(t.steps()).hasSize(3);
    }

    /** Arrival order never matters: any shuffle of the same events gives the same timeline. */
    @ParameterizedTest
    @MethodSource("histories")
    void arrivalOrderDoesNotChangeTheTimeline(List<StageObservation> history) {
        List<StageObservation> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, new Random(history.hashCode()));
        LeadTimeline inOrder = LeadTimeline.of(FUNNEL, history);
        LeadTimeline outOfOrder = LeadTimeline.of(FUNNEL, shuffled);
        assertThat(outOfOrder.steps()).isEqualTo(inOrder.steps());
        assertThat(List.copyOf(outOfOrder.firstEntries())).isEqualTo(List.copyOf(inOrder.firstEntries()));
    }

    /**
     * Every first entry happens at the time of one of the lead's events, no earlier than its first sighting; without
     * a recycle, no stage before the first-seen one is ever entered.
     */
    @ParameterizedTest
    @MethodSource("histories")
    void entriesHappenAtEventTimesAndNeverBeforeTheFirstSighting(List<StageObservation> history) {
        LeadTimeline t = LeadTimeline.of(FUNNEL, history);
        StageObservation first = t.steps().get(0).observation();
        int firstRank = FUNNEL.rank(first.stage());
        List<Instant> eventTimes = history.stream().map(StageObservation::occurredAt).toList();
        for (LeadTimeline.Entry e : t.firstEntries()) {
            assertThat(e.enteredAt()).isAfterOrEqualTo(first.occurredAt()).isIn(eventTimes);
            if (t.recycles() == 0 && firstRank >= 0 && FUNNEL.rank(e.stage()) >= 0) {
                assertThat(FUNNEL.rank(e.stage())).isGreaterThanOrEqualTo(firstRank);
            }
        }
    }

    /** 300 random histories of 1-12 events over 30 days, from a fixed seed so a failure reproduces. */
    static Stream<List<StageObservation>> histories() {
        Random random = new Random(42);
        List<String> stages = FUNNEL.stages().stream().map(s -> s.key()).toList();
        return IntStream.range(0, 300).mapToObj(n -> {
            int size = 1 + random.nextInt(12);
            List<StageObservation> history = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                history.add(new StageObservation(new UUID(n, i), stages.get(random.nextInt(stages.size())),
                        T0.plusSeconds(random.nextInt(31) * 86_400L)));
            }
            return history;
        });
    }
}
