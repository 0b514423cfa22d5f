package dev.l2r.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OpenLoopPlanTest {

    @Test
    void sendsTheRateWithTheMixAndSamplesAlternatelyAtTheirPeriod() {
        List<OpenLoopPlan.Send> plan = OpenLoopPlan.of(1000, 120, 0.3, 10, 250);
        // 300 singles and 70 deliveries of 10 a second: 370 requests, 1,000 events
        assertThat(plan.stream().filter(s -> s.kind() == OpenLoopPlan.Kind.SINGLE)).hasSize(36_000);
        assertThat(plan.stream().filter(s -> s.kind() == OpenLoopPlan.Kind.DELIVERY)).hasSize(8_400);
        assertThat(plan.stream().mapToInt(OpenLoopPlan.Send::events).sum()).isEqualTo(120_000);
        for (int i = 1; i < plan.size(); i++) {
            assertThat(plan.get(i).atNanos()).isGreaterThanOrEqualTo(plan.get(i - 1).atNanos());
        }
        assertThat(plan.get(plan.size() - 1).atNanos()).isLessThan(120_000_000_000L);

        List<OpenLoopPlan.Send> samples = plan.stream().filter(s -> s.sample() >= 0).toList();
        assertThat(samples).hasSize(480);
        for (int k = 0; k < samples.size(); k++) {
            OpenLoopPlan.Send s = samples.get(k);
            assertThat(s.sample()).isEqualTo(k);
            assertThat(s.kind()).isEqualTo(k % 2 == 0 ? OpenLoopPlan.Kind.SINGLE : OpenLoopPlan.Kind.DELIVERY);
            // at or just after its time: within one period of its kind (1/300 s, 1/70 s)
            long due = k * 250_000_000L;
            assertThat(s.atNanos()).isBetween(due, due + 1_000_000_000L / 70 + 1);
        }
        // evenly spaced singles: 1/300 s apart
        List<OpenLoopPlan.Send> singles = plan.stream().filter(s -> s.kind() == OpenLoopPlan.Kind.SINGLE).toList();
        assertThat(singles.get(1).atNanos() - singles.get(0).atNanos()).isEqualTo(3_333_333L);
    }
}
