package dev.l2r.funnel.core.catchup;

import dev.l2r.funnel.core.catchup.CatchUpPolicy.LastReplay;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CatchUpPolicyTest {

    private static final CatchUpPolicy POLICY = new CatchUpPolicy(true, 200_000, 0.25, 1.25);
    private static final OptionalDouble UNMEASURED = OptionalDouble.empty();

    private static Backlog behind(long lag, long retained) {
        return Backlog.of(List.of(new Backlog.Partition(0, 0, retained, retained - lag, null)));
    }

    private static LastReplay rebuilt(String state, long events, double eventsPerSecond) {
        return new LastReplay("DONE".equals(state), events, eventsPerSecond);
    }

    private static boolean replays(CatchUpPolicy policy, Backlog backlog) {
        return policy.decide(backlog, UNMEASURED, LastReplay.NONE).replay();
    }

    private static CatchUpPolicy.Decision decide(Backlog backlog, double live, LastReplay last) {
        return POLICY.decide(backlog, OptionalDouble.of(live), last);
    }

    @Test
    void unmeasuredItReplaysOnlyABacklogThatIsBothLargeAndALargeShareOfTheTopic() {
        assertThat(replays(POLICY, behind(4_000_000, 4_000_000))).isTrue();   // a fresh deployment beside history
        assertThat(replays(POLICY, behind(1_000_000, 4_000_000))).isTrue();   // exactly a quarter
        assertThat(replays(POLICY, behind(999_999, 4_000_000))).isFalse();    // just under a quarter
        assertThat(replays(POLICY, behind(199_999, 199_999))).isFalse();      // all of the topic, but small
        assertThat(replays(POLICY, behind(200_000, 200_000))).isTrue();
    }

    @Test
    void measuredItReplaysWhenTheEstimateIsFasterByTheMargin() {
        // 1,070,000 behind of 5,343,437 (20 %): live at 3,700 events/s takes 289.2 s; a replay at 25,000 events/s
        // 213.7 s, 1.35 times faster: replayed, although the backlog is under the unmeasured quarter
        Backlog backfill = behind(1_070_000, 5_343_437);
        LastReplay last = rebuilt("DONE", 4_273_437, 25_000);
        CatchUpPolicy.Decision replay = decide(backfill, 3_700, last);
        assertThat(replay.replay()).isTrue();
        assertThat(replay.why())
                .startsWith("catching up: the consumer was 1,070,000 events behind (20.0 % of the 5,343,437 the topic holds)")
                .contains("replaying the topic takes an estimated 214 s at the last rebuild's 25,000 events/s")
                .endsWith("applying them poll by poll 289 s at the consumer's measured 3,700 events/s");
        assertThat(replay.applyingSeconds().getAsDouble()).isCloseTo(1_070_000 / 3_700.0, within(1e-9));
        assertThat(replay.replayingSeconds().getAsDouble()).isCloseTo(5_343_437 / 25_000.0, within(1e-9));
        assertThat(replay.replayRate()).hasValue(25_000);
        // a faster consumer: 237.8 s live against 213.7 s is only 1.11 times: applied poll by poll, and it says so
        CatchUpPolicy.Decision live = decide(backfill, 4_500, last);
        assertThat(live.replay()).isFalse();
        assertThat(live.why()).startsWith("the consumer was 1,070,000 events behind")
                .endsWith("applying them poll by poll 238 s at the consumer's measured 4,500 events/s: 1.11 times "
                        + "faster, not the 1.25 asked for");
        // the break-even point with this margin: live seconds = 1.25 x replay seconds, at 4,006 events/s
        double breakEven = 1_070_000 / (1.25 * 5_343_437 / 25_000.0);
        assertThat(decide(backfill, breakEven * 0.999, last).replay()).isTrue();
        assertThat(decide(backfill, breakEven * 1.001, last).replay()).isFalse();
    }

    @Test
    void measuredItLeavesEvenTheWholeTopicToLiveBatchesWhenThoseAreFaster() {
        // a topic of short, dense history: the consumer applies 30,000 events/s, a replay ran at 20,000
        assertThat(decide(behind(4_000_000, 4_000_000), 30_000, rebuilt("DONE", 4_000_000, 20_000)).replay()).isFalse();
    }

    @Test
    void aRebuildThatFailedOrWasSmallGivesNoSpeed() {
        Backlog backfill = behind(1_070_000, 5_343_437); // 20 %: replayed only on a measured speed
        assertThat(decide(backfill, 3_700, rebuilt("DONE", 4_273_437, 25_000)).replay()).isTrue();
        CatchUpPolicy.Decision failed = decide(backfill, 3_700, rebuilt("FAILED", 4_273_437, 25_000));
        assertThat(failed.replay()).isFalse();
        assertThat(failed.replayRate()).isEmpty();
        assertThat(failed.applyingSeconds().getAsDouble()).isCloseTo(289.19, within(0.01));
        assertThat(failed.why()).endsWith("until the speeds are measured, a replay needs 25.0 % of the topic");
        // a rebuild of a few events is mostly fixed costs: its rate says nothing about replaying millions
        assertThat(decide(backfill, 3_700, rebuilt("DONE", 199_999, 25_000)).replay()).isFalse();
        assertThat(POLICY.decide(backfill, UNMEASURED, rebuilt("DONE", 4_273_437, 25_000)).replay()).isFalse();
    }

    @Test
    void neverReplaysASmallBacklogNorWhenTurnedOff() {
        LastReplay fast = rebuilt("DONE", 4_000_000, 1_000_000);
        CatchUpPolicy.Decision small = decide(behind(199_999, 200_000), 1, fast);
        assertThat(small.replay()).isFalse();
        assertThat(small.why()).endsWith("a replay is considered from 200,000");
        CatchUpPolicy off = new CatchUpPolicy(false, 1, 0, 1);
        assertThat(off.decide(behind(4_000_000, 4_000_000), UNMEASURED, LastReplay.NONE).replay()).isFalse();
        CatchUpPolicy.Decision offMeasured = off.decide(behind(4_000_000, 4_000_000), OptionalDouble.of(1), fast);
        assertThat(offMeasured.replay()).isFalse();
        assertThat(offMeasured.why()).endsWith("catching up by replay is turned off");
    }

    @Test
    void unmeasuredTheReasonStatesTheBacklogAndItsShare() {
        assertThat(POLICY.decide(behind(1_500_000, 4_000_000), UNMEASURED, LastReplay.NONE).why()).startsWith(
                "catching up: the consumer was 1,500,000 events behind (37.5 % of the 4,000,000 the topic holds); "
                        + "replaying them is faster");
    }

    @Test
    void refusesSettingsThatMeanNothing() {
        assertThatThrownBy(() -> new CatchUpPolicy(true, 0, 0.25, 1.25)).hasMessageContaining("l2r.catch-up.min-lag");
        assertThatThrownBy(() -> new CatchUpPolicy(true, 10, 1.5, 1.25)).hasMessageContaining("l2r.catch-up.min-share");
        assertThatThrownBy(() -> new CatchUpPolicy(true, 10, Double.NaN, 1.25)).hasMessageContaining("min-share");
        assertThatThrownBy(() -> new CatchUpPolicy(true, 10, 0.25, 0.9)).hasMessageContaining("l2r.catch-up.min-speed-up");
        assertThatThrownBy(() -> new CatchUpPolicy(true, 10, 0.25, Double.NaN)).hasMessageContaining("min-speed-up");
    }
}
