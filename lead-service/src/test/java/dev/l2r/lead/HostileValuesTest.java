package dev.l2r.lead;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Values PostgreSQL refuses (a NUL), or that break what reads them later (other control characters, lone
 * surrogates), and money beyond numeric(19,4) or a currency beyond char(3): each is a 400 naming its field, for
 * its own item alone, on every path. Before, any of them in one item answered the whole request 500.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class HostileValuesTest {

    static final String NUL = "\\u0000";
    static final Instant T = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    static String item(String lead, String sourceEventId, String channel, String rawStage) {
        return """
                {"leadId":"%s","toStage":"MQL","occurredAt":"2025-01-01T00:00:00Z","source":"hostile",
                 "sourceEventId":"%s","rawStage":"%s","attributes":{"channel":"%s"}}"""
                .formatted(lead, sourceEventId, rawStage, channel).replace("\n", "");
    }

    @Test
    void aControlCharacterInAnyFieldOfOneTransitionIsA400NamingIt() {
        String lead = "hv-" + UUID.randomUUID();
        Map<String, String> bodies = Map.of(
                "sourceEventId", "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"sourceEventId\":\"a" + NUL + "b\"}",
                "rawStage", "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"rawStage\":\"m" + NUL + "\"}",
                "attributes.channel", "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"attributes\":{\"channel\":\"" + NUL + "\"}}",
                "attributes.owner", "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"attributes\":{\"owner\":\"a\\tb\"}}",
                "attributes.segment", "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"attributes\":{\"segment\":\"\\u001b[31m\"}}",
                "attributes.campaign", "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"attributes\":{\"campaign\":\"x\\ud800y\"}}");
        bodies.forEach((field, body) -> given().contentType(ContentType.JSON).body(body)
                .post("/api/leads/{id}/transitions", lead).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo(field)));
        given().contentType(ContentType.JSON).body("{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\"}")
                .post("/api/leads/{id}/transitions", "hv-\u0000-" + UUID.randomUUID()).then().statusCode(400)
                .body("field", equalTo("leadId"));
        given().get("/api/leads/{id}", "hv-\u0000").then().statusCode(400).body("field", equalTo("leadId"));
        given().get("/api/leads/{id}", lead).then().statusCode(404);
    }

    @Test
    void oneBadItemOfABatchIsRefusedAloneAndTheOthersAreRecorded() {
        String p = "hv-" + UUID.randomUUID() + "-";
        String array = "[" + String.join(",",
                item(p + "a", p + "1", "web", "mql"),
                item(p + "b", p + "2" + NUL, "web", "mql"),
                item(p + "c", p + "3", "we\\u0007b", "mql"),
                item(p + "d", p + "4", "web", "m" + NUL),
                item(p + "e", p + "5", "web", "mql")) + "]";
        given().contentType(ContentType.JSON).body(array).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(2)).body("rejectedCount", equalTo(3))
                .body("rejected.index", equalTo(List.of(1, 2, 3)))
                .body("rejected.field", equalTo(List.of("sourceEventId", "attributes.channel", "rawStage")));
        String ndjson = item(p + "f", p + "6", "web", "mql") + "\n" + item(p + "g", p + "7", NUL, "mql") + "\n";
        given().contentType("application/x-ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8))
                .post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(1)).body("rejected.line", equalTo(List.of(2)))
                .body("rejected.field", equalTo(List.of("attributes.channel")));
        for (String ok : List.of("a", "e", "f")) {
            given().get("/api/leads/{id}", p + ok).then().statusCode(200).body("currentStage", equalTo("MQL"));
        }
        for (String refused : List.of("b", "c", "d", "g")) {
            given().get("/api/leads/{id}", p + refused).then().statusCode(404);
        }
    }

    @Test
    void aCsvRowWithANulIsRefusedByLineAndColumn() {
        String p = "hv-" + UUID.randomUUID() + "-";
        String csv = "lead_id,stage,occurred_at,channel,source_event_id\n"
                + p + "a,MQL,2025-01-01,web," + p + "1\n"
                + p + "b,MQL,2025-01-01,w\u0000b," + p + "2\n"
                + p + "c,MQL,2025-01-01,web," + p + "3\u0001\n"
                + p + "d,MQL,2025-01-01,web," + p + "4\n";
        given().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8)).post("/api/imports?source=hostile")
                .then().statusCode(200).body("accepted", equalTo(2))
                .body("rejected.line", equalTo(List.of(3, 4)))
                .body("rejected.field", equalTo(List.of("channel", "source_event_id")));
        given().get("/api/leads/{id}", p + "b").then().statusCode(404);
        given().get("/api/leads/{id}", p + "d").then().statusCode(200);
    }

    @Test
    void amountsAndCurrenciesAreHeldToTheRestRulesOnEveryPath() {
        String p = "hv-" + UUID.randomUUID() + "-";
        String array = "[" + String.join(",",
                "{\"leadId\":\"" + p + "a\",\"toStage\":\"OPPORTUNITY\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"amount\":1000000000000000,\"currency\":\"EUR\"}",
                "{\"leadId\":\"" + p + "b\",\"toStage\":\"OPPORTUNITY\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"amount\":10,\"currency\":\"EURO\"}",
                "{\"leadId\":\"" + p + "c\",\"toStage\":\"OPPORTUNITY\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"amount\":123456789012345,\"currency\":\"EUR\"}") + "]";
        given().contentType(ContentType.JSON).body(array).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(1)).body("rejected.field", equalTo(List.of("amount", "currency")));
        String csv = "lead_id,stage,occurred_at,amount,currency\n"
                + p + "d,OPPORTUNITY,2025-01-01,1e15,EUR\n"
                + p + "e,OPPORTUNITY,2025-01-01,-1,EUR\n"
                + p + "f,OPPORTUNITY,2025-01-01,10,eur\n"
                + p + "g,OPPORTUNITY,2025-01-01,10.00001,EUR\n";
        given().contentType("text/csv").body(csv).post("/api/imports?source=hostile").then().statusCode(200)
                .body("accepted", equalTo(0)).body("rejected.field", equalTo(List.of("amount", "amount", "currency", "amount")));
    }

    static Map<String, String> pipedrive() {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("l2r:test-pipedrive-password".getBytes(StandardCharsets.UTF_8)));
    }

    static String pipedriveWon(int deal, String value, String currency) {
        return """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"won","stage_id":4,"value":%s,"currency":"%s"},"previous":{"status":"open"}}"""
                .formatted(deal, T.getEpochSecond(), value, currency);
    }

    @Test
    void webhookValuesThatBecomeAStageChangeAreCheckedLikeRestValues() {
        int deal = Math.abs(UUID.randomUUID().hashCode());
        given().contentType(ContentType.JSON).headers(pipedrive()).body(pipedriveWon(deal, "1000000000000000", "EUR"))
                .post("/api/webhooks/pipedrive").then().statusCode(400).body("field", equalTo("data.value"));
        given().contentType(ContentType.JSON).headers(pipedrive()).body(pipedriveWon(deal, "10", "EURO"))
                .post("/api/webhooks/pipedrive").then().statusCode(400).body("field", containsString("currency"));
        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then().statusCode(404);

        String lead = "hv-generic-" + UUID.randomUUID();
        String generic = """
                {"leadId":"%s","toStage":"SQL","occurredAt":"%s","source":"marketo","rawStage":"s%sq"}"""
                .formatted(lead, T, NUL);
        given().contentType(ContentType.JSON).header("X-L2R-Signature", Base64.getEncoder().encodeToString(
                        WebhookIntakeTest.hmac("HmacSHA256", "test-generic-secret", generic)))
                .body(generic.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/generic").then().statusCode(400)
                .body("field", equalTo("rawStage"));
        given().get("/api/leads/{id}", lead).then().statusCode(404);

        String user = "hv-user-" + UUID.randomUUID();
        String segment = """
                {"batch":[
                 {"type":"identify","messageId":"m1-%1$s","userId":"%1$s","traits":{"email":"x@y.z"},"timestamp":"%2$s"},
                 {"type":"identify","messageId":"m2-%1$s","userId":"%1$s%3$s","traits":{"email":"x@y.z"},"timestamp":"%2$s"}]}"""
                .formatted(user, T, NUL);
        given().contentType(ContentType.JSON).headers(WebhookIntakeTest.segmentSigned(segment))
                .body(segment.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/segment").then().statusCode(200)
                .body("recorded", equalTo(1)).body("rejectedCount", equalTo(1));
        given().get("/api/leads/{id}", "segment:" + user).then().statusCode(200).body("history.size()", equalTo(1));
    }
}
