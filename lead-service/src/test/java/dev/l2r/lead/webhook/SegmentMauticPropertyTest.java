package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Properties of the Segment and Mautic parsers over deliveries drawn at random (seeded {@link Tries}) from their
 * published shapes: a Segment batch is authentic exactly when signed over its first element (or whole), and each of its
 * messages, and each item of a queued Mautic delivery, has one outcome, the one its kind calls for, computed here
 * independently of the parsers.
 */
class SegmentMauticPropertyTest {

    static final Instant BASE = Instant.parse("2025-03-01T00:00:00Z");

    /**
     * What a drawn Segment message should come to; a known user's group call is two changes: the account's segment
     * as a details change (id {@code messageId#account}), then KNOWN.
     */
    enum Outcome { CHANGE, ACCOUNT_AND_CHANGE, PARKED, REFUSED, IGNORED, LINK }

    record Message(String json, Outcome outcome, String messageId, String leadId, BigDecimal amount) {
    }

    static Message segmentMessage(Random random, int i) {
        String user = "u" + random.nextInt(5);
        String id = "m-" + i + "-" + random.nextInt(1_000_000);
        String time = BASE.plusSeconds(random.nextInt(86_400)).toString();
        return switch (random.nextInt(9)) {
            case 0 -> new Message("{\"type\":\"identify\",\"messageId\":\"%s\",\"userId\":\"%s\",\"anonymousId\":\"a%d\",\"timestamp\":\"%s\",\"traits\":{\"email\":\"x@y.z\"}}"
                    .formatted(id, user, i, time), Outcome.CHANGE, id, "segment:" + user, null);
            case 1 -> {
                String stage = Draw.oneOf(random, "mql", "SQL", " opportunity ", "customer");
                yield new Message("{\"type\":\"identify\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\",\"traits\":{\"lifecycle_stage\":\"%s\"}}"
                        .formatted(id, user, time, stage), Outcome.CHANGE, id, "segment:" + user, null);
            }
            case 2 -> new Message("{\"type\":\"identify\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\",\"traits\":{\"lifecycle_stage\":\"stage-%d\"}}"
                    .formatted(id, user, time, random.nextInt(100)), Outcome.PARKED, id, "segment:" + user, null);
            case 3 -> {
                BigDecimal revenue = BigDecimal.valueOf(random.nextInt(10_000_000), 2);
                String currency = Draw.oneOf(random, "USD", "EUR", "JPY");
                yield new Message("{\"type\":\"track\",\"event\":\"Order Completed\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\",\"properties\":{\"order_id\":\"o%d\",\"total\":%s,\"revenue\":%s,\"currency\":\"%s\"}}"
                        .formatted(id, user, time, i, revenue.add(BigDecimal.TEN).toPlainString(),
                                revenue.toPlainString(), currency), Outcome.CHANGE, id, "segment:" + user, revenue);
            }
            case 4 -> new Message("{\"type\":\"track\",\"event\":\"Course Clicked\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\",\"properties\":{\"revenue\":3}}"
                    .formatted(id, user, time), Outcome.IGNORED, id, null, null);
            case 5 -> new Message("{\"type\":\"group\",\"groupId\":\"g%d\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\",\"traits\":{\"plan\":\"%s\",\"employees\":%d}}"
                    .formatted(i, id, user, time, Draw.oneOf(random, "free", "pro", "enterprise"), random.nextInt(5000)),
                    Outcome.ACCOUNT_AND_CHANGE, id, "segment:" + user, null);
            case 6 -> new Message("{\"type\":\"alias\",\"previousId\":\"a%d\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\"}"
                    .formatted(i, id, user, time), Outcome.LINK, id, "segment:" + user, null);
            case 7 -> new Message("{\"type\":\"page\",\"messageId\":\"%s\",\"anonymousId\":\"anon-%d\",\"timestamp\":\"%s\",\"context\":{\"campaign\":{\"source\":\"google\",\"medium\":\"cpc\",\"term\":\"crm\",\"content\":\"ad-%d\"}}}"
                    .formatted(id, i, time, i), Outcome.CHANGE, id, "segment:anon-" + i, null);
            default -> new Message(Draw.oneOf(random,
                    "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"%s\",\"timestamp\":\"%s\"}".formatted(user, time),
                    "{\"type\":\"track\",\"event\":\"Order Completed\",\"messageId\":\"%s\",\"userId\":\"%s\",\"timestamp\":\"%s\",\"properties\":{\"revenue\":1.23456}}".formatted(id, user, time),
                    "{\"type\":\"identify\",\"messageId\":\"%s\",\"timestamp\":\"%s\"}".formatted(id, time),
                    "\"not a message\""), Outcome.REFUSED, null, null, null);
        };
    }

