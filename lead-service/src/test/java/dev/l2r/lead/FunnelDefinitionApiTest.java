package dev.l2r.lead;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class FunnelDefinitionApiTest {

    @InjectLocalInfra
    LocalInfra infra;

    @Test
    void theDefaultIsTheCanonicalFunnelWithTheShippedMappings() {
        JsonPath definition = given().get("/api/funnel/definition").then().statusCode(200).extract().jsonPath();
        assertThat(definition.getList("stages.key")).containsExactly("ANONYMOUS", "KNOWN", "ENGAGED", "MQL", "SAL",
                "SQL", "OPPORTUNITY", "CLOSED_WON", "CLOSED_LOST", "NO_DECISION");
        assertThat(definition.getList("mappings.findAll { it.source == 'hubspot' && it.field == 'lifecyclestage' }.value"))
                .containsExactly("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
                        "customer", "evangelist", "other");
        assertThat(definition.getList("mappings.findAll { it.source == 'pipedrive' && it.field == 'status' }.value"))
                .contains("won", "lost");
        assertThat(definition.getList("mappings.source")).contains("salesforce", "mautic", "segment");
    }

    @Test
    void aSourceValueMappedOntoOneStageIsAcceptedAndKeptRaw() {
        JsonPath before = given().get("/api/funnel/definition").then().extract().jsonPath();
        List<Map<String, Object>> mappings = new ArrayList<>(before.getList("mappings"));
        List<Map<String, Object>> withCrm = new ArrayList<>(mappings);
        withCrm.add(Map.of("source", "crm-export", "field", "stage", "value", "Closed Won", "stage", "CLOSED_WON"));
        String lead = "mapped-" + UUID.randomUUID();
        try {
            given().contentType(ContentType.JSON).body(Map.of("stages", before.getList("stages"), "mappings", withCrm))
                    .put("/api/funnel/definition").then().statusCode(200);
            given().contentType(ContentType.JSON).body("{\"toStage\":\"Closed Won\",\"occurredAt\":\"2025-03-01\","
                            + "\"source\":\"crm-export\",\"amount\":10,\"currency\":\"USD\"}")
                    .post("/api/leads/{id}/transitions", lead).then().statusCode(201)
                    .body("toStage", equalTo("CLOSED_WON"));
            given().get("/api/leads/{id}", lead).then().body("history[0].rawStage", equalTo("Closed Won"));
            // salesforce's own vocabulary comes only through its webhook (its Outbound Messages)
            given().contentType(ContentType.JSON).body("{\"toStage\":\"Closed Won\",\"occurredAt\":\"2025-03-01\","
                            + "\"source\":\"salesforce\"}")
                    .post("/api/leads/{id}/transitions", lead + "-sf").then().statusCode(403)
                    .body("field", equalTo("source"));
        } finally {
            given().contentType(ContentType.JSON).body(Map.of("stages", before.getList("stages"), "mappings", mappings))
                    .put("/api/funnel/definition").then().statusCode(200);
        }
    }

    @Test
    void invalidDefinitionsAreRefusedNamingEachField() {
        given().contentType(ContentType.JSON).body("""
                {"stages":[{"key":"MQL"},{"key":"sql"},{"key":"MQL"},{"key":"WON","terminal":true,"outcome":"WON"}],
                 "mappings":[{"source":"hubspot","field":"lifecyclestage","value":"lead","stage":"NOPE"},
                             {"source":"Hub Spot","field":"x","value":"y","stage":"MQL"}]}""")
                .put("/api/funnel/definition").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("stages[1].key", "stages[2].key", "mappings[0].stage",
                        "mappings[1].source")));
        given().contentType(ContentType.JSON).body("{\"stages\":[{\"key\":\"MQL\"}]}")
                .put("/api/funnel/definition").then().statusCode(400).body("errors.field", hasItem("stages"));
    }

    @Test
    void aNewVersionIsStoredAndAnnouncedAndTheOldOneKept() {
        JsonPath before = given().get("/api/funnel/definition").then().extract().jsonPath();
        long version = before.getLong("version");
        List<Map<String, Object>> stages = new ArrayList<>(before.getList("stages"));
        List<Map<String, Object>> withDemo = new ArrayList<>(stages);
        withDemo.add(5, Map.of("key", "DEMO", "description", "demo held", "trigger", "demo done"));
        try {
            given().contentType(ContentType.JSON).body(Map.of("stages", withDemo))
                    .put("/api/funnel/definition").then().statusCode(200)
                    .body("version", equalTo((int) version + 1))
                    .body("stages[5].key", equalTo("DEMO"))
                    // mappings absent: the current ones are kept
                    .body("mappings.size()", equalTo(before.getList("mappings").size()));
            String lead = "funnel-v-" + UUID.randomUUID();
            given().contentType(ContentType.JSON).body("{\"toStage\":\"SQL\",\"occurredAt\":\"2025-03-05\",\"source\":\"api\"}")
                    .post("/api/leads/{id}/transitions", lead).then().statusCode(201);
            given().contentType(ContentType.JSON).body("{\"toStage\":\"MQL\",\"occurredAt\":\"2025-03-01\",\"source\":\"api\"}")
                    .post("/api/leads/{id}/transitions", lead).then().statusCode(201);
            given().get("/api/leads/{id}", lead).then().body("history[1].skippedStages", equalTo(List.of("SAL", "DEMO")));

            // removing a stage that history went to would rewrite history
            List<Map<String, Object>> withoutMql = new ArrayList<>(withDemo);
            withoutMql.remove(3);
            given().contentType(ContentType.JSON).body(Map.of("stages", withoutMql, "mappings", List.of()))
                    .put("/api/funnel/definition").then().statusCode(409).body("field", equalTo("stages"));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<FunnelDefinitionChanged> announced = TopicProbe.readAll(infra.kafka().bootstrapServers(),
                                FunnelDefinitionChanged.TOPIC).stream()
                        .peek(r -> assertThat(r.key()).isEqualTo(FunnelDefinitionChanged.KEY))
                        .map(ConsumerRecord::value).map(v -> EventJson.read(v, FunnelDefinitionChanged.class)).toList();
                assertThat(announced).extracting(FunnelDefinitionChanged::version).contains(version, version + 1);
                assertThat(announced.get(announced.size() - 1).definition().contains("DEMO")).isTrue();
            });
        } finally {
            given().contentType(ContentType.JSON).body(Map.of("stages", stages))
                    .put("/api/funnel/definition").then().statusCode(200);
        }
        given().get("/api/funnel/definition/versions/{v}", version).then().statusCode(200)
                .body("stages.key", equalTo(before.getList("stages.key")));
        given().get("/api/funnel/definition/versions").then().body("version", hasItem((int) version + 2));
    }
}
