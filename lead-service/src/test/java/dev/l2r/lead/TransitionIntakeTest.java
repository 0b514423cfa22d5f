package dev.l2r.lead;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class TransitionIntakeTest {

    @InjectLocalInfra
    LocalInfra infra;

    static String body(String stage, String occurredAt, String sourceEventId) {
        return """
                {"toStage":"%s","occurredAt":"%s","source":"api","sourceEventId":%s,
                 "amount":1200.50,"currency":"EUR","attributes":{"channel":"paid_search","segment":"smb"}}
                """.formatted(stage, occurredAt, sourceEventId == null ? "null" : "\"" + sourceEventId + "\"");
    }

    static String newLead() {
        return "lead-" + UUID.randomUUID();
    }

    List<LeadStageChanged> published(String leadId) {
        return TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                .filter(r -> leadId.equals(r.key()))
                .map(ConsumerRecord::value).map(EventJson::readLeadStageChanged).toList();
    }

    @Test
    void recordsATransitionAndPublishesItKeyedByLead() {
        String lead = newLead();
        String eventId = given().contentType(ContentType.JSON).body(body("MQL", "2025-03-01T10:15:30Z", "e1"))
                .post("/api/leads/{id}/transitions", lead)
                .then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/leads/" + lead))
                .body("leadId", equalTo(lead))
                .body("fromStage", equalTo(null))
                .body("toStage", equalTo("MQL"))
                .body("kind", equalTo("ADVANCE"))
                .body("status", equalTo("recorded"))
                .extract().path("eventId");

        given().contentType(ContentType.JSON).body(body("sql", "2025-03-05T09:00:00Z", "e2"))
                .post("/api/leads/{id}/transitions", lead)
                .then().statusCode(201)
                .body("fromStage", equalTo("MQL"))
                .body("kind", equalTo("SKIP"))
                .body("skippedStages", equalTo(List.of("SAL")));

        given().get("/api/leads/{id}", lead).then().statusCode(200)
                .body("currentStage", equalTo("SQL"))
                .body("firstTouchChannel", equalTo("paid_search"))
                .body("history", hasSize(2))
                .body("history[0].eventId", equalTo(eventId))
                .body("history[1].kind", equalTo("SKIP"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<LeadStageChanged> events = published(lead);
            assertThat(events).extracting(LeadStageChanged::toStage).containsExactly("MQL", "SQL");
            assertThat(events.get(0).eventId()).isEqualTo(UUID.fromString(eventId));
            assertThat(events.get(0).amount()).isEqualByComparingTo("1200.50");
            assertThat(events.get(0).attributes().segment()).isEqualTo("smb");
        });
    }

    @Test
    void repeatedSourceEventIsANoOpAnsweredWithTheOriginal() {
        String lead = newLead();
        String first = given().contentType(ContentType.JSON).body(body("MQL", "2025-03-01T10:15:30Z", "dup-" + lead))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(201).extract().path("eventId");
        given().contentType(ContentType.JSON).body(body("MQL", "2025-03-01T10:15:30Z", "dup-" + lead))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(200)
                .body("eventId", equalTo(first)).body("status", equalTo("duplicate"));
        // same stage again under a new id: the lead is already there, nothing is recorded
        given().contentType(ContentType.JSON).body(body("MQL", "2025-03-02T10:15:30Z", "other-" + lead))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(200)
                .body("status", equalTo("unchanged")).body("eventId", equalTo(null));

        given().get("/api/leads/{id}", lead).then().body("history", hasSize(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> published(lead).size() == 1);
    }

    @Test
    void lateEventIsPlacedByEventTime() {
        String lead = newLead();
        post(lead, "MQL", "2025-03-01T00:00:00Z");
        post(lead, "OPPORTUNITY", "2025-03-20T00:00:00Z");
        given().contentType(ContentType.JSON).body(body("SAL", "2025-03-10T00:00:00Z", null))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(201)
                .body("fromStage", equalTo("MQL")).body("kind", equalTo("ADVANCE"));
        given().get("/api/leads/{id}", lead).then()
                .body("currentStage", equalTo("OPPORTUNITY"))
                .body("history.toStage", equalTo(List.of("MQL", "SAL", "OPPORTUNITY")))
                .body("history[2].fromStage", equalTo("SAL"))
                .body("history[2].skippedStages", equalTo(List.of("SQL")));
    }

    @Test
    void badInputIsA400ProblemNamingTheFieldAndStoresNothing() {
        String lead = newLead();
        assertProblem(lead, "{\"occurredAt\":\"2025-03-01\",\"source\":\"api\"}", "toStage");
        assertProblem(lead, "{\"toStage\":\"PROSPECT\",\"occurredAt\":\"2025-03-01\",\"source\":\"api\"}", "toStage");
        assertProblem(lead, "{\"toStage\":\"MQL\",\"occurredAt\":\"03/01/2025\",\"source\":\"api\"}", "occurredAt");
        assertProblem(lead, "{\"toStage\":\"MQL\",\"occurredAt\":\"2999-01-01\",\"source\":\"api\"}", "occurredAt");
        assertProblem(lead, "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-03-01\",\"source\":\"api\",\"amount\":\"lots\"}",
                "amount");
        assertProblem(lead, "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-03-01\",\"source\":\"api\",\"amount\":5}",
                "currency");
        assertProblem(lead, "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-03-01\",\"source\":\"api\",\"amount\":-5,"
                + "\"currency\":\"EUR\"}", "amount");
        assertProblem(lead, "{\"toStage\":\"MQL\",", "body");
        assertProblem(lead, "", "body");

        given().get("/api/leads/{id}", lead).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void acceptedWhileKafkaIsDownAndPublishedWhenItIsBack() {
        String lead = newLead();
        infra.kafka().stop();
        try {
            post(lead, "MQL", "2025-04-01T00:00:00Z");
            post(lead, "SAL", "2025-04-02T00:00:00Z");
        } finally {
            infra.kafka().restart();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(published(lead)).extracting(LeadStageChanged::toStage).containsExactly("MQL", "SAL"));
    }

    private static void post(String lead, String stage, String at) {
        given().contentType(ContentType.JSON).body(body(stage, at, null))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(201).body("eventId", notNullValue());
    }

    private static void assertProblem(String lead, String json, String field) {
        given().contentType(ContentType.JSON).body(json)
                .post("/api/leads/{id}/transitions", lead)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field));
    }
}
