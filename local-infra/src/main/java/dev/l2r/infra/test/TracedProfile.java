package dev.l2r.infra.test;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A service with tracing on and its spans kept in memory: the OpenTelemetry SDK enabled, no OTLP exporter, and each
 * span handed over when it ends (no batching), to the {@code InMemorySpanExporter} bean the module's tests produce.
 * Every other test runs with tracing off, as the services do unless configured.
 */
public class TracedProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.enabled", "false",
                "quarkus.otel.traces.exporter", "cdi",
                "quarkus.otel.simple", "true");
    }
}
