package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import dev.l2r.lead.history.StageChange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: one deal event, drawn at random (created, changed in any subset of status, stage, value, currency and
 * title, or deleted; any status word, any stage id of any pipeline, any amount) and written once in Pipedrive's v1
 * form and once in its v2 form (the forms of the published payloads in {@code PipedriveWebhookTest}), reads in both
 * as this independent reading says: deleted → the lost stage; created or status/stage changed → the deal's stage
 * now (won/lost by status, else the stage id); value or currency changed alone → that stage with the new amount;
 * anything else ignored; a status or stage id no mapping knows parked under it, never refused. Both forms give the
 * same lead, stage, amount, owner and source event id, so a switch of versions counts nothing twice.
 */
class PipedriveParserPropertyTest {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The shipped default mappings of stage ids. */
    static final Map<String, String> STAGES = Map.of("1", "SAL", "2", "SQL", "3", "SQL", "4", "OPPORTUNITY",
            "5", "OPPORTUNITY");

    enum Field { STATUS, STAGE, VALUE, CURRENCY, TITLE }

    enum Action { CREATE, CHANGE, DELETE }

    record Deal(String status, int stageId, BigDecimal value, String currency, long owner, String title) {
        ObjectNode json(long id, boolean v1) {
            ObjectNode deal = JSON.objectNode().put("id", id).put("status", status).put("stage_id", stageId)
                    .put("pipeline_id", stageId > 5 ? 2 : 1).put("currency", currency).put("title", title)
                    .put(v1 ? "user_id" : "owner_id", owner).put("person_id", 8).put("org_id", 1);
            if (value == null) {
                deal.putNull("value");
            } else {
                deal.put("value", value);
            }
            return deal;
        }
    }

    record Case(long id, Action action, Deal before, Deal now, Set<Field> changed, long second, int millis,
                boolean v2Iso) {
    }

    final PipedriveWebhook pipedrive = PipedriveWebhookTest.pipedrive(WebhookParsersPropertyTest.support());

    /** Mostly the statuses Pipedrive has, now and then one no mapping knows (never "deleted"). */
    static String status(Random random) {
        return switch (random.nextInt(5)) {
            case 0, 1 -> "open";
            case 2 -> "won";
            case 3 -> "lost";
            default -> "s" + Draw.string(random, "abcdefghijklmnopqrstuvwxyz", 8);
        };
    }

    static Deal deal(Random random) {
        BigDecimal value = random.nextInt(10) == 0 ? null
                : BigDecimal.valueOf(Draw.between(random, 0L, 999_999_999_999L), random.nextInt(3));
        return new Deal(status(random), Draw.between(random, 1, 60), value, Draw.oneOf(random, "EUR", "USD", "GBP"),
                Draw.between(random, 1L, 99_999_999L), "deal " + random.nextInt(1000));
    }

    /** The deal as it was before: the drawn fields made different from now. */
    static Deal before(Random random, Deal now, Set<Field> changed) {
        String status = now.status();
        while (changed.contains(Field.STATUS) && status.equals(now.status())) {
            status = status(random);
        }
        int stage = changed.contains(Field.STAGE) ? now.stageId() % 60 + 1 : now.stageId();
        BigDecimal value = changed.contains(Field.VALUE)
                ? (now.value() == null ? BigDecimal.TEN : now.value().add(BigDecimal.ONE)) : now.value();
        String currency = changed.contains(Field.CURRENCY) ? (now.currency().equals("EUR") ? "USD" : "EUR")
                : now.currency();
        String title = changed.contains(Field.TITLE) ? now.title() + " (old)" : now.title();
        return new Deal(status, stage, value, currency, now.owner(), title);
    }

