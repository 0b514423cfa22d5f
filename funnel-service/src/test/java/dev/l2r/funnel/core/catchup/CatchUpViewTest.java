package dev.l2r.funnel.core.catchup;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class CatchUpViewTest {

    private static final Instant AT = Instant.parse("2025-05-01T10:00:00Z");
    // 300 of 900 records behind
    private static final Backlog BACKLOG = Backlog.of(List.of(new Backlog.Partition(0, 0, 900, 600L, null)));

    @Test
    void aLookShowsTheBacklogTheDecisionAndItsFiguresRounded() {
        CatchUpPolicy.Decision decision = new CatchUpPolicy.Decision(true, "catching up: because", OptionalDouble.of(1234.56),
                OptionalDouble.of(9876.54), OptionalDouble.of(0.243), OptionalDouble.empty());
        CatchUpView view = CatchUpView.of(AT, BACKLOG, decision);
        assertThat(view.lookedAt()).isEqualTo(AT);
        assertThat(view.backlog()).isEqualTo(300);
        assertThat(view.retained()).isEqualTo(900);
        assertThat(view.share()).isEqualByComparingTo("0.3333");
        assertThat(view.rebuildRunning()).isFalse();
        assertThat(view.replay()).isTrue();
        assertThat(view.why()).isEqualTo("catching up: because");
        assertThat(view.consumerEventsPerSecond()).isEqualByComparingTo("1234.6");
        assertThat(view.lastRebuildEventsPerSecond()).isEqualByComparingTo("9876.5");
        assertThat(view.applyingSeconds()).isEqualByComparingTo("0.2");
        assertThat(view.replayingSeconds()).isNull();
    }

    @Test
    void whileARebuildRunsThePolicyIsNotAsked() {
        CatchUpView view = CatchUpView.rebuilding(AT, BACKLOG);
        assertThat(view.rebuildRunning()).isTrue();
        assertThat(view.replay()).isFalse();
        assertThat(view.why()).isEqualTo("a rebuild is running");
        assertThat(view.consumerEventsPerSecond()).isNull();
        assertThat(CatchUpView.NOT_YET.backlog()).isNull();
    }
}
