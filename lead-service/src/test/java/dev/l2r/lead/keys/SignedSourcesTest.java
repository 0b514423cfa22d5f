package dev.l2r.lead.keys;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * The signed webhooks' sources are not claims anyone can make: not through REST, batches or imports, not even with
 * an admin key, so a caller cannot pre-claim a sender's predictable event ids and have its genuine deliveries dropped
 * as duplicates.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class SignedSourcesTest {

    static final Instant T = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    @Test
    void posingAsPipedriveCannotPreClaimItsNextDelivery() {
        int deal = Math.abs(UUID.randomUUID().hashCode());
        String lead = "pipedrive:deal:" + deal;
        // Pipedrive's event id for this delivery is predictable: deal, time, field, value
        String predictable = "deal:" + deal + ":" + T.toEpochMilli() + ":stage_id:1";
        String forged = """
                {"toStage":"SAL","occurredAt":"%s","source":"pipedrive","sourceEventId":"%s"}""".formatted(T, predictable);
        given().contentType(ContentType.JSON).body(forged).post("/api/leads/{id}/transitions", lead)
                .then().statusCode(403).contentType("application/problem+json").body("field", equalTo("source"));
        given().contentType(ContentType.JSON).body("[" + forged.replace("{\"toStage\"", "{\"leadId\":\"" + lead
                        + "\",\"toStage\"") + "]").post("/api/transitions")
                .then().statusCode(403).body("field", equalTo("[0].source"));
        given().contentType("text/csv").queryParam("source", "pipedrive")
                .body("lead_id,stage,occurred_at,source_event_id\n" + lead + ",SAL," + T + "," + predictable + "\n")
                .post("/api/imports").then().statusCode(403).body("field", equalTo("source"));
        given().get("/api/leads/{id}", lead).then().statusCode(404);

        String genuine = """
                {"meta":{"action":"create","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"open","stage_id":1,"value":5000,"currency":"EUR"},"previous":null}"""
                .formatted(deal, T.getEpochSecond());
        given().contentType("application/json").header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("l2r:test-pipedrive-password".getBytes(StandardCharsets.UTF_8)))
                .body(genuine).post("/api/webhooks/pipedrive").then().statusCode(200)
                .body("recorded", equalTo(1)).body("duplicates", equalTo(0));
    }

    @Test
    void aBatchNamingASignedSourceIsRefusedWholeAndRecordsNothing() {
        String first = "batch-" + UUID.randomUUID();
        String body = """
                [{"leadId":"%s","toStage":"MQL","occurredAt":"%s","source":"api"},
                 {"leadId":"%s-2","toStage":"MQL","occurredAt":"%s","source":"hubspot","sourceEventId":"x"}]"""
                .formatted(first, T, first, T);
        given().contentType(ContentType.JSON).body(body).post("/api/transitions").then().statusCode(403)
                .body("field", equalTo("[1].source"));
        String ndjson = """
                {"leadId":"%s","toStage":"MQL","occurredAt":"%s","source":"api"}
                {"leadId":"%s-2","toStage":"MQL","occurredAt":"%s","source":"segment"}
                """.formatted(first, T, first, T);
        given().contentType("application/x-ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8)).post("/api/transitions").then().statusCode(403)
                .body("field", equalTo("line 2: source"));
        given().get("/api/leads/{id}", first).then().statusCode(404);
    }

    @Test
    void theGenericWebhookSignsOnlyForItsOwnSources() {
        String body = """
                {"leadId":"g-%s","toStage":"SQL","occurredAt":"%s","source":"hubspot","sourceEventId":"h-1"}"""
                .formatted(UUID.randomUUID(), T);
        given().contentType("application/json").header("X-L2R-Signature", signature(body)).body(body)
                .post("/api/webhooks/generic").then().statusCode(400).body("field", equalTo("source"));
    }

    static String signature(String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec("test-generic-secret".getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