    static Case draw(Random random) {
        Action action = Draw.oneOf(random, Action.values());
        Deal now = deal(random);
        Set<Field> changed = EnumSet.noneOf(Field.class);
        if (action == Action.CHANGE) {
            for (Field f : Field.values()) {
                if (random.nextInt(3) == 0) {
                    changed.add(f);
                }
            }
        }
        long second = Draw.between(random, Instant.parse("2020-01-01T00:00:00Z").getEpochSecond(),
                WebhookParsersPropertyTest.NOW.getEpochSecond() - 86_400);
        return new Case(Draw.between(random, 1L, 999_999_999L), action, before(random, now, changed), now, changed,
                second, random.nextInt(1000), random.nextBoolean());
    }

    static ObjectNode v1(Case c) {
        String verb = switch (c.action()) {
            case CREATE -> "added";
            case CHANGE -> "updated";
            case DELETE -> "deleted";
        };
        ObjectNode body = JSON.objectNode().put("v", 1);
        body.set("meta", JSON.objectNode().put("v", 1).put("action", verb).put("object", "deal").put("id", c.id())
                .put("company_id", 1234567890).put("user_id", 1234567890).put("host", "company.pipedrive.com")
                .put("timestamp", c.second()).put("timestamp_micro", c.second() * 1_000_000 + c.millis() * 1000L)
                .put("is_bulk_update", false));
        body.put("retry", 0);
        body.set("current", c.action() == Action.DELETE ? JSON.nullNode() : c.now().json(c.id(), true));
        // v1's previous is the whole deal before (every field), null for a new deal
        body.set("previous", switch (c.action()) {
            case CREATE -> JSON.nullNode();
            case CHANGE -> c.before().json(c.id(), true);
            case DELETE -> c.now().json(c.id(), true);
        });
        body.put("event", verb + ".deal");
        return body;
    }

    static ObjectNode v2(Case c) {
        String verb = switch (c.action()) {
            case CREATE -> "create";
            case CHANGE -> "change";
            case DELETE -> "delete";
        };
        ObjectNode meta = JSON.objectNode().put("action", verb).put("entity", "deal").put("company_id", "8087566")
                .put("entity_id", String.valueOf(c.id())).put("id", "71825ee0-0054-4267-b5fd-d28b7a414212")
                .put("is_bulk_edit", false).put("type", "general").put("user_id", "12415231").put("version", "2.0")
                .put("attempt", 1).put("host", "pd-us.pipedrive.com");
        if (c.v2Iso()) {
            meta.put("timestamp", Instant.ofEpochSecond(c.second()).plusMillis(c.millis()).toString());
        } else {
            meta.put("timestamp", c.second());
        }
        ObjectNode body = JSON.objectNode();
        body.set("data", c.action() == Action.DELETE ? JSON.nullNode() : c.now().json(c.id(), false));
        // v2's previous holds only the changed fields
        ObjectNode previous = JSON.objectNode();
        ObjectNode before = c.before().json(c.id(), false);
        for (Field f : c.changed()) {
            String name = switch (f) {
                case STATUS -> "status";
                case STAGE -> "stage_id";
                case VALUE -> "value";
                case CURRENCY -> "currency";
                case TITLE -> "title";
            };
            previous.set(name, before.get(name));
        }
        body.set("previous", switch (c.action()) {
            case CREATE -> JSON.nullNode();
            case CHANGE -> previous;
            case DELETE -> c.now().json(c.id(), false);
        });
        body.set("meta", meta);
        return body;
    }

    /** What the event means, read independently of the parser: stage (null: parked), raw value, key suffix. */
    record Expected(boolean ignored, String stage, String parkedField, String raw, String keySuffix,
                    boolean details) {
        Expected(boolean ignored, String stage, String parkedField, String raw, String keySuffix) {
            this(ignored, stage, parkedField, raw, keySuffix, false);
        }
    }

