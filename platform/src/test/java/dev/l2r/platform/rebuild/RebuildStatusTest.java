package dev.l2r.platform.rebuild;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RebuildStatusTest {

    private static final Instant STARTED = Instant.parse("2025-05-01T10:00:00Z");

    @Test
    void theRateIsEventsReadPerSecondToOneDecimal() {
        assertThat(RebuildStatus.eventsPerSecond(10_000, STARTED, STARTED.plusSeconds(3)))
                .isEqualByComparingTo("3333.3");
        assertThat(RebuildStatus.eventsPerSecond(5, STARTED, STARTED.plusMillis(1500))).isEqualByComparingTo("3.3");
        assertThat(RebuildStatus.eventsPerSecond(7, STARTED, STARTED.plusMillis(1000))).isEqualByComparingTo("7.0");
    }

    @Test
    void noRateBeforeTimePassedOrWithoutAStart() {
        assertThat(RebuildStatus.eventsPerSecond(10, STARTED, STARTED)).isNull();
        assertThat(RebuildStatus.eventsPerSecond(10, null, STARTED)).isNull();
    }

    @Test
    void onlyRunningIsRunning() {
        assertThat(RebuildStatus.IDLE.running()).isFalse();
        assertThat(new RebuildStatus("RUNNING", null, null, STARTED, null, null, 0, 0, 0, null, null).running()).isTrue();
        assertThat(new RebuildStatus("DONE", null, null, STARTED, STARTED, 1L, 1, 0, 1, null, null).running()).isFalse();
    }
}
