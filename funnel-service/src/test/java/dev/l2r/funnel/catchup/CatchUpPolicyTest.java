package dev.l2r.funnel.catchup;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatchUpPolicyTest {

    private static Backlog behind(long lag, long retained) {
        return Backlog.of(List.of(new Backlog.Partition(0, 0, retained, retained - lag, null)));
    }

    @Test
    void replaysOnlyABacklogThatIsBothLargeAndALargeShareOfTheTopic() {
        CatchUpPolicy policy = new CatchUpPolicy(true, 200_000, 0.25);
        assertThat(policy.replay(behind(4_000_000, 4_000_000))).isTrue();   // a fresh deployment beside history
        assertThat(policy.replay(behind(1_000_000, 4_000_000))).isTrue();   // exactly a quarter
        assertThat(policy.replay(behind(999_999, 4_000_000))).isFalse();    // just under a quarter
        assertThat(policy.replay(behind(199_999, 199_999))).isFalse();      // all of the topic, but small
        assertThat(policy.replay(behind(200_000, 200_000))).isTrue();
    }

    @Test
    void neverReplaysWhenTurnedOff() {
        assertThat(new CatchUpPolicy(false, 1, 0).replay(behind(4_000_000, 4_000_000))).isFalse();
    }

    @Test
    void theReasonStatesTheBacklogAndItsShare() {
        assertThat(CatchUpPolicy.reason(behind(1_500_000, 4_000_000))).startsWith(
                "catching up: the consumer was 1,500,000 events behind (37.5 % of the 4,000,000 the topic holds)");
    }

    @Test
    void refusesSettingsThatMeanNothing() {
        assertThatThrownBy(() -> new CatchUpPolicy(true, 0, 0.25)).hasMessageContaining("l2r.catch-up.min-lag");
        assertThatThrownBy(() -> new CatchUpPolicy(true, 10, 1.5)).hasMessageContaining("l2r.catch-up.min-share");
        assertThatThrownBy(() -> new CatchUpPolicy(true, 10, Double.NaN)).hasMessageContaining("min-share");
    }
}
