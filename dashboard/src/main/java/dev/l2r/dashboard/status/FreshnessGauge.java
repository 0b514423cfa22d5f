package dev.l2r.dashboard.status;

import java.util.OptionalDouble;

/**
 * The projection freshness a consumer publishes on its management interface (platform ProjectionMonitor's gauge
 * {@code l2r.projection.freshness.seconds}: now minus the event time of the newest event applied), read from the
 * Prometheus text format. NaN (nothing applied yet) and a missing gauge are empty.
 */
public final class FreshnessGauge {

    static final String NAME = "l2r_projection_freshness_seconds";

    private FreshnessGauge() {
    }

    public static OptionalDouble parse(String prometheusText) {
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(NAME) || line.length() == NAME.length()) {
                continue;
            }
            char next = line.charAt(NAME.length());
            if (next != '{' && next != ' ') {
                continue;
            }
            String value = line.substring(line.lastIndexOf(' ') + 1).trim();
            try {
                double d = Double.parseDouble(value);
                return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
            } catch (NumberFormatException notANumber) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }
}
