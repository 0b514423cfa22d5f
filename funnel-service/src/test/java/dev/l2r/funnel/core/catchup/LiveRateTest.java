package dev.l2r.funnel.core.catchup;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LiveRateTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** One partition of 1,000,000 records, the group committed at {@code committed}, a replay point perhaps. */
    private static Backlog at(long committed, Long replayed) {
        return Backlog.of(List.of(new Backlog.Partition(0, 0, 1_000_000, committed, replayed)));
    }

    @Test
    void measuresTheRecordsGotPastPerSecondWhileBusy() {
        LiveRate rate = new LiveRate(10_000);
        assertThat(rate.eventsPerSecond()).isEmpty();
        rate.observe(T0, at(100_000, null), false);
        assertThat(rate.eventsPerSecond()).isEmpty(); // one look measures nothing
        rate.observe(T0.plusSeconds(15), at(160_000, null), false);
        assertThat(rate.eventsPerSecond()).hasValue(4_000); // 60,000 in 15 s
        rate.observe(T0.plusSeconds(30), at(190_000, null), false);
        assertThat(rate.eventsPerSecond()).hasValue(3_000); // the mean of 4,000 and 2,000
        rate.observe(T0.plusMillis(37_500), at(220_000, null), false);
        assertThat(rate.eventsPerSecond().getAsDouble()).isCloseTo(3_500, within(1e-6)); // (3,000 + 4,000) / 2
    }

    @Test
    void aConsumerThatKeptUpShowsOnlyTheIntakeAndChangesNothing() {
        LiveRate rate = new LiveRate(10_000);
        rate.observe(T0, at(100_000, null), false);
        rate.observe(T0.plusSeconds(15), at(160_000, null), false);
        // then nearly caught up: 995,000 of 1,000,000, 5,000 behind, under the busy mark
        rate.observe(T0.plusSeconds(30), at(995_000, null), false);
        rate.observe(T0.plusSeconds(45), at(996_000, null), false);
        assertThat(rate.eventsPerSecond()).hasValue(4_000);
    }

    @Test
    void intervalsWithAReplayRunningOrReplayedRecordsPassedOverDoNotCount() {
        LiveRate rate = new LiveRate(10_000);
        rate.observe(T0, at(100_000, null), true);
        rate.observe(T0.plusSeconds(15), at(130_000, null), true); // competing with a replay
        assertThat(rate.eventsPerSecond()).isEmpty();
        rate.observe(T0.plusSeconds(30), at(145_000, 900_000L), false); // swapped in: passing over replayed records
        rate.observe(T0.plusSeconds(45), at(800_000, 900_000L), false);
        assertThat(rate.eventsPerSecond()).isEmpty();
        rate.observe(T0.plusSeconds(60), at(905_000, 900_000L), false); // past the replay point, 95,000 behind
        rate.observe(T0.plusSeconds(75), at(950_000, 900_000L), false);
        assertThat(rate.eventsPerSecond()).hasValue(3_000);
    }

    @Test
    void aConsumerThatMovedNotAtAllIsNoMeasurement() {
        LiveRate rate = new LiveRate(10_000); // e.g. its database is down: waited out, not a speed
        rate.observe(T0, at(100_000, null), false);
        rate.observe(T0.plusSeconds(15), at(100_000, null), false);
        assertThat(rate.eventsPerSecond()).isEmpty();
    }
}
