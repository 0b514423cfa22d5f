package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.RejectedInput;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Pipedrive parser on the payloads Pipedrive publishes (test resources {@code webhooks/pipedrive}, where each
 * was published is in its README): v2's own "Create deal", "Update deal" and "Delete deal" examples, and a captured
 * v1 {@code updated.deal}; variants change their fields (a win, a value, another pipeline's stage), never their
 * shape. The default mappings apply: status won → CLOSED_WON, lost → CLOSED_LOST, open → the stage id decides;
 * stage ids 1 → SAL, 2-3 → SQL, 4-5 → OPPORTUNITY.
 */
class PipedriveWebhookTest {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    final WebhookSupport support = WebhookParsersPropertyTest.support();
    final PipedriveWebhook pipedrive = pipedrive(support);

    static PipedriveWebhook pipedrive(WebhookSupport support) {
        PipedriveWebhook pipedrive = new PipedriveWebhook();
        pipedrive.support = support;
        pipedrive.funnels = support.funnels;
        return pipedrive;
    }

    static ObjectNode published(String name) {
        try (InputStream in = PipedriveWebhookTest.class.getResourceAsStream("/webhooks/pipedrive/" + name)) {
            return (ObjectNode) WebhookParsersPropertyTest.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    WebhookItems read(JsonNode body) {
        WebhookItems items = new WebhookItems();
        pipedrive.read(new WebhookRequest("pipedrive", "POST", "https://l2r.example.com/api/webhooks/pipedrive",
                Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8),
                WebhookParsersPropertyTest.NOW), items);
        return items;
    }

    static StageChange only(WebhookItems items) {
        assertThat(items.refusals()).isEmpty();
        assertThat(items.parked()).isEmpty();
        assertThat(items.changes()).hasSize(1);
        return items.changes().get(0);
    }

    /** The v1 capture turned into the deal's win: status open → won with a value, as Pipedrive's v1 sends it. */
    static ObjectNode v1Won() {
        ObjectNode body = published("v1-updated-deal.json");
        ObjectNode current = (ObjectNode) body.get("current");
        current.put("status", "won").put("value", 1500).put("won_time", "2025-02-17 21:22:41");
        return body;
    }

    @Test
    void v2CreateDealEntersAtItsStageWithValueAndOwner() {
        StageChange change = only(read(published("v2-create-deal.json")));
        assertThat(change.leadId()).isEqualTo("pipedrive:deal:8");
        assertThat(change.stage()).isEqualTo("SQL"); // open: stage_id 2 decides
        assertThat(change.rawStage()).isEqualTo("2");
        assertThat(change.occurredAt()).isEqualTo(Instant.parse("2022-11-24T13:18:56.089Z"));
        assertThat(change.amount()).isEqualByComparingTo("100");
        assertThat(change.currency()).isEqualTo("EUR");
        assertThat(change.attributes().owner()).isEqualTo("12415231");
        // the key counts whole seconds, as v1 sends them
        assertThat(change.sourceEventId()).isEqualTo("deal:8:" + Instant.parse("2022-11-24T13:18:56Z").toEpochMilli()
                + ":stage_id:2");
    }

    @Test
    void v2UpdateOfACustomFieldIsIgnored() {
        WebhookItems items = read(published("v2-update-deal.json"));
        assertThat(items.changes()).isEmpty();
        assertThat(items.parked()).isEmpty();
        assertThat(items.ignored()).isEqualTo(1);
    }

    @Test
    void v1UpdateWhosePreviousHoldsEveryFieldUnchangedIsIgnored() {
        // v1's previous repeats status, stage_id and value; only title-like fields and update_time differ
        WebhookItems items = read(published("v1-updated-deal.json"));
        assertThat(items.changes()).isEmpty();
        assertThat(items.ignored()).isEqualTo(1);
    }

    @Test
    void v1WinClosesTheDealWithItsValueAndTheV1OwnerField() {
        StageChange change = only(read(v1Won()));
        assertThat(change.leadId()).isEqualTo("pipedrive:deal:9");
        assertThat(change.stage()).isEqualTo("CLOSED_WON");
        assertThat(change.rawStage()).isEqualTo("won");
        assertThat(change.amount()).isEqualByComparingTo("1500");
        assertThat(change.currency()).isEqualTo("USD");
        assertThat(change.attributes().owner()).isEqualTo("1234567890"); // v1 user_id
        assertThat(change.occurredAt()).isEqualTo(Instant.ofEpochSecond(1739827361));
        assertThat(change.sourceEventId()).isEqualTo("deal:9:1739827361000:status:won");
    }

    @Test
    void theSameWinSentByV1AndV2IsOneLeadAndOneKey() {
        StageChange v1 = only(read(v1Won()));
        // v2's form of the same edit: meta.entity_id, an ISO timestamp with milliseconds, previous only the change
        ObjectNode v2 = published("v2-create-deal.json");
        ObjectNode meta = (ObjectNode) v2.get("meta");
        meta.put("action", "change").put("entity_id", "9").put("timestamp", "2025-02-17T21:22:41.337Z");
        ObjectNode data = (ObjectNode) v2.get("data");
        data.put("id", 9).put("status", "won").put("value", 1500).put("currency", "USD").put("stage_id", 1)
                .put("owner_id", 1234567890);
        v2.set("previous", JSON.objectNode().put("status", "open"));
        StageChange same = only(read(v2));
        assertThat(same.leadId()).isEqualTo(v1.leadId());
        assertThat(same.sourceEventId()).isEqualTo(v1.sourceEventId());
        assertThat(same.stage()).isEqualTo(v1.stage());
        assertThat(same.attributes().owner()).isEqualTo(v1.attributes().owner());
    }

    @Test
    void v1UserIdAsAnObjectIsTheOwnersId() {
        // older v1 deliveries carry the owner as an object (captured in public integrations' tests)
        ObjectNode body = v1Won();
        ((ObjectNode) body.get("current")).set("user_id", JSON.objectNode().put("id", 2428657)
                .put("name", "SOME USER").put("email", "user@example.com").put("value", 1656137));
        assertThat(only(read(body)).attributes().owner()).isEqualTo("2428657");
    }

    @Test
    void v2DeleteDealIsAMoveToTheLostStageWithRawStageDeleted() {
        StageChange change = only(read(published("v2-delete-deal.json")));
        assertThat(change.leadId()).isEqualTo("pipedrive:deal:8");
        assertThat(change.stage()).isEqualTo("CLOSED_LOST");
        assertThat(change.rawStage()).isEqualTo("deleted");
        assertThat(change.amount()).isEqualByComparingTo("100");
        assertThat(change.attributes().owner()).isEqualTo("12415231");
        assertThat(change.sourceEventId()).isEqualTo("deal:8:" + Instant.parse("2022-11-24T15:16:53Z").toEpochMilli()
                + ":status:deleted");
    }

    @Test
    void v1DeletedDealIsTheSameDeletion() {
        // v1's deleted.deal: current empty, previous the deal
        ObjectNode body = published("v1-updated-deal.json");
        ((ObjectNode) body.get("meta")).put("action", "deleted");
        body.put("event", "deleted.deal");
        body.putNull("current");
        StageChange change = only(read(body));
        assertThat(change.stage()).isEqualTo("CLOSED_LOST");
        assertThat(change.rawStage()).isEqualTo("deleted");
        assertThat(change.sourceEventId()).isEqualTo("deal:9:1739827361000:status:deleted");

        // and a v1 update whose status became "deleted" (the status a deleted deal has in v1)
        ObjectNode update = published("v1-updated-deal.json");
        ((ObjectNode) update.get("current")).put("status", "deleted").put("deleted", true);
        assertThat(only(read(update)).sourceEventId()).isEqualTo(change.sourceEventId());
    }

    @Test
    void aDeleteDoneByAMergeIsNoLoss() {
        ObjectNode body = published("v2-delete-deal.json");
        ((ObjectNode) body.get("meta")).put("merged_to_id", "12");
        WebhookItems items = read(body);
        assertThat(items.changes()).isEmpty();
        assertThat(items.ignored()).isEqualTo(1);
        ObjectNode v1 = published("v1-updated-deal.json");
        ((ObjectNode) v1.get("meta")).put("action", "merged");
        v1.put("event", "merged.deal");
        assertThat(read(v1).changes()).isEmpty();
    }

    @Test
    void aStageOfASecondPipelineIsParkedNeverRefused() {
        ObjectNode body = published("v2-update-deal.json");
        ((ObjectNode) body.get("data")).put("stage_id", 42).put("pipeline_id", 2);
        body.set("previous", JSON.objectNode().put("stage_id", 2).put("pipeline_id", 1));
        WebhookItems items = read(body);
        assertThat(items.changes()).isEmpty();
        assertThat(items.refusals()).isEmpty();
        assertThat(items.parked()).hasSize(1);
        WebhookItems.Parked parked = items.parked().get(0);
        assertThat(parked.mappedField()).isEqualTo("stage_id");
        assertThat(parked.value()).isEqualTo("42");
        assertThat(parked.path()).isEqualTo("data.stage_id");
        assertThat(parked.change().stage()).isNull();
        assertThat(parked.change().leadId()).isEqualTo("pipedrive:deal:8");
        assertThat(parked.change().rawStage()).isEqualTo("42");
        assertThat(parked.change().amount()).isEqualByComparingTo("100");
        assertThat(parked.change().occurredAt()).isEqualTo(Instant.parse("2022-11-24T15:11:55.724Z"));
        assertThat(parked.change().sourceEventId()).endsWith(":stage_id:42");
    }

    @Test
    void anUnknownStatusIsParkedUnderStatus() {
        ObjectNode body = v1Won();
        ((ObjectNode) body.get("current")).put("status", "archived");
        WebhookItems items = read(body);
        assertThat(items.parked()).singleElement().satisfies(p -> {
            assertThat(p.mappedField()).isEqualTo("status");
            assertThat(p.value()).isEqualTo("archived");
            assertThat(p.path()).isEqualTo("current.status");
        });
    }

    @Test
    void aValueChangeOnAWonDealIsADetailsChangeWithTheNewAmount() {
        ObjectNode body = published("v2-update-deal.json");
        ((ObjectNode) body.get("data")).put("status", "won").put("value", 250);
        body.set("previous", JSON.objectNode().put("value", 100));
        StageChange change = only(read(body));
        assertThat(change.isDetails()).isTrue();
        assertThat(change.stage()).isNull();
        assertThat(change.rawStage()).isNull();
        assertThat(change.amount()).isEqualByComparingTo("250");
        assertThat(change.currency()).isEqualTo("EUR");
        assertThat(change.sourceEventId()).endsWith(":value:250 EUR");

        // v1 repeats the currency in previous: a currency change alone is a value change too
        ObjectNode v1 = v1Won();
        ((ObjectNode) v1.get("previous")).put("status", "won").put("value", 1500);
        ((ObjectNode) v1.get("current")).put("currency", "EUR");
        StageChange v1Change = only(read(v1));
        assertThat(v1Change.isDetails()).isTrue();
        assertThat(v1Change.sourceEventId()).isEqualTo("deal:9:1739827361000:value:1500 EUR");
    }

    @Test
    void aValueChangeOnAnOpenDealIsADetailsChangeToo() {
        ObjectNode body = published("v2-update-deal.json");
        ((ObjectNode) body.get("data")).put("value", new BigDecimal("150.50"));
        body.set("previous", JSON.objectNode().put("value", 100));
        StageChange change = only(read(body));
        assertThat(change.isDetails()).isTrue();
        assertThat(change.stage()).isNull();
        assertThat(change.amount()).isEqualByComparingTo("150.5");
        assertThat(change.sourceEventId()).endsWith(":value:150.5 EUR");
    }

    @Test
    void aWonDealMovedToAnotherStageStaysWon() {
        // the status decides while it is a stage: no recycle out of won because the stage id changed
        ObjectNode body = published("v2-update-deal.json");
        ((ObjectNode) body.get("data")).put("status", "won").put("stage_id", 4);
        body.set("previous", JSON.objectNode().put("stage_id", 2));
        StageChange change = only(read(body));
        assertThat(change.stage()).isEqualTo("CLOSED_WON");
    }

    @Test
    void reopeningADealMovesItToItsStage() {
        ObjectNode body = published("v2-update-deal.json");
        ((ObjectNode) body.get("data")).put("stage_id", 4);
        body.set("previous", JSON.objectNode().put("status", "lost"));
        StageChange change = only(read(body));
        assertThat(change.stage()).isEqualTo("OPPORTUNITY");
        assertThat(change.sourceEventId()).endsWith(":stage_id:4");
    }

    @Test
    void otherObjectsAreIgnoredAndADealWithoutIdIsRefused() {
        ObjectNode person = published("v2-create-deal.json");
        ((ObjectNode) person.get("meta")).put("entity", "person");
        assertThat(read(person).ignored()).isEqualTo(1);
        ObjectNode v1Person = published("v1-updated-deal.json");
        ((ObjectNode) v1Person.get("meta")).put("object", "person");
        v1Person.put("event", "updated.person");
        assertThat(read(v1Person).ignored()).isEqualTo(1);

        ObjectNode noId = published("v2-create-deal.json");
        ((ObjectNode) noId.get("meta")).remove("entity_id");
        ((ObjectNode) noId.get("data")).remove("id");
        assertThatThrownBy(() -> read(noId)).isInstanceOfSatisfying(RejectedInput.class,
                e -> assertThat(e.toProblem().field()).isEqualTo("meta.entity_id"));
    }
}