    static Expected expected(Case c) {
        Deal deal = c.now();
        if (c.action() == Action.DELETE) {
            return new Expected(false, "CLOSED_LOST", null, "deleted", "status:deleted");
        }
        boolean move = c.action() == Action.CREATE || c.changed().contains(Field.STATUS)
                || c.changed().contains(Field.STAGE);
        boolean money = c.changed().contains(Field.VALUE) || c.changed().contains(Field.CURRENCY);
        if (!move && !(money && deal.value() != null)) {
            return new Expected(true, null, null, null, null);
        }
        if (!move) {
            // the value alone: a details change, whatever the deal's stage
            return new Expected(false, null, null, null,
                    "value:" + deal.value().stripTrailingZeros().toPlainString() + " " + deal.currency(), true);
        }
        String field;
        String raw;
        String stage;
        String parked = null;
        switch (deal.status()) {
            case "won" -> { field = "status"; raw = "won"; stage = "CLOSED_WON"; }
            case "lost" -> { field = "status"; raw = "lost"; stage = "CLOSED_LOST"; }
            case "open" -> {
                field = "stage_id";
                raw = String.valueOf(deal.stageId());
                stage = STAGES.get(raw);
                parked = stage == null ? "stage_id" : null;
            }
            default -> { field = "status"; raw = deal.status(); stage = null; parked = "status"; }
        }
        String key = field + ":" + raw;
        return new Expected(false, stage, parked, raw, key);
    }

    WebhookItems read(ObjectNode body) {
        WebhookItems items = new WebhookItems();
        pipedrive.read(new WebhookRequest("pipedrive", "POST", "https://l2r.example.com/api/webhooks/pipedrive",
                Map.of(), body.toString().getBytes(StandardCharsets.UTF_8), WebhookParsersPropertyTest.NOW), items);
        return items;
    }

    void check(Case c, ObjectNode body, Expected expected) {
        WebhookItems items = read(body);
        assertThat(items.refusals()).as("never a refusal").isEmpty();
        if (expected.ignored()) {
            assertThat(items.changes()).isEmpty();
            assertThat(items.parked()).isEmpty();
            assertThat(items.ignored()).isEqualTo(1);
            return;
        }
        StageChange change;
        if (expected.details()) {
            assertThat(items.parked()).isEmpty();
            assertThat(items.changes()).hasSize(1);
            change = items.changes().get(0);
            assertThat(change.isDetails()).isTrue();
            assertThat(change.stage()).isNull();
        } else if (expected.parkedField() != null) {
            assertThat(items.changes()).isEmpty();
            assertThat(items.parked()).hasSize(1);
            WebhookItems.Parked parked = items.parked().get(0);
            assertThat(parked.mappedField()).isEqualTo(expected.parkedField());
            assertThat(parked.value()).isEqualTo(expected.raw());
            change = parked.change();
            assertThat(change.stage()).isNull();
        } else {
            assertThat(items.parked()).isEmpty();
            assertThat(items.changes()).hasSize(1);
            change = items.changes().get(0);
            assertThat(change.stage()).isEqualTo(expected.stage());
        }
        assertThat(change.leadId()).isEqualTo("pipedrive:deal:" + c.id());
        assertThat(change.rawStage()).isEqualTo(expected.raw());
        assertThat(change.sourceEventId()).isEqualTo("deal:" + c.id() + ":" + c.second() * 1000 + ":"
                + expected.keySuffix());
        assertThat(change.occurredAt().getEpochSecond()).isEqualTo(c.second());
        assertThat(change.attributes().owner()).isEqualTo(String.valueOf(c.now().owner()));
        if (c.now().value() == null) {
            assertThat(change.amount()).isNull();
        } else {
            assertThat(change.amount()).isEqualByComparingTo(c.now().value());
            assertThat(change.currency()).isEqualTo(c.now().currency());
        }
    }

    @Test
    void v1AndV2OfTheSameEventReadAsTheEventMeans() {
        Tries.forAll(3_000, PipedriveParserPropertyTest::draw, c -> {
            Expected expected = expected(c);
            check(c, v1(c), expected);
            check(c, v2(c), expected);
        });
    }
}
