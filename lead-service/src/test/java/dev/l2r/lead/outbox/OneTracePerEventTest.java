package dev.l2r.lead.outbox;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.infra.test.TracedProfile;
import io.agroal.api.AgroalDataSource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace per stage change, against the real SDK (spans exported to memory), PostgreSQL and Kafka: the caller's
 * {@code traceparent} starts the request's server span; the outbox row stores that span's context (read while the
 * relay is held off by its own advisory lock); the relay publishes in a child span whose context is in the record's
 * headers. Every id is compared with the one made by the caller or by the SDK, not with the code's own reading.
 */
@QuarkusTest
@TestProfile(TracedProfile.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class OneTracePerEventTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant T = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    @Inject
    InMemorySpanExporter spans;

    @Inject
    AgroalDataSource dataSource;

    @InjectLocalInfra
    LocalInfra infra;

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** What the relay would publish now, were it not held off. */
    String storedTraceparent(String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT traceparent FROM outbox WHERE payload LIKE ?")) {
            ps.setString(1, "%\"eventId\":\"" + eventId + "\"%");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the outbox row of event %s", eventId).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Holds the relay's advisory lock (a session lock conflicts with its transaction lock) while the work runs. */
    <T> T relayHeldOff(SqlWork<T> work) throws Exception {
        try (Connection hold = dataSource.getConnection()) {
            try (PreparedStatement ps = hold.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, OutboxRelay.RELAY_LOCK);
                ps.execute();
            }
            try {
                return work.run();
            } finally {
                try (PreparedStatement ps = hold.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, OutboxRelay.RELAY_LOCK);
                    ps.execute();
                }
            }
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws Exception;
    }

    SpanData serverSpan(String traceId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER)
                .findFirst().orElse(null), s -> s != null);
    }

    SpanData publishSpan(String eventId) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER
                        && eventId.equals(s.getAttributes().get(AttributeKey.stringKey("l2r.event.id"))))
                .findFirst().orElse(null), s -> s != null);
    }

    List<ConsumerRecord<String, String>> recordsOf(String traceId) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC)) {
            Header h = r.headers().lastHeader("traceparent");
            if (h != null && new String(h.value(), StandardCharsets.UTF_8).contains(traceId)) {
                found.add(r);
            }
        }
        return found;
    }

    /** The whole chain after the request: row → publish span → record headers, for the event with this id. */
    void followsTheTrace(String traceId, SpanData server, String eventId, String storedTraceparent) {
        assertThat(storedTraceparent).as("the row keeps the request's span")
                .isEqualTo("00-" + traceId + "-" + server.getSpanId() + "-01");

        SpanData publish = publishSpan(eventId);
        assertThat(publish.getTraceId()).isEqualTo(traceId);
        assertThat(publish.getParentSpanId()).as("published in a child of the request's span").isEqualTo(server.getSpanId());
        assertThat(publish.getName()).isEqualTo("lead-stage-changed publish");
        assertThat(publish.getEndEpochNanos()).isGreaterThan(server.getEndEpochNanos());

        List<ConsumerRecord<String, String>> records = await().atMost(Duration.ofSeconds(20))
                .until(() -> recordsOf(traceId), r -> !r.isEmpty());
        assertThat(records).hasSize(1);
        ConsumerRecord<String, String> record = records.get(0);
        assertThat(record.value()).contains(eventId);
        assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .as("the consumers continue from the publish span")
                .isEqualTo("00-" + traceId + "-" + publish.getSpanId() + "-01");
        assertThat(publish.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset"))).isEqualTo(record.offset());
    }

    @Test
    void aRestTransitionIsPublishedInTheTraceOfItsRequest() throws Exception {
        String traceId = hex(16);
        String callerSpan = hex(8);
        String lead = "traced-" + UUID.randomUUID();
        String[] eventId = new String[1];
        String stored = relayHeldOff(() -> {
            eventId[0] = given().header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                    .contentType(ContentType.JSON)
                    .body("""
                            {"toStage":"MQL","occurredAt":"%s","source":"api","sourceEventId":"t-1"}""".formatted(T))
                    .post("/api/leads/{id}/transitions", lead)
                    .then().statusCode(201).extract().path("eventId");
            return storedTraceparent(eventId[0]);
        });
        SpanData server = serverSpan(traceId);
        assertThat(server.getParentSpanId()).as("the caller's span").isEqualTo(callerSpan);
        assertThat(server.getName()).isEqualTo("POST /api/leads/{leadId}/transitions");
        followsTheTrace(traceId, server, eventId[0], stored);
    }

    @Test
    void aSignedWebhookDeliveryIsPublishedInTheTraceOfItsRequest() throws Exception {
        String traceId = hex(16);
        String lead = "traced-hook-" + UUID.randomUUID();
        String body = """
                {"leadId":"%s","toStage":"SQL","occurredAt":"%s","source":"zapier","sourceEventId":"z-1"}"""
                .formatted(lead, T);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("test-generic-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        String stored = relayHeldOff(() -> {
            given().header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                    .header("X-L2R-Signature", signature).contentType("application/json")
                    .body(body.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/generic")
                    .then().statusCode(200);
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT traceparent FROM outbox WHERE message_key LIKE ?")) {
                ps.setString(1, "%" + lead);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    return rs.getString(1);
                }
            }
        });
        SpanData server = serverSpan(traceId);
        assertThat(server.getName()).isEqualTo("POST /api/webhooks/{source}");
        String eventId = await().atMost(Duration.ofSeconds(20)).until(() -> recordsOf(traceId), r -> !r.isEmpty())
                .get(0).value().replaceAll("(?s).*\"eventId\":\"([^\"]+)\".*", "$1");
        followsTheTrace(traceId, server, eventId, stored);
    }

    @Test
    void withoutACallerTheRequestStartsTheTrace() throws Exception {
        String lead = "traced-root-" + UUID.randomUUID();
        String eventId = given().contentType(ContentType.JSON)
                .body("""
                        {"toStage":"MQL","occurredAt":"%s","source":"api"}""".formatted(T))
                .post("/api/leads/{id}/transitions", lead)
                .then().statusCode(201).extract().path("eventId");
        SpanData publish = publishSpan(eventId);
        SpanData server = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getSpanId().equals(publish.getParentSpanId())).findFirst().orElseThrow();
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getParentSpanContext().isValid()).as("a root span").isFalse();
        assertThat(publish.getTraceId()).isEqualTo(server.getTraceId());
    }
}
