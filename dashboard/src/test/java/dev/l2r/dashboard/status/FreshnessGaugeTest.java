package dev.l2r.dashboard.status;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreshnessGaugeTest {

    @Test
    void theGaugeIsReadWithItsLabels() {
        String text = """
                # HELP l2r_projection_freshness_seconds_max not this one
                l2r_projection_freshness_seconds_max{consumer="funnel-service"} 99.0
                # TYPE l2r_projection_freshness_seconds gauge
                l2r_projection_freshness_seconds{consumer="funnel-service"} 12.5
                """;
        assertThat(FreshnessGauge.parse(text)).hasValue(12.5);
        assertThat(FreshnessGauge.parse("l2r_projection_freshness_seconds 3.0E2\n")).hasValue(300.0);
    }

    @Test
    void nothingAppliedYetOrNoGaugeIsNoFigure() {
        assertThat(FreshnessGauge.parse("l2r_projection_freshness_seconds{consumer=\"x\"} NaN\n")).isEmpty();
        assertThat(FreshnessGauge.parse("jvm_threads_live_threads 20.0\n")).isEmpty();
        assertThat(FreshnessGauge.parse("")).isEmpty();
        assertThat(FreshnessGauge.parse("l2r_projection_freshness_seconds{consumer=\"x\"} soon\n")).isEmpty();
    }
}
