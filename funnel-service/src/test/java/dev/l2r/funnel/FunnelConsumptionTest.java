package dev.l2r.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class FunnelConsumptionTest {

    @InjectLocalInfra
    LocalInfra infra;

    private LeadStageChanged event(String lead, String stage, String at) {
        return new LeadStageChanged(UUID.randomUUID(), 1, lead, null, stage, TransitionKind.ADVANCE, null,
                Instant.parse(at), Instant.now(), "api", null, null, null, null,
                new LeadAttributes("email", null, null, null));
    }

    private void publish(LeadStageChanged... events) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (LeadStageChanged e : events) {
                producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e))).get();
            }
        }
    }

    @Test
    void countsFirstEntriesOnceWhateverTheArrivalOrder() throws Exception {
        // lead a: MQL in Jan, SQL in Feb (skips SAL), and its MQL event delivered twice
        LeadStageChanged aMql = event("a", "MQL", "2024-01-10T00:00:00Z");
        LeadStageChanged aSql = event("a", "SQL", "2024-02-03T00:00:00Z");
        // lead b: events arrive out of order; the late KNOWN happened before MQL
        LeadStageChanged bMql = event("b", "MQL", "2024-01-20T00:00:00Z");
        LeadStageChanged bKnown = event("b", "KNOWN", "2024-01-05T00:00:00Z");
        // lead c: enters MQL in March, outside the January window
        LeadStageChanged cMql = event("c", "MQL", "2024-03-01T00:00:00Z");
        publish(aMql, aSql, bMql, aMql, bKnown, cMql);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().queryParam("from", "2024-01-01").queryParam("to", "2024-12-31")
                        .get("/api/funnel").then().statusCode(200)
                        .body("stages.find { it.stage == 'MQL' }.entered", equalTo(3))
                        .body("stages.find { it.stage == 'SAL' }.entered", equalTo(1))
                        .body("stages.find { it.stage == 'KNOWN' }.entered", equalTo(1)));

        given().queryParam("from", "2024-01-01").queryParam("to", "2024-01-31")
                .get("/api/funnel").then().statusCode(200)
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(2))
                .body("stages.find { it.stage == 'SQL' }.entered", equalTo(0))
                .body("stages[0].stage", equalTo("ANONYMOUS"));
    }

    @Test
    void badPeriodIsAProblemNamingTheParameter() {
        given().queryParam("from", "2024-13-01").queryParam("to", "2024-12-31").get("/api/funnel")
                .then().statusCode(400).contentType("application/problem+json").body("field", equalTo("from"));
        given().queryParam("from", "2024-02-01").queryParam("to", "2024-01-01").get("/api/funnel")
                .then().statusCode(400).body("field", equalTo("to"));
    }
}
