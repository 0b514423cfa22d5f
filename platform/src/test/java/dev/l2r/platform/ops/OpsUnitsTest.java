package dev.l2r.platform.ops;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsUnitsTest {

    @Test
    void aCallersPlainRequestIdIsKeptAnythingElseReplaced() {
        assertThat(RequestIds.acceptOrCreate("gw-7f3a.91:x_1")).isEqualTo("gw-7f3a.91:x_1");
        for (String unsafe : new String[]{null, "", "a b", "id\r\nX-Evil: 1", "x".repeat(101), "<script>"}) {
            String id = RequestIds.acceptOrCreate(unsafe);
            assertThat(id).isNotEqualTo(unsafe);
            assertThat(UUID.fromString(id)).isNotNull();
        }
        assertThat(RequestIds.acceptOrCreate(null)).isNotEqualTo(RequestIds.acceptOrCreate(null));
    }

    @ParameterizedTest
    @CsvSource({
            "/api/webhooks/hubspot, 200, hubspot",
            "/api/webhooks/segment/, 401, segment",
            "/api/webhooks/hubspot, 404, unknown",
            "/api/webhooks/%3Cscript%3E, 400, unknown",
            "/api/webhooks/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, 400, unknown",
            "/api/leads/l-1/transitions, 201, none",
            "/q/health/ready, 200, none"})
    void webhookCallsAreTaggedByABoundedSource(String path, int status, String tag) {
        assertThat(WebhookSourceTag.sourceOf(path, status)).isEqualTo(tag);
    }

    static LeadStageChanged event(String occurredAt, String recordedAt) {
        return new LeadStageChanged(UUID.randomUUID(), 1, "lead-1", null, "MQL", TransitionKind.ADVANCE, null,
                Instant.parse(occurredAt), recordedAt == null ? null : Instant.parse(recordedAt), "api", null, null,
                null, null, null);
    }

    @Test
    void freshnessIsTheAgeOfTheNewestEventTimeAppliedAndDelayTrailsRecordedAt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Clock clock = Clock.fixed(Instant.parse("2025-03-10T12:00:00Z"), ZoneOffset.UTC);
        ProjectionMonitor monitor = new ProjectionMonitor(registry, "funnel-service", clock);
        assertThat(registry.get(ProjectionMonitor.FRESHNESS).tag("consumer", "funnel-service").gauge().value()).isNaN();

        List<LeadStageChanged> applied = new ArrayList<>();
        monitor.apply(List.of(event("2025-03-10T11:00:00Z", "2025-03-10T11:59:50Z"),
                event("2025-03-09T12:00:00Z", "2025-03-10T11:59:58Z")), () -> applied.add(null));
        assertThat(applied).hasSize(1);
        // the newest event time is 11:00, an hour before now
        assertThat(registry.get(ProjectionMonitor.FRESHNESS).gauge().value()).isEqualTo(3600.0);
        assertThat(registry.get(ProjectionMonitor.DELAY).timer().count()).isEqualTo(2);
        assertThat(registry.get(ProjectionMonitor.DELAY).timer().totalTime(TimeUnit.SECONDS)).isEqualTo(12.0);
        assertThat(registry.get(ProjectionMonitor.APPLIED).counter().count()).isEqualTo(2.0);

        // an older, late event does not make the projections look staler than they are
        monitor.apply(List.of(event("2024-01-01T00:00:00Z", null)), () -> { });
        assertThat(registry.get(ProjectionMonitor.FRESHNESS).gauge().value()).isEqualTo(3600.0);
        assertThat(registry.get(ProjectionMonitor.APPLIED).counter().count()).isEqualTo(3.0);
    }

    @Test
    void aFailedBatchIsNotCountedAndItsFailurePassesThrough() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProjectionMonitor monitor = new ProjectionMonitor(registry, "forecast-service", Clock.systemUTC());
        assertThatThrownBy(() -> monitor.apply(List.of(event("2025-03-10T11:00:00Z", null)), () -> {
            throw new SQLException("database gone");
        })).isInstanceOf(SQLException.class).hasMessage("database gone");
        assertThat(registry.get(ProjectionMonitor.APPLIED).counter().count()).isZero();
        assertThat(registry.get(ProjectionMonitor.FRESHNESS).gauge().value()).isNaN();
    }

    @Test
    void batchesAreDescribedByTheirFirstAndLastIdsAndErrorsListABoundedNumber() {
        List<LeadStageChanged> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(event("2025-03-10T11:00:00Z", null));
        }
        assertThat(ProjectionMonitor.describe(events.subList(0, 1))).isEqualTo(events.get(0).eventId().toString());
        assertThat(ProjectionMonitor.describe(events))
                .isEqualTo(events.get(0).eventId() + ".." + events.get(24).eventId() + " (25)");
        String ids = ProjectionMonitor.ids(events, 20);
        assertThat(ids).contains(events.get(19).eventId().toString()).doesNotContain(events.get(20).eventId().toString())
                .endsWith("and 5 more");
    }

    @Test
    void eventIdsAreReadFromAnyPayloadAndNeverFailALogLine() {
        LeadStageChanged e = event("2025-03-10T11:00:00Z", null);
        assertThat(EventIds.of(dev.l2r.events.EventJson.write(e))).isEqualTo(e.eventId().toString());
        assertThat(EventIds.of("{\"eventId\":\"f-1\",\"stages\":[]}")).isEqualTo("f-1");
        assertThat(EventIds.of("not json")).isEqualTo("?");
        assertThat(EventIds.of("{}")).isEqualTo("?");
        assertThat(EventIds.of(null)).isEqualTo("?");
    }
}
