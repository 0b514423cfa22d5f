package dev.l2r.funnel.catchup;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.funnel.storage.ProjectionLocks;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.platform.pipeline.DeadLetters;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * A consumer far behind catches up by replaying the topic: the watch starts a rebuild, the consumer passes over
 * what it replayed, nothing is lost or counted twice, and an unreadable record in the backlog is dead-lettered by
 * the replay, whether or not the consumer fetched it before the swap.
 */
@QuarkusTest
@TestProfile(CatchUpReplayTest.FarBehindSoon.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class CatchUpReplayTest {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    /** A backlog of 1,000 is enough to replay, looked at twice a second; small polls. */
    public static class FarBehindSoon implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("l2r.catch-up.min-lag", "1000", "l2r.catch-up.min-share", "0",
                    "l2r.catch-up.check-interval", "500ms",
                    "mp.messaging.incoming.lead-stage-changed.max.poll.records", "100");
        }
    }

    private static final int LEADS = 5_000;

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aLargeBacklogIsReplayedAndTheConsumerGoesOnPastIt() throws Exception {
        String channel = "catch-up-" + UUID.randomUUID();
        LeadAttributes attributes = new LeadAttributes(channel, null, null, null);
        Instant at = Instant.parse("2023-05-10T12:00:00Z");
        List<LeadStageChanged> backlog = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            backlog.add(Publisher.event(channel + "-" + i, "MQL", at, attributes));
        }
        String unreadable = "{\"not\": \"an event " + UUID.randomUUID() + "\"}";
        double passedBefore = metric("l2r_consumer_events_passed_over_total");
        double appliedBefore = metric("l2r_consumer_events_applied_total");
        double duplicateBefore = metric("l2r_consumer_events_duplicate_total");

        try (Connection holder = dataSource.getConnection()) {
            // live batches wait on the projection lock: the consumer falls behind while the events arrive
            lock(holder, "pg_advisory_lock");
            Publisher.publish(infra.kafka().bootstrapServers(), backlog);
            Publisher.publishRaw(infra.kafka().bootstrapServers(), List.of(Map.entry("bad", unreadable)));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/admin/rebuild").then()
                    .body("state", equalTo("RUNNING")).body("reason", startsWith("catching up: the consumer was")));
            // the backlog gauge shows what the watch saw (nothing is swapped in while this lock is held)
            assertThat(metric("l2r_funnel_consumer_backlog")).isGreaterThanOrEqualTo(1_000);
            lock(holder, "pg_advisory_unlock");
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                given().get("/api/admin/rebuild").then().body("state", equalTo("DONE")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(mqls(channel)).isEqualTo(LEADS));
        // every record of the backlog is accounted for once by the live consumer: applied (the watch may start the
        // replay before the last of them is published; those come after its end), or passed over because the
        // replay holds it; the unreadable record is either passed over or set aside. The replay started at 1,000
        // behind, while the consumer was held at the backlog's start: at least that many were passed over.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            double passed = metric("l2r_consumer_events_passed_over_total") - passedBefore;
            double live = metric("l2r_consumer_events_applied_total") - appliedBefore
                    + metric("l2r_consumer_events_duplicate_total") - duplicateBefore;
            assertThat(passed).isGreaterThanOrEqualTo(1_000);
            assertThat(passed + live).isBetween((double) LEADS, LEADS + 1.0);
        });

        // past the replay point the consumer applies events as before
        Publisher.publish(infra.kafka().bootstrapServers(), List.of(Publisher.event(channel + "-late", "MQL", at,
                attributes)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(mqls(channel)).isEqualTo(LEADS + 1));
        // caught up, the watch says so, and it now knows the replay's speed
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/admin/catch-up").then()
                .statusCode(200).body("backlog", equalTo(0)).body("replay", equalTo(false))
                .body("rebuildRunning", equalTo(false))
                .body("why", startsWith("the consumer was 0 events behind"))
                .body("why", endsWith("; a replay is considered from 1,000"))
                .body("lastRebuildEventsPerSecond", greaterThan(0f)));
        // the gauge is the backlog at the watch's last look, which may come a moment after the answer above
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(given().get(metrics).then().extract()
                .asString()).containsPattern("(?m)^l2r_funnel_consumer_backlog(\\{[^}]*})? 0\\.0$"));
        // the replay dead-lettered it (the consumer, which may have fetched it before the swap, perhaps too)
        assertThat(deadLettered(unreadable)).contains("replay").hasSizeLessThanOrEqualTo(2);
    }

    private static int mqls(String channel) {
        return given().queryParam("from", "2023-05-01").queryParam("to", "2023-05-31").queryParam("channel", channel)
                .get("/api/funnel").then().statusCode(200).extract().path("stages.find { it.stage == 'MQL' }.entered");
    }

    private static void lock(Connection c, String function) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
            ps.setLong(1, ProjectionLocks.PROJECTION_LOCK);
            ps.execute();
        }
    }

    private double metric(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)(?: # .*)?$")
                .matcher(given().get(metrics).then().extract().asString());
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    /** Who dead-lettered each copy of this value the dead-letter topic holds. */
    private List<String> deadLettered(String value) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                infra.kafka().bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("lead-stage-changed-dlq-funnel").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> foundBy = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(r.value())) {
                        foundBy.add(new String(r.headers().lastHeader(DeadLetters.FOUND_BY).value(), UTF_8));
                    }
                }
            }
            return foundBy;
        }
    }
}
