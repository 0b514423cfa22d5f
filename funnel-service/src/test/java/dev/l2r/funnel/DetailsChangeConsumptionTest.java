package dev.l2r.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadEventTypes;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * A details change (header l2r-event-type: LeadDetailsChanged) sets the lead's owner as a stage change's attributes
 * do, so its cells by owner follow; a kind of event this consumer does not know is set aside (reason unknown_type)
 * and the consumer goes on.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class DetailsChangeConsumptionTest {

    @InjectLocalInfra
    LocalInfra infra;

    private void send(String lead, String payload, String type) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", infra.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(LeadStageChanged.TOPIC, lead, payload);
            if (type != null) {
                record.headers().add(LeadEventTypes.HEADER, type.getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        }
    }

    private static int entered(String owner, String stage) {
        return given().queryParam("from", "2023-05-01").queryParam("to", "2023-05-31").queryParam("owner", owner)
                .get("/api/funnel").then().statusCode(200).extract().jsonPath()
                .getInt("stages.find { it.stage == '" + stage + "' }.entered");
    }

    @Test
    void anOwnerChangedWithoutAStageMovesTheLeadsCellsByOwner() throws Exception {
        String lead = "details-" + UUID.randomUUID();
        String ann = "ann-" + lead;
        String bob = "bob-" + lead;
        LeadStageChanged mql = new LeadStageChanged(UUID.randomUUID(), 1, lead, null, "MQL", TransitionKind.ADVANCE,
                null, Instant.parse("2023-05-03T10:00:00Z"), Instant.now(), "api", null, null, null, null,
                new LeadAttributes("email", "smb", ann, null));
        send(lead, EventJson.write(mql), null); // an old producer's record: no header
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> org.assertj.core.api.Assertions
                .assertThat(entered(ann, "MQL")).isEqualTo(1));

        LeadDetailsChanged handedOver = new LeadDetailsChanged(UUID.randomUUID(), 1, lead,
                Instant.parse("2023-05-20T09:00:00Z"), Instant.now(), "hubspot", "62515:deal:1:details", null, null,
                new LeadAttributes(null, null, bob, null));
        send(lead, EventJson.write(handedOver), LeadEventTypes.LEAD_DETAILS_CHANGED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            org.assertj.core.api.Assertions.assertThat(entered(bob, "MQL")).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThat(entered(ann, "MQL")).isEqualTo(0);
        });
        // the details change moved no stage: the lead is still one MQL, in the WIP by its latest owner
        given().queryParam("from", "2023-05-01").queryParam("to", "2023-05-31").get("/api/funnel").then()
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(0));
        // redelivered, it changes nothing
        send(lead, EventJson.write(handedOver), LeadEventTypes.LEAD_DETAILS_CHANGED);

        // a newer producer's kind: set aside with its reason, and what comes after it is applied
        send(lead, "{\"eventId\":\"" + UUID.randomUUID() + "\",\"schemaVersion\":1,\"leadId\":\"" + lead
                + "\",\"survivor\":\"other\"}", "LeadSplit");
        LeadStageChanged sal = new LeadStageChanged(UUID.randomUUID(), 1, lead, null, "SAL", TransitionKind.ADVANCE,
                null, Instant.parse("2023-05-25T10:00:00Z"), Instant.now(), "api", null, null, null, null,
                LeadAttributes.NONE);
        send(lead, EventJson.write(sal), LeadEventTypes.LEAD_STAGE_CHANGED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            org.assertj.core.api.Assertions.assertThat(entered(bob, "SAL")).isEqualTo(1);
            given().queryParam("status", "all").get("/api/admin/dead-letters").then().statusCode(200)
                    .body("deadLetters.reason", hasItem("unknown_type"));
        });
        given().queryParam("status", "all").get("/api/admin/dead-letters").then()
                .body("deadLetters.find { it.reason == 'unknown_type' }.record.headers.'l2r-event-type'",
                        equalTo("LeadSplit"))
                .body("deadLetters.find { it.reason == 'unknown_type' }.detail", equalTo("event type 'LeadSplit' "
                        + "is not one this consumer reads (LeadDetailsChanged, LeadErased, LeadStageChanged, LeadsMerged); replay it once the "
                        + "consumer is upgraded"));
    }
}
