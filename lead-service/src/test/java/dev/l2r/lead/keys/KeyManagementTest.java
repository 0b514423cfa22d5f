package dev.l2r.lead.keys;

import dev.l2r.events.ApiKeyChanged;
import dev.l2r.events.EventJson;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** API keys end to end in lead-service: made once, stored as a hash, scoped, limited to sources, revoked. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class KeyManagementTest {

    @InjectLocalInfra
    LocalInfra infra;

    @TestHTTPResource("/")
    URI root;

    static String transition(String source, String sourceEventId) {
        return """
                {"toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"%s","sourceEventId":"%s"}"""
                .formatted(source, sourceEventId);
    }

    static String make(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/admin/keys")
                .then().statusCode(201).extract().path("key");
    }

    HttpResponse<String> raw(String method, String path, Map<String, String> headers) throws Exception {
        return EndpointAccess.send(root, method, path, headers);
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withoutAKnownKeyEveryApiAnswers401WithAProblemAndAChallenge() throws Exception {
        for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("X-API-Key", "l2r_not-a-key-we-made"),
                Map.of("X-API-Key", "x".repeat(5000)))) {
            HttpResponse<String> r = raw("GET", "/api/leads/someone", headers);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("X-API-Key");
            assertThat(r.body()).contains("\"status\":401").doesNotContain("not-a-key-we-made");
        }
        // health stays open
        assertThat(raw("GET", "/q/health/live", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyIsShownOnceAndKeptOnlyAsItsHashHereAndOnTheTopic() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body("{\"name\":\"crm sync\",\"scopes\":[\"write\"],\"sources\":[\"crm\"]}")
                .post("/api/admin/keys").then().statusCode(201).extract().path("id");
        // the same request again makes another key: names need not be unique, keys are
        var made = given().contentType(ContentType.JSON)
                .body("{\"name\":\"crm sync\",\"scopes\":[\"write\",\"write\"],\"sources\":[\"crm\"]}")
                .post("/api/admin/keys").then().statusCode(201)
                .body("scopes", equalTo(List.of("write"))).body("sources", equalTo(List.of("crm")))
                .body("createdBy", equalTo("key:bootstrap")).body("key", startsWith("l2r_"))
                .extract();
        String key = made.path("key");
        String id2 = made.path("id");
        assertThat(made.header("Location")).endsWith("/api/admin/keys/" + id2);
        assertThat(id2).isNotEqualTo(id).matches("[a-z0-9]{12}");
        assertThat(key).hasSize(4 + 43);

        String list = given().get("/api/admin/keys").then().statusCode(200).extract().asString();
        assertThat(list).contains(id2).doesNotContain(key).doesNotContain(sha256(key)).doesNotContain("\"key\"");

        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("l2r_lead"), LocalPostgres.USER,
                LocalPostgres.PASSWORD);
             PreparedStatement ps = c.prepareStatement("SELECT api_key::text, key_hash FROM api_key WHERE id = ?")) {
            ps.setString(1, id2);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).doesNotContain(key);
                assertThat(rs.getString(2)).isEqualTo(sha256(key));
            }
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> records = TopicProbe.readAll(infra.kafka().bootstrapServers(),
                    ApiKeyChanged.TOPIC).stream().filter(r -> id2.equals(r.key())).toList();
            assertThat(records).hasSize(1);
            assertThat(records.get(0).value()).doesNotContain(key);
            ApiKeyChanged change = EventJson.read(records.get(0).value(), ApiKeyChanged.class);
            assertThat(change.keyHash()).isEqualTo(sha256(key));
            assertThat(change.scopes()).containsExactly("write");
        });
    }

    @Test
    void scopesDecideWhatAKeyOpensAndSourcesWhatItMayWrite() throws Exception {
        String writer = make("{\"name\":\"crm sync\",\"scopes\":[\"write\"],\"sources\":[\"crm\"]}");
        String reader = make("{\"name\":\"dashboard\",\"scopes\":[\"read\"]}");
        String lead = "key-" + UUID.randomUUID();

        given().header("X-API-Key", writer).contentType(ContentType.JSON).body(transition("crm", "c-1"))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(201);
        given().header("X-API-Key", writer).contentType(ContentType.JSON).body(transition("api", "c-2"))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(403)
                .contentType("application/problem+json").body("field", equalTo("source"));
        given().header("X-API-Key", writer).queryParam("source", "import").contentType("text/csv")
                .body("lead_id,stage,occurred_at\nx,MQL,2025-01-01\n").post("/api/imports").then().statusCode(403);
        given().header("X-API-Key", writer).get("/api/leads/{id}", lead).then().statusCode(403);
        given().header("X-API-Key", writer).contentType(ContentType.JSON).body("{}").put("/api/funnel/definition")
                .then().statusCode(403);
        given().header("X-API-Key", writer).contentType(ContentType.JSON).body("{\"name\":\"x\",\"scopes\":[\"admin\"]}")
                .post("/api/admin/keys").then().statusCode(403);

        given().header("X-API-Key", reader).get("/api/leads/{id}", lead).then().statusCode(200)
                .body("history.size()", equalTo(1));
        given().header("X-API-Key", reader).contentType(ContentType.JSON).body(transition("crm", "c-3"))
                .post("/api/leads/{id}/transitions", lead).then().statusCode(403);
        given().header("X-API-Key", reader).get("/api/admin/keys").then().statusCode(403);
        // nothing the refused calls sent was recorded
        given().get("/api/leads/{id}", lead).then().body("history.size()", equalTo(1));
    }

    @Test
    void aRevokedKeyOpensNothingAndTheRevocationTravelsAsAHash() throws Exception {
        var made = given().contentType(ContentType.JSON).body("{\"name\":\"leaving\",\"scopes\":[\"read\"]}")
                .post("/api/admin/keys").then().statusCode(201).extract();
        String key = made.path("key");
        String id = made.path("id");
        given().header("X-API-Key", key).get("/api/funnel/definition").then().statusCode(200);

        String revokedAt = given().delete("/api/admin/keys/{id}", id).then().statusCode(200)
                .body("revokedBy", equalTo("key:bootstrap")).body("key", equalTo(null)).extract().path("revokedAt");
        // revoking again changes nothing: same revocation, no second record on the topic
        given().delete("/api/admin/keys/{id}", id).then().statusCode(200).body("revokedAt", equalTo(revokedAt));
        given().delete("/api/admin/keys/{id}", "nosuchkey0000").then().statusCode(404);
        given().delete("/api/admin/keys/{id}", "bootstrap").then().statusCode(409);

        assertThat(raw("GET", "/api/funnel/definition", Map.of("X-API-Key", key)).statusCode()).isEqualTo(401);
        given().get("/api/admin/keys").then().body("find { it.id == '" + id + "' }.revokedBy", equalTo("key:bootstrap"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<ApiKeyChanged> changes = TopicProbe.readAll(infra.kafka().bootstrapServers(), ApiKeyChanged.TOPIC)
                    .stream().filter(r -> id.equals(r.key()))
                    .map(r -> EventJson.read(r.value(), ApiKeyChanged.class)).toList();
            assertThat(changes).hasSize(2);
            assertThat(changes.get(1).revoked()).isTrue();
            assertThat(changes.get(1).keyHash()).isEqualTo(sha256(key));
        });
    }

    @Test
    void invalidKeyRequestsNameTheirField() {
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"scopes\":[\"root\"]}").post("/api/admin/keys")
                .then().statusCode(400).body("field", equalTo("scopes[0]"));
        given().contentType(ContentType.JSON).body("{\"scopes\":[\"read\"]}").post("/api/admin/keys")
                .then().statusCode(400).body("field", equalTo("name"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"scopes\":[]}").post("/api/admin/keys")
                .then().statusCode(400).body("field", equalTo("scopes"));
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"scopes\":[\"write\"],\"sources\":[\"crm\",\"hubspot\"]}")
                .post("/api/admin/keys").then().statusCode(400).body("field", equalTo("sources[1]"));
        given().contentType(ContentType.JSON).body("{\"name\":\"a\\u0000b\",\"scopes\":[\"read\"]}").post("/api/admin/keys")
                .then().statusCode(400).body("field", equalTo("name"));
    }

    @Test
    void everyOperationRefusesMissingWrongAndTooWeakCredentials() throws Exception {
        Map<String, String> keys = Map.of(
                "read", make("{\"name\":\"r\",\"scopes\":[\"read\"]}"),
                "write", make("{\"name\":\"w\",\"scopes\":[\"write\"]}"),
                "admin", make("{\"name\":\"a\",\"scopes\":[\"admin\"]}"));
        EndpointAccess.Report report = EndpointAccess.check(root, keys.get("admin"), keys, EndpointAccess::readmeRule);
        System.out.println("lead-service access: " + report);
        assertThat(report.mismatches()).isEmpty();
        // keys, leads, transitions, batches (JSON and NDJSON are one path), imports, definition, webhooks
        assertThat(report.operations()).isGreaterThanOrEqualTo(10);
        assertThat(report.underScoped()).isGreaterThan(0);
    }
}
