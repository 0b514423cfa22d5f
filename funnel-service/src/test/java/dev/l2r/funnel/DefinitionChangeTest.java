package dev.l2r.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.funnel.rebuild.Rebuilder;
import dev.l2r.funnel.storage.RebuildRequests;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** A new stage order on the funnel-definition topic, or any recorded request, rebuilds the projections. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class DefinitionChangeTest {

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Rebuilder rebuilder;

    @Test
    void aNewStageOrderRebuildsTheFiguresAndTheCanonicalOneRestoresThem() throws Exception {
        Publisher.publish(infra.kafka().bootstrapServers(), List.of(
                Publisher.event("def-x", "MQL", Instant.parse("2022-01-03T00:00:00Z"), LeadAttributes.NONE),
                Publisher.event("def-x", "SQL", Instant.parse("2022-01-10T00:00:00Z"), LeadAttributes.NONE)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> january().then()
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(1)));

        // a DEMO stage between SAL and SQL: def-x now passed through it too
        List<StageDefinition> stages = new ArrayList<>(FunnelDefinition.canonical().stages());
        stages.add(5, StageDefinition.open("DEMO", "demo held", "demo meeting"));
        publishDefinition(1_000, new FunnelDefinition(stages));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().get("/api/admin/rebuild").then().body("state", equalTo("DONE"))
                    .body("reason", equalTo("funnel definition version 1000"));
            january().then()
                    .body("stages.find { it.stage == 'SAL' }.nextStage", equalTo("DEMO"))
                    .body("stages.find { it.stage == 'DEMO' }.entered", equalTo(1))
                    .body("stages.find { it.stage == 'DEMO' }.reachedNext", equalTo(1));
        });

        publishDefinition(1_001, FunnelDefinition.canonical());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().get("/api/admin/rebuild").then().body("state", equalTo("DONE"))
                    .body("reason", equalTo("funnel definition version 1001"));
            january().then().body("stages.stage", not(hasItem("DEMO")))
                    .body("stages.find { it.stage == 'SAL' }.nextStage", equalTo("SQL"));
        });
    }

    /** What a schema migration (or a definition stored just before a crash) leaves: a request, served once. */
    @Test
    void aRecordedRequestIsServedByOneRebuildAndCleared() throws Exception {
        Publisher.publish(infra.kafka().bootstrapServers(), List.of(
                Publisher.event("req-x", "MQL", Instant.parse("2023-02-01T00:00:00Z"), LeadAttributes.NONE)));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM lead_stage_entry WHERE lead_id = 'req-x'") == 1);
        try (Connection c = dataSource.getConnection()) {
            RebuildRequests.require(c, "test: projections stale");
        }
        rebuilder.startIfRequired();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/admin/rebuild").then()
                .body("state", equalTo("DONE")).body("reason", equalTo("test: projections stale")));
        assertThat(count("SELECT count(*) FROM projection_rebuild_required")).isZero();
        assertThat(count("SELECT count(*) FROM lead_stage_entry WHERE lead_id = 'req-x'")).isEqualTo(1);
        // the swapped-in cells were made by the same migrations: pages with room for in-place updates
        assertThat(count("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                + "AND relname IN ('cohort_cube', 'conversion_cube', 'velocity_cube') AND 'fillfactor=70' = ANY (reloptions)"))
                .isEqualTo(3);
        rebuilder.startIfRequired(); // nothing left to do
        assertThat(given().get("/api/admin/rebuild").then().extract().path("state").toString()).isEqualTo("DONE");
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static io.restassured.response.Response january() {
        return given().queryParam("from", "2022-01-01").queryParam("to", "2022-01-31").get("/api/funnel");
    }

    private void publishDefinition(long version, FunnelDefinition definition) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafka().bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(FunnelDefinitionChanged.TOPIC, FunnelDefinitionChanged.KEY,
                    EventJson.write(new FunnelDefinitionChanged(version, Instant.now(), definition)))).get();
        }
    }
}
