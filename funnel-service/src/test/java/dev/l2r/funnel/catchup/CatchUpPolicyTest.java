package dev.l2r.funnel.catchup;

import dev.l2r.funnel.rebuild.RebuildStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatchUpPolicyTest {

    private static final CatchUpPolicy POLICY = new CatchUpPolicy(true, 200_000, 0.25, 1.25);
    private static final OptionalDouble UNMEASURED = OptionalDouble.empty();

    private static Backlog behind(long lag, long retained) {
        return Backlog.of(List.of(new Backlog.Partition(0, 0, retained, retained - lag, null)));
    }

    private static RebuildStatus rebuilt(String state, long events, double eventsPerSecond) {
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        return new RebuildStatus(state, "asked", "done", start, start.plusSeconds(60), events, events, 0, 1,
                BigDecimal.valueOf(eventsPerSecond), null);
    }

    private static boolean replays(CatchUpPolicy policy, Backlog backlog) {
        return policy.replay(backlog, UNMEASURED, RebuildStatus.IDLE).isPresent();
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
        RebuildStatus last = rebuilt("DONE", 4_273_437, 25_000);
        assertThat(POLICY.replay(backfill, OptionalDouble.of(3_700), last)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("catching up: the consumer was 1,070,000 events behind (20.0 % of the 5,343,437 the topic holds)")
                .contains("replaying the topic takes an estimated 214 s at the last rebuild's 25,000 events/s")
                .contains("applying them poll by poll 289 s at the consumer's measured 3,700 events/s"));
        // a faster consumer: 237.8 s live against 213.7 s is only 1.11 times: applied poll by poll
        assertThat(POLICY.replay(backfill, OptionalDouble.of(4_500), last)).isEmpty();
        // the break-even point with this margin: live seconds = 1.25 x replay seconds, at 4,006 events/s
        double breakEven = 1_070_000 / (1.25 * 5_343_437 / 25_000.0);
        assertThat(POLICY.replay(backfill, OptionalDouble.of(breakEven * 0.999), last)).isPresent();
        assertThat(POLICY.replay(backfill, OptionalDouble.of(breakEven * 1.001), last)).isEmpty();
    }

    @Test
    void measuredItLeavesEvenTheWholeTopicToLiveBatchesWhenThoseAreFaster() {
        // a topic of short, dense history: the consumer applies 30,000 events/s, a replay ran at 20,000
        assertThat(POLICY.replay(behind(4_000_000, 4_000_000), OptionalDouble.of(30_000), rebuilt("DONE", 4_000_000, 20_000)))
                .isEmpty();
    }

    @Test
    void aRebuildThatFailedOrWasSmallGivesNoSpeed() {
        Backlog backfill = behind(1_070_000, 5_343_437); // 20 %: replayed only on a measured speed
        OptionalDouble live = OptionalDouble.of(3_700);
        assertThat(POLICY.replay(backfill, live, rebuilt("DONE", 4_273_437, 25_000))).isPresent();
        assertThat(POLICY.replay(backfill, live, rebuilt("FAILED", 4_273_437, 25_000))).isEmpty();
        // a rebuild of a few events is mostly fixed costs: its rate says nothing about replaying millions
        assertThat(POLICY.replay(backfill, live, rebuilt("DONE", 199_999, 25_000))).isEmpty();
        assertThat(POLICY.replay(backfill, UNMEASURED, rebuilt("DONE", 4_273_437, 25_000))).isEmpty();
    }

    @Test
    void neverReplaysASmallBacklogNorWhenTurnedOff() {
        RebuildStatus fast = rebuilt("DONE", 4_000_000, 1_000_000);
        assertThat(POLICY.replay(behind(199_999, 200_000), OptionalDouble.of(1), fast)).isEmpty();
        CatchUpPolicy off = new CatchUpPolicy(false, 1, 0, 1);
        assertThat(off.replay(behind(4_000_000, 4_000_000), UNMEASURED, RebuildStatus.IDLE)).isEmpty();
        assertThat(off.replay(behind(4_000_000, 4_000_000), OptionalDouble.of(1), fast)).isEmpty();
    }

    @Test
    void unmeasuredTheReasonStatesTheBacklogAndItsShare() {
        assertThat(POLICY.replay(behind(1_500_000, 4_000_000), UNMEASURED, RebuildStatus.IDLE)).hasValueSatisfying(
                reason -> assertThat(reason).startsWith("catching up: the consumer was 1,500,000 events behind "
                        + "(37.5 % of the 4,000,000 the topic holds); replaying them is faster"));
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
