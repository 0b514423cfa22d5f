package dev.l2r.bench.scenario;

import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The harness's reading of funnel-service's rebuild status, on statuses in the service's own words: a rebuild its
 * catch-up watch started (reason from {@code CatchUpPolicy}, checked against the running service by
 * funnel-service's {@code CatchUpReplayTest}) and one asked for over the API ({@code AdminResource}).
 */
class RebuildReasonTest {

    @Test
    void aReplayStartedByTheCatchUpWatchIsOneAndNothingElseIs() {
        assertThat(RebuildReason.startedToCatchUp("""
                {"state":"DONE","reason":"catching up: the consumer was 4,156,837 events behind (97.3 % of the \
                4,273,437 the topic holds); replaying them is faster than applying them poll by poll",\
                "startedAt":"2026-12-06T23:50:01Z","finishedAt":"2026-12-06T23:53:02Z"}""")).isTrue();
        assertThat(RebuildReason.startedToCatchUp("""
                {"state":"RUNNING","reason":"requested over the API","phase":"replaying",\
                "startedAt":"2026-12-06T23:54:00Z"}""")).isFalse();
        // the words elsewhere, or a reason that only mentions them, are not a catch-up
        assertThat(RebuildReason.startedToCatchUp("""
                {"state":"DONE","reason":"funnel definition 3 stored","phase":"catching up: done"}""")).isFalse();
        assertThat(RebuildReason.startedToCatchUp("""
                {"state":"DONE","reason":"requested over the API after catching up: slow"}""")).isFalse();
        assertThat(RebuildReason.startedToCatchUp("{\"state\":\"IDLE\"}")).isFalse();
    }

    @Test
    void somethingThatIsNotAStatusIsSaidLoudly() {
        assertThatThrownBy(() -> RebuildReason.startedToCatchUp("<html>502</html>"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("not a rebuild status");
    }
}
