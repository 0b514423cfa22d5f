package dev.l2r.lead;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadEventTypes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static dev.l2r.lead.WebhookIntakeTest.hubspotV1;
import static dev.l2r.lead.WebhookIntakeTest.pipedriveAuth;
import static dev.l2r.lead.WebhookIntakeTest.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A deal's value or owner changing without a stage change: recorded as a details change, published once as a
 * LeadDetailsChanged on lead-stage-changed with its l2r-event-type header, a retry a duplicate, and the lead's
 * current amount and owner shown by GET /api/leads/{id}. Payloads in the senders' published forms (HubSpot's
 * webhook documentation's event fields, Pipedrive's webhooks v2 guide: meta, data, previous).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class DetailsChangeWebhookTest {

    @InjectLocalInfra
    LocalInfra infra;

    static final Instant T = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    /** A deal.propertyChange as HubSpot delivers it (the documentation's fields). */
    static String dealChange(long deal, String property, String value, Instant at, long eventId) {
        return """
                {"eventId":%d,"subscriptionId":2,"portalId":62515,"appId":1160452,"occurredAt":%d,
                 "subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":%d,"propertyName":"%s",
                 "propertyValue":"%s","changeSource":"CRM_UI","sourceId":"userId:1234567"}"""
                .formatted(eventId, at.toEpochMilli(), deal, property, value);
    }

    static JsonPath lead(String id) {
        return given().config(io.restassured.RestAssured.config().jsonConfig(io.restassured.config.JsonConfig
                        .jsonConfig().numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.BIG_DECIMAL)))
                .get("/api/leads/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    /** The lead's records on the topic once there are {@code n} of them. */
    List<ConsumerRecord<String, String>> published(String leadId, int n) {
        List<List<ConsumerRecord<String, String>>> found = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> records = TopicProbe.readAll(infra.kafka().bootstrapServers(),
                    LeadStageChanged.TOPIC).stream().filter(r -> leadId.equals(r.key())).toList();
            assertThat(records).hasSize(n);
            found.clear();
            found.add(records);
        });
        return found.get(0);
    }

    static String type(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader(LeadEventTypes.HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aHubSpotAmountChangeAfterTheWinIsPublishedOnceAsADetailsChangeWithItsHeader() throws Exception {
        long deal = 7_000_000L + Math.abs(UUID.randomUUID().hashCode() % 1_000_000);
        String lead = "hubspot:deal:" + deal;
        String won = "[" + dealChange(deal, "dealstage", "closedwon", T, 1) + ","
                + dealChange(deal, "amount", "12000", T, 2) + "]";
        post("hubspot", won, hubspotV1(won)).statusCode(200).body("recorded", equalTo(1));

        // the amount corrected two days after the win, alone in its delivery (counted ignored before)
        String corrected = "[" + dealChange(deal, "amount", "13900.50", T.plus(2, ChronoUnit.DAYS), 3) + "]";
        post("hubspot", corrected, hubspotV1(corrected)).statusCode(200).body("recorded", equalTo(1))
                .body("ignored", equalTo(0));
        // HubSpot retries a delivery it saw no 2xx for: the same change again is a duplicate
        post("hubspot", corrected, hubspotV1(corrected)).statusCode(200).body("recorded", equalTo(0))
                .body("duplicates", equalTo(1));
        // a new owner alone
        String owner = "[" + dealChange(deal, "hubspot_owner_id", "910772", T.plus(3, ChronoUnit.DAYS), 4) + "]";
        post("hubspot", owner, hubspotV1(owner)).statusCode(200).body("recorded", equalTo(1));
        // the same amount again states nothing new
        String same = "[" + dealChange(deal, "amount", "13900.5", T.plus(4, ChronoUnit.DAYS), 5) + "]";
        post("hubspot", same, hubspotV1(same)).statusCode(200).body("recorded", equalTo(0))
                .body("unchanged", equalTo(1));

        List<ConsumerRecord<String, String>> records = published(lead, 3);
        assertThat(records).extracting(DetailsChangeWebhookTest::type).containsExactly(
                LeadEventTypes.LEAD_STAGE_CHANGED, LeadEventTypes.LEAD_DETAILS_CHANGED,
                LeadEventTypes.LEAD_DETAILS_CHANGED);
        LeadStageChanged close = EventJson.readLeadStageChanged(records.get(0).value());
        assertThat(close.toStage()).isEqualTo("CLOSED_WON");
        assertThat(close.amount()).isEqualByComparingTo("12000");
        LeadDetailsChanged amount = EventJson.readLeadDetailsChanged(records.get(1).value());
        assertThat(amount.leadId()).isEqualTo(lead);
        assertThat(amount.amount()).isEqualByComparingTo("13900.50");
        assertThat(amount.currency()).isEqualTo("EUR");
        assertThat(amount.occurredAt()).isEqualTo(T.plus(2, ChronoUnit.DAYS));
        assertThat(amount.source()).isEqualTo("hubspot");
        assertThat(amount.attributes().owner()).isNull();
        assertThat(EventJson.mapper().readTree(records.get(1).value()).has("toStage")).isFalse();
        LeadDetailsChanged ownerChange = EventJson.readLeadDetailsChanged(records.get(2).value());
        assertThat(ownerChange.amount()).isNull();
        assertThat(ownerChange.attributes().owner()).isEqualTo("910772");

        JsonPath view = lead(lead);
        assertThat(view.getList("history.toStage")).containsExactly("CLOSED_WON");
        assertThat(view.getObject("amount", BigDecimal.class)).isEqualByComparingTo("13900.50");
        assertThat(view.getString("currency")).isEqualTo("EUR");
        assertThat(view.getString("attributes.owner")).isEqualTo("910772");
        assertThat(view.getList("details.eventId")).containsExactly(amount.eventId().toString(),
                ownerChange.eventId().toString());
    }

    @Test
    void aPipedriveValueChangeAfterTheWinIsADetailsChangeAndItsRetryADuplicate() throws Exception {
        int deal = Math.abs(UUID.randomUUID().hashCode());
        String lead = "pipedrive:deal:" + deal;
        String won = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"won","stage_id":4,"value":6200.5,"currency":"EUR","owner_id":42},
                 "previous":{"status":"open"}}""".formatted(deal, T.getEpochSecond());
        post("pipedrive", won, pipedriveAuth("test-pipedrive-password")).statusCode(200).body("recorded", equalTo(1));
        String revalued = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"won","stage_id":4,"value":7100,"currency":"EUR","owner_id":42},
                 "previous":{"value":6200.5}}""".formatted(deal, T.plus(5, ChronoUnit.DAYS).getEpochSecond());
        post("pipedrive", revalued, pipedriveAuth("test-pipedrive-password")).statusCode(200)
                .body("recorded", equalTo(1));
        post("pipedrive", revalued, pipedriveAuth("test-pipedrive-password")).statusCode(200)
                .body("recorded", equalTo(0)).body("duplicates", equalTo(1));

        List<ConsumerRecord<String, String>> records = published(lead, 2);
        assertThat(type(records.get(1))).isEqualTo(LeadEventTypes.LEAD_DETAILS_CHANGED);
        LeadDetailsChanged change = EventJson.readLeadDetailsChanged(records.get(1).value());
        assertThat(change.amount()).isEqualByComparingTo("7100");
        assertThat(change.occurredAt()).isEqualTo(T.plus(5, ChronoUnit.DAYS));
        JsonPath view = lead(lead);
        assertThat(view.getList("history.toStage")).containsExactly("CLOSED_WON");
        assertThat(view.getObject("history[0].amount", BigDecimal.class)).isEqualByComparingTo("6200.5");
        assertThat(view.getObject("amount", BigDecimal.class)).isEqualByComparingTo("7100");
        assertThat(view.getString("attributes.owner")).isEqualTo("42");
    }

    /**
     * HubSpot delivers out of order: the amount restated on day 3 (a repeat of day 0's, so unchanged then) arrives
     * before the deal's day-2 stage change with another amount. The restatement is kept dormant and published when
     * the late change arrives, so the consumers and the lead end with the sender's last word.
     */
    @Test
    void aRestatedAmountThatWasARepeatWhenItCameIsPublishedWhenALateEarlierChangeMakesItNews() throws Exception {
        long deal = 8_000_000L + Math.abs(UUID.randomUUID().hashCode() % 1_000_000);
        String lead = "hubspot:deal:" + deal;
        String appointment = "[" + dealChange(deal, "dealstage", "appointmentscheduled", T, 1) + ","
                + dealChange(deal, "amount", "100", T, 2) + "]";
        post("hubspot", appointment, hubspotV1(appointment)).statusCode(200).body("recorded", equalTo(1));
        String restated = "[" + dealChange(deal, "amount", "100", T.plus(3, ChronoUnit.DAYS), 3) + "]";
        post("hubspot", restated, hubspotV1(restated)).statusCode(200).body("recorded", equalTo(0))
                .body("unchanged", equalTo(1));
        String late = "[" + dealChange(deal, "dealstage", "qualifiedtobuy", T.plus(2, ChronoUnit.DAYS), 4) + ","
                + dealChange(deal, "amount", "200", T.plus(2, ChronoUnit.DAYS), 5) + "]";
        post("hubspot", late, hubspotV1(late)).statusCode(200).body("recorded", equalTo(1));
        // HubSpot's retry of the restatement is now a duplicate of what was published
        post("hubspot", restated, hubspotV1(restated)).statusCode(200).body("duplicates", equalTo(1));

        List<ConsumerRecord<String, String>> records = published(lead, 3);
        assertThat(records).extracting(DetailsChangeWebhookTest::type).containsExactly(
                LeadEventTypes.LEAD_STAGE_CHANGED, LeadEventTypes.LEAD_STAGE_CHANGED,
                LeadEventTypes.LEAD_DETAILS_CHANGED);
        assertThat(EventJson.readLeadStageChanged(records.get(1).value()).amount()).isEqualByComparingTo("200");
        LeadDetailsChanged restatement = EventJson.readLeadDetailsChanged(records.get(2).value());
        assertThat(restatement.amount()).isEqualByComparingTo("100");
        assertThat(restatement.occurredAt()).isEqualTo(T.plus(3, ChronoUnit.DAYS));
        JsonPath view = lead(lead);
        assertThat(view.getObject("amount", BigDecimal.class)).isEqualByComparingTo("100");
        assertThat(view.getList("details.eventId")).containsExactly(restatement.eventId().toString());
    }
}
