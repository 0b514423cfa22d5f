package dev.l2r.forecast;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.l2r.forecast.Scenario.at;
import static dev.l2r.forecast.Scenario.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The consumer against the real broker: dead letters, a poison event, and a new funnel definition. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class ConsumerTest extends IntegrationTestBase {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    static final String DLQ = "lead-stage-changed-dlq-forecast";

    /** The sum over every series of the metric (e.g. dead letters per reason). */
    double metric(String name) {
        String text = given().get(metrics).then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + name + "(\\{[^}]*})? ([0-9.Ee+-]+)(?: # .*)?$", Pattern.MULTILINE).matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    static List<ConsumerRecord<String, String>> deadLetters(String infraServers, String key) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicProbe.readAll(infraServers, DLQ)) {
            if (key.equals(r.key())) {
                found.add(r);
            }
        }
        return found;
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicWithTheReasonAndTheRestIsKept() {
        double before = metric("l2r_consumer_events_dead_lettered_total");
        LeadStageChanged good = event("dl", "SQL", 5, null, null);
        String wrongVersion = EventJson.write(event("dl", "MQL", 4, null, null)).replace("\"schemaVersion\":1",
                "\"schemaVersion\":2");
        String noTime = EventJson.write(event("dl", "MQL", 4, null, null)).replaceAll("\"occurredAt\":\"[^\"]*\",", "");
        scenario.send(LeadStageChanged.TOPIC, "dl", "this is not json");
        scenario.send(LeadStageChanged.TOPIC, "dl", wrongVersion);
        scenario.send(LeadStageChanged.TOPIC, "dl", noTime);
        scenario.publishAndAwait(List.of(good));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(deadLetters(infra.kafka().bootstrapServers(), "dl")).hasSize(3));
        List<ConsumerRecord<String, String>> dead = deadLetters(infra.kafka().bootstrapServers(), "dl");
        assertThat(dead).extracting(ConsumerRecord::value).containsExactly("this is not json", wrongVersion, noTime);
        assertThat(header(dead.get(0), "dead-letter-reason")).startsWith("not a LeadStageChanged");
        assertThat(header(dead.get(1), "dead-letter-reason")).isEqualTo("schemaVersion 2 is not 1");
        assertThat(header(dead.get(2), "dead-letter-reason")).isEqualTo("occurredAt is missing");
        assertThat(header(dead.get(0), "dead-letter-topic")).isEqualTo(LeadStageChanged.TOPIC);
        assertThat(header(dead.get(0), "dead-letter-offset")).isNotBlank();
        assertThat(metric("l2r_consumer_events_dead_lettered_total")).isEqualTo(before + 3);

        given().queryParam("asOf", at(6)).get("/api/forecast/leads").then().statusCode(200)
                .body("leads.leadId", equalTo(List.of("dl")));
    }

    @Test
    void anEventTheDatabaseRefusesIsDeadLetteredAloneAndTheOthersAreApplied() {
        // PostgreSQL text cannot hold a NUL character: this event fails in the projection, not in the reader
        LeadStageChanged poison = event("bad\u0000lead", "SQL", 5, null, null);
        LeadStageChanged fine = event("fine", "SQL", 5, null, null);
        scenario.publish(List.of(poison, fine));
        scenario.awaitStored(List.of(fine.eventId()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(deadLetters(infra.kafka().bootstrapServers(), "bad\u0000lead")).hasSize(1));
        assertThat(header(deadLetters(infra.kafka().bootstrapServers(), "bad\u0000lead").get(0),
                "dead-letter-reason")).startsWith("projection failed");
    }

    @Test
    void aNewFunnelDefinitionRebuildsTheProjectionUnderItsStages() {
        // DEMO is not a stage of the canonical funnel: the event is kept but means nothing yet
        scenario.publishAndAwait(List.of(event("demo-lead", "DEMO", 50, "700", null),
                event("opp-lead", "OPPORTUNITY", 50, "100", null)));
        given().queryParam("asOf", at(60)).get("/api/forecast").then().statusCode(200)
                .body("byStage.stage", equalTo(List.of("ANONYMOUS", "KNOWN", "ENGAGED", "MQL", "SAL", "SQL",
                        "OPPORTUNITY")));

        // lead-service's first announcement is the canonical funnel: adopted without rebuilding anything
        double rebuilds = metric("l2r_forecast_rebuilds_total");
        long first = System.currentTimeMillis();
        scenario.send(FunnelDefinitionChanged.TOPIC, FunnelDefinitionChanged.KEY,
                EventJson.write(new FunnelDefinitionChanged(first, Instant.now(), FunnelDefinition.canonical())));
        await().atMost(Duration.ofSeconds(60)).until(() -> funnelVersion() == first);
        assertThat(metric("l2r_forecast_rebuilds_total")).isEqualTo(rebuilds);

        FunnelDefinition withDemo = new FunnelDefinition(List.of(
                StageDefinition.open("SQL", "qualified", "meeting held"),
                StageDefinition.open("DEMO", "demo given", "demo held"),
                StageDefinition.open("OPPORTUNITY", "opportunity", "created"),
                StageDefinition.terminal("CLOSED_WON", "won", dev.l2r.events.funnel.StageOutcome.WON),
                StageDefinition.terminal("CLOSED_LOST", "lost", dev.l2r.events.funnel.StageOutcome.LOST)));
        long version = first + 1;
        scenario.send(FunnelDefinitionChanged.TOPIC, FunnelDefinitionChanged.KEY,
                EventJson.write(new FunnelDefinitionChanged(version, Instant.now(), withDemo)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().queryParam("asOf", at(60)).get("/api/forecast").then().statusCode(200)
                        .body("byStage.stage", equalTo(List.of("SQL", "DEMO", "OPPORTUNITY")))
                        .body("byStage[1].openLeads", equalTo(1))
                        .body("byStage[1].pipelineValue", equalTo(700.0f)));
        assertThat(metric("l2r_forecast_rebuilds_total")).isEqualTo(rebuilds + 1);

        // an older version arriving later changes nothing; an invalid one is counted and ignored
        double rejected = metric("l2r_forecast_funnel_definitions_rejected_total");
        scenario.send(FunnelDefinitionChanged.TOPIC, FunnelDefinitionChanged.KEY,
                EventJson.write(new FunnelDefinitionChanged(version - 1, Instant.now(), FunnelDefinition.canonical())));
        scenario.send(FunnelDefinitionChanged.TOPIC, FunnelDefinitionChanged.KEY, "{\"version\": " + (version + 1)
                + ", \"definition\": {\"stages\": []}}");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                metric("l2r_forecast_funnel_definitions_rejected_total") == rejected + 1);
        given().queryParam("asOf", at(60)).get("/api/forecast").then().statusCode(200)
                .body("byStage.stage", equalTo(List.of("SQL", "DEMO", "OPPORTUNITY")));
    }

    long funnelVersion() throws java.sql.SQLException {
        try (var c = dataSource.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT funnel_version FROM projection_state")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void healthAndMetricsAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        assertThat(given().get(metrics).then().statusCode(200).extract().asString())
                .contains("l2r_consumer_events_applied_total{projection=\"forecast\"");
        given().get("/q/openapi").then().statusCode(200);
    }
}
