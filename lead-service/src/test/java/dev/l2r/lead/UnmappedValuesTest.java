package dev.l2r.lead;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.lead.webhook.ParkedRecording;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Authentic items whose value no mapping knows: parked (never a 4xx), listed, and recorded once mapped. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class UnmappedValuesTest {

    @InjectLocalInfra
    LocalInfra infra;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource("/")
    URI root;

    @Inject
    ParkedRecording recording;

    /**
     * A captured HubSpot delivery as a Django HubSpot library (djhubspot) keeps it as its test fixture ("The content
     * of a subscription from hubspot to use in unit tests"): a deal.propertyChange of dealstage to a custom
     * pipeline's stage, which HubSpot sends as the stage's id. Reproduced as published, in the array HubSpot posts.
     */
    static final String PUBLISHED_EVENT = """
            {
                "objectId": 697680835,
                "propertyName": "dealstage",
                "propertyValue": "1f4f1ec1-8174-49f3-a112-4eaa4748e38e",
                "changeSource": "CRM_UI",
                "eventId": 802835955,
                "subscriptionId": 92894,
                "portalId": 5799819,
                "appId": 186886,
                "occurredAt": 1556094637139,
                "subscriptionType": "deal.propertyChange",
                "attemptNumber": 0
            }""";
    static final String STAGE_ID = "1f4f1ec1-8174-49f3-a112-4eaa4748e38e";
    static final String LEAD = "hubspot:deal:697680835";
    static final Instant OCCURRED = Instant.ofEpochMilli(1556094637139L);
    static final String SOURCE_EVENT = "5799819:deal:697680835:dealstage:1556094637139:" + STAGE_ID;

    /** The same event with another stage at another time (the deal's moves before and after it). */
    static String sameDeal(String stage, Instant at, long eventId) {
        return PUBLISHED_EVENT.replace(STAGE_ID, stage).replace("1556094637139", String.valueOf(at.toEpochMilli()))
                .replace("802835955", String.valueOf(eventId));
    }

    /** Signed as HubSpot signs v3: base64 HMAC-SHA256 of method + URL + body + timestamp, with the client secret. */
    static ValidatableResponse sendV3(String body) {
        String url = "http://localhost:" + RestAssured.port + "/api/webhooks/hubspot";
        String now = String.valueOf(Instant.now().toEpochMilli());
        return WebhookIntakeTest.post("hubspot", body, Map.of("X-HubSpot-Request-Timestamp", now,
                "X-HubSpot-Signature-v3", WebhookIntakeTest.v3(url, body, now)));
    }

    double metric(String line) {
        String text = given().get(metrics).asString();
        return text.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    List<LeadStageChanged> published(String lead) {
        return TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                .filter(r -> lead.equals(r.key())).map(ConsumerRecord::value)
                .map(v -> EventJson.read(v, LeadStageChanged.class)).toList();
    }

    @Test
    void aCustomPipelineStageIsParkedListedAndRecordedInEventTimeOnceMapped() {
        JsonPath definition = given().get("/api/funnel/definition").then().statusCode(200).extract().jsonPath();
        String parkedCounter = "l2r_intake_parked_total{source=\"hubspot\"}";
        double parkedBefore = metric(parkedCounter);

        // the deal's known moves around it: SAL before, won after
        String around = "[" + sameDeal("appointmentscheduled", OCCURRED.minus(Duration.ofDays(4)), 1) + ","
                + sameDeal("closedwon", OCCURRED.plus(Duration.ofDays(7)), 2) + "]";
        sendV3(around).statusCode(200).body("recorded", equalTo(2)).body("parked", equalTo(0));

        String delivery = "[" + PUBLISHED_EVENT + "]";
        int deliveryId = sendV3(delivery).statusCode(200)
                .body("parked", equalTo(1)).body("recorded", equalTo(0)).body("rejectedCount", equalTo(0))
                .body("duplicates", equalTo(0)).extract().path("deliveryId");
        assertThat(metric(parkedCounter) - parkedBefore).isEqualTo(1.0);
        given().get("/api/leads/{id}", LEAD).then().body("history.toStage", equalTo(List.of("SAL", "CLOSED_WON")));

        // HubSpot retries it (a new timestamp, the same body): parked once
        sendV3(delivery).statusCode(200).body("parked", equalTo(0)).body("duplicates", equalTo(1))
                .body("deliveryId", equalTo(deliveryId));
        assertThat(metric(parkedCounter) - parkedBefore).isEqualTo(1.0);

        JsonPath values = given().queryParam("source", "hubspot").get("/api/admin/unmapped").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> group = values.getList("", Map.class).stream()
                .filter(v -> STAGE_ID.equals(((Map<?, ?>) v).get("value"))).findFirst().map(v -> (Map<String, Object>) v)
                .orElseThrow();
        assertThat(group).containsEntry("field", "dealstage").containsEntry("count", 1)
                .containsEntry("firstOccurredAt", "2019-04-24T08:30:37.139Z")
                .containsEntry("lastOccurredAt", "2019-04-24T08:30:37.139Z");
        assertThat((Map<String, Object>) group.get("sample")).containsEntry("leadId", LEAD)
                .containsEntry("sourceEventId", SOURCE_EVENT).containsEntry("deliveryId", deliveryId)
                .containsEntry("path", "[0].propertyValue");
        // values are looked up as mappings look them up: without case
        given().queryParam("source", "hubspot").queryParam("field", "dealstage")
                .queryParam("value", STAGE_ID.toUpperCase()).get("/api/admin/unmapped/items").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].occurredAt", equalTo("2019-04-24T08:30:37.139Z"))
                .body("[0].outcome", nullValue());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(metric("l2r_intake_parked_waiting{source=\"hubspot\"}")).isGreaterThanOrEqualTo(1.0));

        List<Map<String, Object>> mappings = new ArrayList<>(definition.getList("mappings"));
        mappings.add(Map.of("source", "hubspot", "field", "dealstage", "value", STAGE_ID, "stage", "OPPORTUNITY"));
        try {
            given().contentType(ContentType.JSON).body(Map.of("stages", definition.getList("stages"),
                    "mappings", mappings)).put("/api/funnel/definition").then().statusCode(200);

            // recorded where it happened: between SAL and the win, the win still the current stage
            given().get("/api/leads/{id}", LEAD).then().statusCode(200)
                    .body("currentStage", equalTo("CLOSED_WON"))
                    .body("history.toStage", equalTo(List.of("SAL", "OPPORTUNITY", "CLOSED_WON")))
                    .body("history[1].occurredAt", equalTo("2019-04-24T08:30:37.139Z"))
                    .body("history[1].fromStage", equalTo("SAL"))
                    .body("history[1].rawStage", equalTo(STAGE_ID))
                    .body("history[1].sourceEventId", equalTo(SOURCE_EVENT))
                    .body("history[1].deliveryId", equalTo(deliveryId));
            given().queryParam("source", "hubspot").queryParam("value", STAGE_ID).queryParam("state", "settled")
                    .get("/api/admin/unmapped/items").then()
                    .body("size()", equalTo(1)).body("[0].outcome", equalTo("recorded"))
                    .body("[0].stage", equalTo("OPPORTUNITY"));
            given().queryParam("source", "hubspot").queryParam("value", STAGE_ID)
                    .get("/api/admin/unmapped/items").then().body("size()", equalTo(0));

            // its event is on the topic once, in event time
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(published(LEAD)).hasSize(3));
            List<LeadStageChanged> late = published(LEAD).stream()
                    .filter(e -> SOURCE_EVENT.equals(e.sourceEventId())).toList();
            assertThat(late).hasSize(1);
            assertThat(late.get(0).occurredAt()).isEqualTo(OCCURRED);
            assertThat(late.get(0).toStage()).isEqualTo("OPPORTUNITY");

            // the original delivery again, now that its value is mapped: a duplicate, nothing parked or recorded
            sendV3(delivery).statusCode(200).body("recorded", equalTo(0)).body("parked", equalTo(0))
                    .body("duplicates", equalTo(1));
            given().get("/api/leads/{id}", LEAD).then().body("history.size()", equalTo(3));
            assertThat(metric(parkedCounter) - parkedBefore).isEqualTo(1.0);
            // a fence: an event published after anything the retry could have written
            String fence = "unmapped-fence-" + UUID.randomUUID();
            given().contentType(ContentType.JSON).body("{\"toStage\":\"MQL\",\"occurredAt\":\"2025-03-01T00:00:00Z\","
                    + "\"source\":\"api\"}").post("/api/leads/{id}/transitions", fence).then().statusCode(201);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(published(fence)).hasSize(1));
            assertThat(published(LEAD)).hasSize(3);
        } finally {
            given().contentType(ContentType.JSON).body(Map.of("stages", definition.getList("stages"),
                    "mappings", definition.getList("mappings"))).put("/api/funnel/definition").then().statusCode(200);
        }
    }

    @Test
    void aValueMappedToNoStageIsSettledAsIgnoredAndItemsLeftWaitingAreRecordedAtTheNextStart() throws Exception {
        JsonPath definition = given().get("/api/funnel/definition").then().statusCode(200).extract().jsonPath();
        long deal = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        Instant at = Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String ignoredValue = "archived-" + deal;
        String laterValue = "custom-" + deal;
        String body = "[" + sameDeal(ignoredValue, at, 11).replace("697680835", String.valueOf(deal)) + ","
                + sameDeal(laterValue, at.plusSeconds(60), 12).replace("697680835", String.valueOf(deal)) + "]";
        sendV3(body).statusCode(200).body("parked", equalTo(2)).body("rejectedCount", equalTo(0));

        List<Map<String, Object>> mappings = new ArrayList<>(definition.getList("mappings"));
        Map<String, Object> ignored = new HashMap<>();
        ignored.put("source", "hubspot");
        ignored.put("field", "dealstage");
        ignored.put("value", ignoredValue);
        mappings.add(ignored); // no stage: known, ignored
        try {
            given().contentType(ContentType.JSON).body(Map.of("stages", definition.getList("stages"),
                    "mappings", mappings)).put("/api/funnel/definition").then().statusCode(200);
            given().queryParam("value", ignoredValue).queryParam("state", "settled")
                    .get("/api/admin/unmapped/items").then().body("[0].outcome", equalTo("ignored"))
                    .body("[0].eventId", nullValue());
            given().get("/api/leads/{id}", "hubspot:deal:" + deal).then().statusCode(404);

            // a definition that maps the other value was stored, and the service stopped before recording: as if
            // the PUT's recording never ran, the mapping is stored directly; the next start records the item
            List<Map<String, Object>> more = new ArrayList<>(mappings);
            more.add(Map.of("source", "hubspot", "field", "dealstage", "value", laterValue, "stage", "SQL"));
            storeWithoutRecording(definition.getList("stages"), more);
            given().queryParam("value", laterValue).get("/api/admin/unmapped/items").then().body("size()", equalTo(1));
            assertThat(recording.recordMapped()).isGreaterThanOrEqualTo(1);
            JsonPath lead = given().get("/api/leads/{id}", "hubspot:deal:" + deal).then().statusCode(200)
                    .body("history.toStage", equalTo(List.of("SQL"))).extract().jsonPath();
            assertThat(Instant.parse(lead.getString("history[0].occurredAt"))).isEqualTo(at.plusSeconds(60));
            given().queryParam("value", laterValue).get("/api/admin/unmapped/items").then().body("size()", equalTo(0));
        } finally {
            given().contentType(ContentType.JSON).body(Map.of("stages", definition.getList("stages"),
                    "mappings", definition.getList("mappings"))).put("/api/funnel/definition").then().statusCode(200);
        }
    }

    /**
     * A Pipedrive v2 deal change in the form of the example payload Prismatic publishes for its Pipedrive trigger
     * (prismatic.io/docs/example-payloads/pipedrive/triggers/pipedriveTrigger.json, the request body), moved to the
     * first stage of a second pipeline: a stage id the default mappings do not know.
     */
    static String pipedriveChange(long deal, long timestamp) {
        return """
                {"meta":{"action":"change","entity":"deal","version":"2.0","company_id":12882925,"user_id":18487521,
                  "id":1,"entity_id":%1$d,"webhook_id":99,"webhook_owner_id":18487521,"permitted_user_ids":[18487521],
                  "attempt":1,"host":"company.pipedrive.com","timestamp":%2$d,"change_source":"app"},
                 "data":{"id":%1$d,"title":"test deal","value":2,"currency":"USD","status":"open","stage_id":17,
                  "pipeline_id":2,"owner_id":18487521,"person_id":%1$d,"org_id":2,"add_time":"2024-09-27T14:25:27Z",
                  "update_time":"2024-09-27T14:25:28Z"},
                 "previous":{"stage_id":1,"pipeline_id":1}}""".formatted(deal, timestamp);
    }

    @Test
    void aPipedriveStageOfASecondPipelineIsParkedNotAnsweredWithA4xx() {
        JsonPath definition = given().get("/api/funnel/definition").then().statusCode(200).extract().jsonPath();
        long deal = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        Instant at = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String body = pipedriveChange(deal, at.getEpochSecond());
        Map<String, String> auth = WebhookIntakeTest.pipedriveAuth("test-pipedrive-password");
        WebhookIntakeTest.post("pipedrive", body, auth).statusCode(200).body("parked", equalTo(1))
                .body("recorded", equalTo(0)).body("rejectedCount", equalTo(0));
        given().queryParam("source", "pipedrive").queryParam("field", "stage_id").queryParam("value", "17")
                .get("/api/admin/unmapped/items").then().body("leadId", org.hamcrest.Matchers.hasItem("pipedrive:deal:" + deal))
                .body("find { it.leadId == 'pipedrive:deal:%d' }.path".formatted(deal), equalTo("data.stage_id"))
                .body("find { it.leadId == 'pipedrive:deal:%d' }.amount".formatted(deal), equalTo(2.0f));
        List<Map<String, Object>> mappings = new ArrayList<>(definition.getList("mappings"));
        mappings.add(Map.of("source", "pipedrive", "field", "stage_id", "value", "17", "stage", "SQL"));
        try {
            given().contentType(ContentType.JSON).body(Map.of("stages", definition.getList("stages"),
                    "mappings", mappings)).put("/api/funnel/definition").then().statusCode(200);
            JsonPath lead = given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then().statusCode(200)
                    .body("history.toStage", equalTo(List.of("SQL"))).body("history[0].rawStage", equalTo("17"))
                    .body("history[0].currency", equalTo("USD")).body("attributes.owner", equalTo("18487521"))
                    .extract().jsonPath();
            assertThat(Instant.parse(lead.getString("history[0].occurredAt"))).isEqualTo(at);
            // Pipedrive sends it again: a duplicate
            WebhookIntakeTest.post("pipedrive", body, auth).statusCode(200).body("duplicates", equalTo(1))
                    .body("parked", equalTo(0)).body("recorded", equalTo(0));
        } finally {
            given().contentType(ContentType.JSON).body(Map.of("stages", definition.getList("stages"),
                    "mappings", definition.getList("mappings"))).put("/api/funnel/definition").then().statusCode(200);
        }
    }

    /** A new definition version, stored as the PUT stores it, without the recording that follows the PUT. */
    @Inject
    dev.l2r.lead.funnel.FunnelDefinitions funnels;

    void storeWithoutRecording(List<Object> stages, List<Map<String, Object>> mappings) throws Exception {
        String json = EventJson.mapper().writeValueAsString(Map.of("stages", stages, "mappings", mappings));
        funnels.replace(EventJson.mapper().readValue(json, dev.l2r.lead.funnel.FunnelVersion.Body.class));
    }

    @Test
    void theAdminListsNeedAnAdminKey() throws Exception {
        String reader = given().contentType(ContentType.JSON).body("{\"name\":\"unmapped reader\",\"scopes\":[\"read\"]}")
                .post("/api/admin/keys").then().statusCode(201).extract().path("key");
        for (String path : List.of("/api/admin/unmapped", "/api/admin/unmapped/items?source=hubspot")) {
            var anonymous = EndpointAccess.send(root, "GET", path, Map.of());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"status\":401");
            var read = EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", reader));
            assertThat(read.statusCode()).as(path).isEqualTo(403);
            given().get(path).then().statusCode(200);
        }
        given().queryParam("limit", 0).get("/api/admin/unmapped").then().statusCode(400).body("field", equalTo("limit"));
        given().queryParam("state", "gone").get("/api/admin/unmapped/items").then().statusCode(400)
                .body("field", equalTo("state"));
    }
}
