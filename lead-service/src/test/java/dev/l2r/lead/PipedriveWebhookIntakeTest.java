package dev.l2r.lead;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.infra.test.LocalInfraResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Pipedrive end to end, with Pipedrive's published payloads (test resources {@code webhooks/pipedrive}: v2's own
 * create/update/delete deal examples and a captured v1 {@code updated.deal}, their README says where each was
 * published) sent as Pipedrive sends them, with the webhook's HTTP Basic credentials.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class PipedriveWebhookIntakeTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    static final Instant T = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    static final Map<String, String> AUTH = auth("test-pipedrive-password");

    @Inject
    AgroalDataSource dataSource;

    static Map<String, String> auth(String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(("l2r:" + password).getBytes(StandardCharsets.UTF_8)));
    }

    static ObjectNode published(String name) {
        try (InputStream in = PipedriveWebhookIntakeTest.class.getResourceAsStream("/webhooks/pipedrive/" + name)) {
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ValidatableResponse post(ObjectNode body, Map<String, String> headers) {
        return given().contentType("application/json").headers(headers)
                .body(body.toString().getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/pipedrive").then();
    }

    /** v2's "Create deal" example for deal {@code deal} at {@code at}, in stage {@code stage}. */
    static ObjectNode v2Created(int deal, Instant at, int stage) {
        ObjectNode body = published("v2-create-deal.json");
        ((ObjectNode) body.get("meta")).put("entity_id", String.valueOf(deal)).put("timestamp", at.toString());
        // each deal its own person: the example's person 8 would link every deal of every test into one lead
        ((ObjectNode) body.get("data")).put("id", deal).put("stage_id", stage).put("owner_id", 42)
                .put("person_id", deal);
        return body;
    }

    /** v2's "Update deal" example for deal {@code deal} at {@code at}: {@code data} changed as given. */
    static ObjectNode v2Changed(int deal, Instant at, ObjectNode data, ObjectNode previous) {
        ObjectNode body = published("v2-update-deal.json");
        ((ObjectNode) body.get("meta")).put("entity_id", String.valueOf(deal)).put("timestamp", at.toString());
        ((ObjectNode) body.get("data")).put("id", deal).put("owner_id", 42).put("person_id", deal).setAll(data);
        body.set("previous", previous);
        return body;
    }

    /** The captured v1 updated.deal for deal {@code deal} at {@code at} (epoch seconds, as v1 sends it). */
    static ObjectNode v1Updated(int deal, Instant at) {
        ObjectNode body = published("v1-updated-deal.json");
        ((ObjectNode) body.get("meta")).put("id", deal).put("timestamp", at.getEpochSecond())
                .put("timestamp_micro", at.getEpochSecond() * 1_000_000 + 322_662);
        for (String state : List.of("current", "previous")) {
            ((ObjectNode) body.get(state)).put("id", deal).put("user_id", 42).put("currency", "EUR");
        }
        return body;
    }

    static int newDeal() {
        return Math.abs(UUID.randomUUID().hashCode() % 1_000_000_000);
    }

    @Test
    void aDealReadsTheSameFromV1AndV2AndItsWinCountsOnce() {
        int deal = newDeal();
        post(v2Created(deal, T.plusMillis(89), 1), AUTH).statusCode(200).body("recorded", equalTo(1));

        ObjectNode won = v1Updated(deal, T.plus(1, ChronoUnit.DAYS));
        ((ObjectNode) won.get("current")).put("status", "won").put("value", new BigDecimal("6200.5"));
        post(won, auth("wrong")).statusCode(401);
        post(won, Map.of()).statusCode(401);
        post(won, AUTH).statusCode(200).body("recorded", equalTo(1));

        // the same win from a v2 webhook of the same account (Pipedrive runs both): one lead, a duplicate
        ObjectNode v2Won = v2Changed(deal, T.plus(1, ChronoUnit.DAYS).plusMillis(337),
                JSON.objectNode().put("status", "won").put("stage_id", 1).put("value", new BigDecimal("6200.5")),
                JSON.objectNode().put("status", "open"));
        post(v2Won, AUTH).statusCode(200).body("recorded", equalTo(0)).body("duplicates", equalTo(1));

        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then().statusCode(200)
                .body("history.toStage", equalTo(List.of("SAL", "CLOSED_WON")))
                .body("history[1].amount", equalTo(6200.5f))
                .body("history[1].currency", equalTo("EUR"))
                .body("history[1].rawStage", equalTo("won"))
                .body("attributes.owner", equalTo("42"));
    }

    @Test
    void aValueChangeAfterTheWinIsADetailsChangeStoredOnce() throws SQLException {
        int deal = newDeal();
        post(v2Created(deal, T, 4), AUTH).statusCode(200).body("recorded", equalTo(1));
        post(v2Changed(deal, T.plus(1, ChronoUnit.DAYS), JSON.objectNode().put("status", "won").put("stage_id", 4)
                .put("value", 1000), JSON.objectNode().put("status", "open")), AUTH).statusCode(200)
                .body("recorded", equalTo(1));
        ObjectNode corrected = v2Changed(deal, T.plus(2, ChronoUnit.DAYS), JSON.objectNode().put("status", "won")
                .put("stage_id", 4).put("value", 1200), JSON.objectNode().put("value", 1000));
        // a value corrected after the win: a details change, published as LeadDetailsChanged
        post(corrected, AUTH).statusCode(200).body("recorded", equalTo(1)).body("rejectedCount", equalTo(0));
        post(corrected, AUTH).statusCode(200).body("recorded", equalTo(0))
                .body("duplicates", equalTo(1)); // a retry: still one row, below

        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT amount, currency, occurred_at FROM lead_detail_change WHERE lead_id = ?")) {
            s.setString(1, "pipedrive:deal:" + deal);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getBigDecimal("amount")).isEqualByComparingTo("1200");
                assertThat(r.getString("currency")).isEqualTo("EUR");
                assertThat(r.getTimestamp("occurred_at").toInstant().getEpochSecond())
                        .isEqualTo(T.plus(2, ChronoUnit.DAYS).getEpochSecond());
                assertThat(r.next()).as("stored once").isFalse();
            }
        }
        // the win keeps the amount it had then; the lead's value is the corrected one
        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then()
                .body("history.toStage", equalTo(List.of("OPPORTUNITY", "CLOSED_WON")))
                .body("history[1].amount", equalTo(1000f))
                .body("amount", equalTo(1200f))
                .body("details.size()", equalTo(1));
    }

    @Test
    void aDeletedDealMovesToTheLostStageOnceWhicheverVersionSaysSo() {
        int deal = newDeal();
        post(v2Created(deal, T, 2), AUTH).statusCode(200).body("recorded", equalTo(1));
        Instant deletedAt = T.plus(3, ChronoUnit.HOURS);
        ObjectNode v2 = published("v2-delete-deal.json");
        ((ObjectNode) v2.get("meta")).put("entity_id", String.valueOf(deal))
                .put("timestamp", deletedAt.plusMillis(335).toString());
        ((ObjectNode) v2.get("previous")).put("id", deal);
        post(v2, AUTH).statusCode(200).body("recorded", equalTo(1));

        ObjectNode v1 = v1Updated(deal, deletedAt);
        ((ObjectNode) v1.get("meta")).put("action", "deleted");
        v1.put("event", "deleted.deal");
        v1.putNull("current");
        post(v1, AUTH).statusCode(200).body("recorded", equalTo(0)).body("duplicates", equalTo(1));

        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then()
                .body("currentStage", equalTo("CLOSED_LOST"))
                .body("history.toStage", equalTo(List.of("SQL", "CLOSED_LOST")))
                .body("history[1].rawStage", equalTo("deleted"))
                .body("history[1].amount", equalTo(100f));
    }

    @Test
    void aStageOfASecondPipelineIsAnswered200AndNothingIsRecordedUnderAnotherStage() {
        int deal = newDeal();
        ObjectNode moved = v2Changed(deal, T, JSON.objectNode().put("stage_id", 9_876).put("pipeline_id", 2),
                JSON.objectNode().put("stage_id", 2).put("pipeline_id", 1));
        post(moved, AUTH).statusCode(200).body("recorded", equalTo(0)).body("rejectedCount", equalTo(0));
        ObjectNode v1 = v1Updated(deal, T.plusSeconds(5));
        ((ObjectNode) v1.get("current")).put("stage_id", 9_877).put("pipeline_id", 2);
        post(v1, AUTH).statusCode(200).body("recorded", equalTo(0)).body("rejectedCount", equalTo(0));
        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then().statusCode(404);
    }
}
