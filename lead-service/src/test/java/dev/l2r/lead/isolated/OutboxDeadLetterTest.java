package dev.l2r.lead.isolated;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * A row Kafka can never take no longer sits at the head of the outbox retried forever: against the real broker,
 * one row over the producer's max.request.size (64 KB in this profile) and one over its topic's
 * max.message.bytes (refused by the broker) are moved to outbox_dead_letter, counted and listed for the admin,
 * and a transition recorded behind them is published at once. Intake itself cannot make such a row: a funnel
 * definition whose announcement would not fit is refused at PUT.
 */
@QuarkusTest
@TestProfile(IsolatedProfile.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class OutboxDeadLetterTest {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    long insertOutboxRow(String topic, String key, String payload) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (id, topic, message_key, payload, created_at) "
                        + "VALUES (nextval('outbox_id_seq'), ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, topic);
            ps.setString(2, key);
            ps.setString(3, payload);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    long count(String sql, long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    double deadLettered() {
        Matcher m = Pattern.compile("(?m)^l2r_outbox_dead_lettered_total ([0-9.eE+-]+)(?: # .*)?$")
                .matcher(given().get(metrics).asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static String payload(String eventId, int size) {
        String head = "{\"eventId\":\"" + eventId + "\",\"filler\":\"";
        return head + "x".repeat(size - head.length() - 2) + "\"}";
    }

    @Test
    void rowsKafkaCanNeverTakeAreMovedAsideAndTheRowsBehindThemArePublished() throws Exception {
        double before = deadLettered();
        String smallTopic = "dead-letter-small-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(smallTopic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "2000")))).all().get();
        }
        String tooLargeForProducer = UUID.randomUUID().toString();
        String tooLargeForBroker = UUID.randomUUID().toString();
        String bigPayload = payload(tooLargeForProducer, 2 * 1024 * 1024);
        long first = insertOutboxRow(LeadStageChanged.TOPIC, "dl-big", bigPayload);
        long second = insertOutboxRow(smallTopic, "dl-small", payload(tooLargeForBroker, 10_000));

        String lead = "dl-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\"}")
                .post("/api/leads/{id}/transitions", lead).then().statusCode(201);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                        .filter(r -> lead.equals(r.key())).count()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(count("SELECT count(*) FROM outbox WHERE id = ?", first)).isZero();
            assertThat(count("SELECT count(*) FROM outbox WHERE id = ?", second)).isZero();
        });
        assertThat(count("SELECT count(*) FROM outbox_dead_letter WHERE id = ?", first)).isEqualTo(1);
        assertThat(deadLettered() - before).isEqualTo(2.0);

        given().get("/api/admin/outbox/dead-letters").then().statusCode(200)
                .body("findAll { it.id == " + first + " }[0].eventId", equalTo(tooLargeForProducer))
                .body("findAll { it.id == " + first + " }[0].payloadCharacters", equalTo(bigPayload.length()))
                .body("findAll { it.id == " + first + " }[0].error", startsWith("org.apache.kafka.common.errors.RecordTooLargeException"))
                .body("findAll { it.id == " + second + " }[0].topic", equalTo(smallTopic))
                .body("findAll { it.id == " + second + " }[0].eventId", equalTo(tooLargeForBroker))
                .body("findAll { it.id == " + second + " }[0].error", startsWith("org.apache.kafka.common.errors.RecordTooLargeException"));
        String stored = given().get("/api/admin/outbox/dead-letters/{id}", first).then().statusCode(200)
                .extract().path("payload");
        assertThat(stored).isEqualTo(bigPayload);
        given().get("/api/admin/outbox/dead-letters/{id}", 999_999_999L).then().statusCode(404);
        given().get("/api/admin/outbox/dead-letters?limit=0").then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void aDefinitionWhoseAnnouncementWouldNotFitInAKafkaMessageIsRefused() {
        String description = "d".repeat(500);
        String stages = IntStream.range(0, 99)
                .mapToObj(i -> "{\"key\":\"S" + i + "\",\"description\":\"" + description + "\",\"trigger\":\""
                        + description + "\",\"terminal\":false}")
                .collect(Collectors.joining(",", "{\"stages\":[", ",{\"key\":\"WON\",\"terminal\":true,\"outcome\":\"WON\"}],\"mappings\":[]}"));
        int versions = given().get("/api/funnel/definition/versions").then().extract().jsonPath().getList("$").size();
        given().contentType(ContentType.JSON).body(stages).put("/api/funnel/definition").then().statusCode(400)
                .body("field", equalTo("stages"))
                .body("detail", org.hamcrest.Matchers.containsString("l2r.outbox.max-message-size"));
        given().get("/api/funnel/definition/versions").then().body("size()", equalTo(versions));
    }
}
