package dev.l2r.forecast.trace;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TracedProfile;
import dev.l2r.infra.test.TracedRecords;
import dev.l2r.infra.test.TracedRecords.Traced;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The apply step continues the trace each record's traceparent names, against the real SDK (spans exported to
 * memory), the real broker and PostgreSQL: a readable event's span is a child of the remote span in its headers and
 * ends once the event is in the projections; an unreadable record's span ends as an error, dead-lettered.
 */
@QuarkusTest
@TestProfile(TracedProfile.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class ApplySpansTest {

    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("l2r.outcome");

    @Inject
    InMemorySpanExporter spans;

    @Inject
    AgroalDataSource dataSource;

    @InjectLocalInfra
    LocalInfra infra;

    SpanData childOf(String spanId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(spanId)).findFirst().orElse(null), s -> s != null);
    }

    boolean inEventLog(UUID eventId) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM event_log WHERE event_id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Test
    void eachRecordIsAppliedInTheTraceItsHeadersName() throws Exception {
        Instant at = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        LeadStageChanged event = new LeadStageChanged(UUID.randomUUID(), 1, "traced-" + UUID.randomUUID(), null,
                "MQL", TransitionKind.ADVANCE, null, at, Instant.now(), "api", null, null, null, null, null);
        Traced good = new Traced(event.leadId(), EventJson.write(event));
        Traced unreadable = new Traced("traced-bad", "{\"eventId\": 42");
        TracedRecords.publish(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC, List.of(good, unreadable));

        SpanData applied = childOf(good.spanId());
        assertThat(inEventLog(event.eventId())).as("the span ends after the event is committed").isTrue();
        assertThat(applied.getTraceId()).isEqualTo(good.traceId());
        assertThat(applied.getParentSpanContext().isRemote()).isTrue();
        assertThat(applied.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(applied.getName()).isEqualTo("lead-stage-changed process");
        assertThat(applied.getAttributes().get(AttributeKey.stringKey("l2r.event.id")))
                .isEqualTo(event.eventId().toString());
        assertThat(applied.getAttributes().get(AttributeKey.stringKey("l2r.consumer"))).isEqualTo("forecast-service");
        assertThat(applied.getAttributes().get(OUTCOME)).isEqualTo("applied");
        assertThat(applied.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        SpanData dead = childOf(unreadable.spanId());
        assertThat(dead.getTraceId()).isEqualTo(unreadable.traceId());
        assertThat(dead.getAttributes().get(OUTCOME)).isEqualTo("dead-lettered");
        assertThat(dead.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

        assertThat(spans.getFinishedSpanItems()).as("one apply span per traced record, no receive spans besides")
                .filteredOn(s -> s.getTraceId().equals(good.traceId())).hasSize(1);
    }
}
