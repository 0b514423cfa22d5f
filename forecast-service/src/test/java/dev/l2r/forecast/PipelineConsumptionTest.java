package dev.l2r.forecast;

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

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class PipelineConsumptionTest {

    @InjectLocalInfra
    LocalInfra infra;

    private LeadStageChanged event(String lead, String stage, String at, String amount) {
        return new LeadStageChanged(UUID.randomUUID(), 1, lead, null, stage, TransitionKind.ADVANCE, null,
                Instant.parse(at), Instant.now(), "api", null, null, amount == null ? null : new BigDecimal(amount),
                amount == null ? null : "EUR", LeadAttributes.NONE);
    }

    @Test
    void openOpportunitiesAndPipelineValueFollowTheEvents() throws Exception {
        LeadStageChanged x = event("x", "OPPORTUNITY", "2024-05-01T00:00:00Z", "1000");
        LeadStageChanged y = event("y", "OPPORTUNITY", "2024-05-02T00:00:00Z", "2500.5");
        LeadStageChanged yWon = event("y", "CLOSED_WON", "2024-06-02T00:00:00Z", null);
        LeadStageChanged z = event("z", "SQL", "2024-05-03T00:00:00Z", "700");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            // y's close arrives before its opportunity event, and x is delivered twice
            for (LeadStageChanged e : new LeadStageChanged[]{x, yWon, y, z, x}) {
                producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e))).get();
            }
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().queryParam("from", "2024-01-01").queryParam("to", "2024-12-31")
                        .get("/api/forecast/kpis").then().statusCode(200)
                        .body("openOpportunities", equalTo(1))
                        .body("pipelineValue", equalTo(1000.0f)));
    }
}