    @Test
    void aSegmentBatchIsAuthenticExactlyWhenSignedOverItsFirstMessageOrWholeAndEachMessageHasItsOwnOutcome() {
        SegmentWebhook segment = SegmentWebhookTest.segment(Map.of());
        Tries.forAll(300, random -> {
            List<Message> messages = new ArrayList<>();
            int n = Draw.between(random, 1, 25);
            for (int i = 0; i < n; i++) {
                messages.add(segmentMessage(random, i));
            }
            return messages;
        }, Draw::fewer, messages -> {
            String body = "[" + String.join(",", messages.stream().map(Message::json).toList()) + "]";
            String first = messages.get(0).json();
            assertThatCode(() -> segment.authenticate(SegmentWebhookTest.request(body, SegmentWebhookTest.sign(first))))
                    .doesNotThrowAnyException();
            assertThatCode(() -> segment.authenticate(SegmentWebhookTest.request(body, SegmentWebhookTest.sign(body))))
                    .doesNotThrowAnyException();
            WebhookSignaturesTest.assertRefused(() -> segment.authenticate(SegmentWebhookTest.request(body,
                    SegmentWebhookTest.sign(body.substring(1)))), Reason.BAD_SIGNATURE);
            if (messages.size() > 1) {
                String last = messages.get(messages.size() - 1).json();
                if (!last.equals(first)) {
                    WebhookSignaturesTest.assertRefused(() -> segment.authenticate(SegmentWebhookTest.request(body,
                            SegmentWebhookTest.sign(last))), Reason.BAD_SIGNATURE);
                }
            }

            WebhookItems items = SegmentWebhookTest.read(segment, body);
            Map<Outcome, Long> expected = new LinkedHashMap<>();
            for (Outcome o : Outcome.values()) {
                expected.put(o, messages.stream().filter(m -> m.outcome() == o).count());
            }
            assertThat(items.changes()).hasSize((int) (expected.get(Outcome.CHANGE)
                    + 2 * expected.get(Outcome.ACCOUNT_AND_CHANGE)));
            assertThat(items.parked()).hasSize(expected.get(Outcome.PARKED).intValue());
            assertThat(items.refusals()).hasSize(expected.get(Outcome.REFUSED).intValue());
            assertThat(items.ignored()).isEqualTo(expected.get(Outcome.IGNORED).intValue());
            // an alias links its two ids, and so does an identify carrying both, once the message is taken
            long identifiesWithBoth = messages.stream().filter(m -> m.outcome() == Outcome.CHANGE
                    && m.json().contains("\"type\":\"identify\"") && m.json().contains("\"anonymousId\"")).count();
            assertThat(items.links()).hasSize((int) (expected.get(Outcome.LINK) + identifiesWithBoth));
            assertThat(items.links()).allSatisfy(l -> assertThat(l.linkedLeadId()).matches("segment:a\\d+"));
            // in order, each change is its message's: its id, its lead, its money
            List<Message> changing = new java.util.ArrayList<>();
            for (Message m : messages) {
                if (m.outcome() == Outcome.ACCOUNT_AND_CHANGE) {
                    changing.add(new Message(m.json(), m.outcome(), m.messageId() + "#account", m.leadId(), null));
                }
                if (m.outcome() == Outcome.CHANGE || m.outcome() == Outcome.ACCOUNT_AND_CHANGE) {
                    changing.add(m);
                }
            }
            for (int i = 0; i < changing.size(); i++) {
                StageChange change = items.changes().get(i);
                assertThat(change.sourceEventId()).isEqualTo(changing.get(i).messageId());
                assertThat(change.leadId()).isEqualTo(changing.get(i).leadId());
                if (changing.get(i).amount() == null) {
                    assertThat(change.amount()).isNull();
                } else {
                    assertThat(change.amount()).isEqualByComparingTo(changing.get(i).amount());
                }
            }
            // each refusal names a field inside its own message
            for (WebhookItems.Refusal refusal : items.refusals()) {
                assertThat(refusal.field()).matches("\\[\\d+](\\..+)?");
            }
        });
    }

