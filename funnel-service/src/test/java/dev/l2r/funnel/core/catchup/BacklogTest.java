package dev.l2r.funnel.core.catchup;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BacklogTest {

    @Test
    void aPartitionStandsAtTheFurthestOfItsCommittedOffsetAndTheReplayPoint() {
        Backlog b = Backlog.of(List.of(
                new Backlog.Partition(0, 0, 1_000, 400L, null),    // committed only: 600 behind
                new Backlog.Partition(1, 0, 1_000, 400L, 900L),    // a replay read further: 100 behind
                new Backlog.Partition(2, 0, 1_000, 950L, 900L),    // committed past the replay point: 50 behind
                new Backlog.Partition(3, 0, 1_000, null, null)));  // never committed: all 1,000 behind
        assertThat(b.positions()).isEqualTo(Map.of(0, 400L, 1, 900L, 2, 950L, 3, 0L));
        assertThat(b.lag()).isEqualTo(600 + 100 + 50 + 1_000);
        assertThat(b.retained()).isEqualTo(4_000);
        assertThat(b.share()).isEqualTo(1_750 / 4_000.0);
        // the group's own offsets, and that it is passing over replayed records in partition 1
        assertThat(b.consumed()).isEqualTo(400 + 400 + 950 + 0);
        assertThat(b.passingOver()).isTrue();
    }

    @Test
    void noPartitionBehindItsReplayPointIsNoPassingOver() {
        Backlog b = Backlog.of(List.of(new Backlog.Partition(0, 0, 1_000, 950L, 900L),
                new Backlog.Partition(1, 0, 1_000, 1_000L, 5_000L))); // at the end: nothing left to pass over
        assertThat(b.passingOver()).isFalse();
        assertThat(b.consumed()).isEqualTo(1_950);
    }

    @Test
    void recordsNoLongerRetainedAreNeitherBehindNorHeld() {
        // retention removed offsets below 700; the group committed 500 long ago
        Backlog b = Backlog.of(List.of(new Backlog.Partition(0, 700, 1_000, 500L, null)));
        assertThat(b.positions()).isEqualTo(Map.of(0, 700L));
        assertThat(b.consumed()).isEqualTo(700);
        assertThat(b.lag()).isEqualTo(300);
        assertThat(b.retained()).isEqualTo(300);
    }

    @Test
    void aReplayPointPastTheEndCountsAsCaughtUp() {
        // a stale replay point (the topic was recreated shorter) never makes the lag negative
        Backlog b = Backlog.of(List.of(new Backlog.Partition(0, 0, 200, 100L, 5_000L)));
        assertThat(b.positions()).isEqualTo(Map.of(0, 200L));
        assertThat(b.lag()).isZero();
    }

    @Test
    void anEmptyTopicHasNoShare() {
        Backlog b = Backlog.of(List.of(new Backlog.Partition(0, 0, 0, null, null)));
        assertThat(b.lag()).isZero();
        assertThat(b.share()).isZero();
    }
}