    @Test
    void theFirstElementOfAnyArrayIsFoundAsItStandsWhateverTheSpacing() {
        Tries.forAll(500, random -> {
            List<String> elements = new ArrayList<>();
            int n = Draw.between(random, 1, 6);
            for (int i = 0; i < n; i++) {
                String text = Draw.anyString(random, 12).replace("\\", "\\\\").replace("\"", "\\\"")
                        .replaceAll("\\p{Cntrl}", " ").replaceAll("[\\uD800-\\uDFFF]", "x");
                elements.add(Draw.oneOf(random, "{\"k\":\"" + text + "\",\"n\":[1,{\"x\":\"]}\"}]}",
                        "\"" + text + "\"", "[\"" + text + "\",[]]", String.valueOf(random.nextInt()), "null", "{}"));
            }
            String space = Draw.oneOf(random, "", " ", "\n  ", "\t");
            return List.of(space + "[" + space + String.join(space + "," + space, elements) + space + "]",
                    elements.get(0));
        }, sample -> {
            byte[] body = sample.get(0).getBytes(StandardCharsets.UTF_8);
            assertThat(SegmentWebhook.isArray(body)).isTrue();
            assertThat(new String(SegmentWebhook.firstElement(body).orElseThrow(), StandardCharsets.UTF_8))
                    .isEqualTo(sample.get(1));
        });
    }

    /** A drawn item of a queued Mautic delivery and the outcomes it should come to. */
    record MauticItem(String type, ObjectNode json, int changes, int parked) {
    }

    static MauticItem mauticItem(Random random) {
        String type = Draw.oneOf(random, "mautic.lead_post_save_new", "mautic.lead_post_save_update",
                "mautic.lead_points_change", "mautic.form_on_submit");
        ObjectNode contact = WebhookParsersPropertyTest.MAPPER.createObjectNode();
        contact.put("id", random.nextInt(1000) + 1);
        int points = Draw.between(random, 0, 200);
        contact.put("points", points);
        boolean email = random.nextBoolean();
        ObjectNode core = contact.putObject("fields").putObject("core");
        core.putObject("email").put("alias", "email").put("value", email ? "p@example.com" : null);
        contact.putObject("owner").put("username", "admin");
        int changes = 0;
        int parked = 0;
        switch (random.nextInt(4)) {
            case 0 -> {
                contact.putObject("stage").put("id", 2).put("name", Draw.oneOf(random, "MQL", "Customer", "Lost"));
                changes++;
            }
            case 1 -> {
                contact.putObject("stage").put("name", "Stage " + random.nextInt(50));
                parked++;
            }
            case 2 -> contact.putObject("stage").put("createdByUser", "John Doe").putNull("modifiedByUser");
            default -> contact.putNull("stage");
        }
        if (points >= 100) {
            changes++;
        }
        ObjectNode item = WebhookParsersPropertyTest.MAPPER.createObjectNode();
        String time = BASE.plusSeconds(random.nextInt(86_400)).toString().replace("Z", "+00:00");
        if (type.equals("mautic.form_on_submit")) {
            ObjectNode submission = item.putObject("submission");
            submission.put("id", random.nextInt(10_000)).put("dateSubmitted", time);
            submission.set("lead", contact);
            submission.putArray("results");
            changes += email ? 1 : 0;
        } else {
            item.set("contact", contact);
            if (type.equals("mautic.lead_points_change")) {
                item.putObject("points").put("old_points", Math.max(0, points - 5)).put("new_points", points);
            }
            if (type.equals("mautic.lead_post_save_new") && email) {
                changes++;
            }
        }
        item.put("timestamp", time);
        return new MauticItem(type, item, changes, parked);
    }

    @Test
    void eachItemOfAQueuedMauticDeliveryHasTheOutcomesItsContactCallsFor() {
        MauticWebhook mautic = MauticWebhookTest.mautic(Map.of());
        Tries.forAll(300, random -> {
            List<MauticItem> items = new ArrayList<>();
            int n = Draw.between(random, 1, 30);
            for (int i = 0; i < n; i++) {
                items.add(mauticItem(random));
            }
            return items;
        }, Draw::fewer, drawn -> {
            Map<String, ArrayNode> byType = new LinkedHashMap<>();
            drawn.forEach(i -> byType.computeIfAbsent(i.type(), t -> WebhookParsersPropertyTest.MAPPER.createArrayNode())
                    .add(i.json()));
            WebhookItems items = MauticWebhookTest.read(mautic, MauticWebhookTest.body(byType));
            assertThat(items.refusals()).isEmpty();
            assertThat(items.changes()).hasSize(drawn.stream().mapToInt(MauticItem::changes).sum());
            assertThat(items.parked()).hasSize(drawn.stream().mapToInt(MauticItem::parked).sum());
            assertThat(items.ignored()).isEqualTo((int) drawn.stream()
                    .filter(i -> i.changes() == 0 && i.parked() == 0).count());
            for (StageChange change : items.changes()) {
                assertThat(change.leadId()).matches("mautic:\\d+");
                assertThat(change.attributes().owner()).isEqualTo("admin");
                WebhookParsersPropertyTest.assertStorable(change, true, "mautic");
            }
        });
    }
}
