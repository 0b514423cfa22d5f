package dev.l2r.lead.webhook;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import dev.l2r.lead.history.StageChange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: a delivery of up to 100 HubSpot events of every shape HubSpot sends (both type spellings, legacy and
 * generic forms, mapped and custom stages, amounts, currencies, owners, pipelines, deletions, other objects) is
 * read as an independent model of HubSpot's meaning says: each event is a change, parked or ignored exactly once;
 * contacts and deals of the same number never share a lead; a stage change carries its object's latest amount
 * and owner of the delivery; every delivery id is distinct unless the event is the same change.
 */
class HubSpotShapesPropertyTest {

    /** One drawn event and what it should become. */
    record Drawn(String json, String outcome, String leadId, String stage, String objectKey) {
    }

    /** @param details the leads that get a details change (amount or owner, no stage change here), in order */
    record Delivery(List<Drawn> events, Map<String, BigDecimal> amounts, Map<String, String> owners,
                    List<String> details) {
        String body() {
            return "[" + String.join(",", events.stream().map(Drawn::json).toList()) + "]";
        }

        @Override
        public String toString() {
            return body();
        }
    }

    static final long T0 = 1_751_276_050_977L; // 2025-06-30, before the parser's fixed now

    static Delivery draw(Random r) {
        int n = Draw.between(r, 1, 100);
        List<Drawn> events = new ArrayList<>();
        Map<String, long[]> latestAmountAt = new HashMap<>();
        Map<String, BigDecimal> amounts = new HashMap<>();
        Map<String, long[]> latestOwnerAt = new HashMap<>();
        Map<String, String> owners = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long id = Draw.between(r, 1, 6); // few ids, so contacts and deals share numbers and values repeat
            boolean deal = r.nextBoolean();
            boolean generic = r.nextBoolean();
            String typeField = r.nextBoolean() ? "subscriptionType" : "eventType";
            String kind = deal ? "deal" : "contact";
            String objectKey = kind + ":" + id;
            String leadId = deal ? "hubspot:deal:" + id : "hubspot:" + id;
            long at = T0 + Draw.between(r, 0, 5_000);
            String typeId = deal ? "0-3" : "0-1";
            String what = Draw.oneOf(r, "stage", "stage", "custom", "amount", "owner", "pipeline", "deletion",
                    "creation", "association", "other-object", "other-value");
            String action = switch (what) {
                case "deletion" -> "deletion";
                case "creation" -> "creation";
                case "association" -> "associationChange";
                default -> "propertyChange";
            };
            String type = (generic ? "object" : kind) + "." + action;
            if (what.equals("other-object")) {
                type = generic ? "object." + action : "company." + action;
                typeId = "0-2";
            }
            String property = null;
            String value = null;
            String outcome = "ignored";
            String stage = null;
            switch (what) {
                case "stage" -> {
                    property = deal ? "dealstage" : "lifecyclestage";
                    value = deal ? Draw.oneOf(r, "closedwon", "contractsent", "closedlost")
                            : Draw.oneOf(r, "marketingqualifiedlead", "subscriber", "customer");
                    stage = switch (value) {
                        case "closedwon", "customer" -> "CLOSED_WON";
                        case "contractsent" -> "OPPORTUNITY";
                        case "closedlost" -> "CLOSED_LOST";
                        case "marketingqualifiedlead" -> "MQL";
                        default -> "KNOWN";
                    };
                    outcome = "change";
                }
                case "custom" -> {
                    property = deal ? "dealstage" : "lifecyclestage";
                    value = String.valueOf(Draw.between(r, 10_000_000, 99_999_999));
                    outcome = "parked";
                }
                case "amount" -> {
                    property = "amount";
                    BigDecimal amount = BigDecimal.valueOf(Draw.between(r, 0, 10_000_000), Draw.between(r, 0, 2));
                    value = amount.toPlainString();
                    if (deal && later(latestAmountAt, objectKey, at, i)) {
                        amounts.put(objectKey, amount);
                    }
                }
                case "owner" -> {
                    property = "hubspot_owner_id";
                    value = String.valueOf(Draw.between(r, 1, 99_999));
                    if (later(latestOwnerAt, objectKey, at, i)) {
                        owners.put(objectKey, value);
                    }
                }
                case "pipeline" -> {
                    property = "pipeline";
                    value = Draw.oneOf(r, "default", "12345");
                }
                case "deletion" -> {
                    if (deal) {
                        outcome = "change";
                        stage = "CLOSED_LOST";
                    }
                }
                case "other-object" -> {
                    property = "dealstage";
                    value = "closedwon";
                }
                case "association" -> outcome = "link"; // a contact and a deal: an identity link
                case "other-value" -> {
                    property = deal ? "dealstage" : "lifecyclestage";
                    value = "other"; // lifecyclestage other: known, no stage; a deal's "other" is parked
                    outcome = deal ? "parked" : "ignored";
                }
                default -> {
                }
            }
            StringBuilder e = new StringBuilder("{\"eventId\":" + Draw.between(r, 1, 3) + ",\"portalId\":62515,"
                    + "\"occurredAt\":" + at + ",\"" + typeField + "\":\"" + type + "\",\"attemptNumber\":0,"
                    + "\"objectId\":" + id);
            if (type.startsWith("object.")) {
                e.append(",\"objectTypeId\":\"").append(typeId).append('"');
            }
            if (property != null) {
                e.append(",\"propertyName\":\"").append(property).append("\",\"propertyValue\":\"").append(value)
                        .append('"');
            }
            if (what.equals("association")) {
                e.append(",\"associationType\":\"CONTACT_TO_DEAL\",\"fromObjectId\":").append(id)
                        .append(",\"toObjectId\":").append(id).append(",\"associationRemoved\":false");
            }
            e.append(",\"changeSource\":\"CRM_UI\"}");
            events.add(new Drawn(e.toString(), outcome, leadId, stage, objectKey));
        }
        // a contact's amount is not money
        amounts.keySet().removeIf(k -> k.startsWith("contact:"));
        // an object with an amount (a deal) or an owner and no stage change here: one details change, in the order
        // its first such event came
        java.util.Set<String> staged = new HashSet<>();
        events.stream().filter(d -> d.outcome().equals("change") || d.outcome().equals("parked"))
                .forEach(d -> staged.add(d.objectKey()));
        java.util.LinkedHashMap<String, String> details = new java.util.LinkedHashMap<>();
        for (Drawn d : events) {
            // a contact's amount is no fact of it at all (not money): only a deal's is
            boolean fact = (d.objectKey().startsWith("deal:") && d.json().contains("\"propertyName\":\"amount\""))
                    || d.json().contains("\"propertyName\":\"hubspot_owner_id\"");
            boolean notOtherObject = !d.json().contains("company.") && !d.json().contains("\"0-2\"");
            if (fact && notOtherObject && !staged.contains(d.objectKey())
                    && (amounts.containsKey(d.objectKey()) || owners.containsKey(d.objectKey()))) {
                details.putIfAbsent(d.objectKey(), d.leadId());
            }
        }
        return new Delivery(events, amounts, owners, List.copyOf(details.values()));
    }

    /** Whether an event at {@code at}, position {@code index}, is later than the latest seen for {@code key}. */
    private static boolean later(Map<String, long[]> latest, String key, long at, int index) {
        long[] seen = latest.get(key);
        if (seen == null || at > seen[0] || (at == seen[0] && index > seen[1])) {
            latest.put(key, new long[]{at, index});
            return true;
        }
        return false;
    }

    static final HubSpotWebhook PARSER = HubSpotPayloadsTest.parser(Map.of("l2r.webhooks.hubspot.currency", "EUR"));

    @Test
    void everyEventOfEveryShapeIsReadAsHubSpotMeantIt() {
        Tries.forAll(400, HubSpotShapesPropertyTest::draw, delivery -> {
            WebhookItems items = HubSpotPayloadsTest.read(PARSER, delivery.body());
            List<Drawn> expectedChanges = delivery.events().stream().filter(d -> d.outcome().equals("change")).toList();
            long parked = delivery.events().stream().filter(d -> d.outcome().equals("parked")).count();
            long ignored = delivery.events().stream().filter(d -> d.outcome().equals("ignored")).count();

            assertThat(items.refusals()).isEmpty();
            List<org.assertj.core.groups.Tuple> expected = new ArrayList<>(expectedChanges.stream()
                    .map(d -> org.assertj.core.groups.Tuple.tuple(d.leadId(), d.stage())).toList());
            delivery.details().forEach(lead -> expected.add(org.assertj.core.groups.Tuple.tuple(lead, null)));
            assertThat(items.changes()).extracting(StageChange::leadId, StageChange::stage)
                    .containsExactlyElementsOf(expected);
            assertThat(items.changes().stream().filter(StageChange::isDetails).count())
                    .isEqualTo(delivery.details().size());
            assertThat(items.parked()).hasSize((int) parked);
            // an object's amount and owner events without a stage change: one of them is its details change
            assertThat(items.ignored()).isEqualTo((int) ignored - delivery.details().size());
            // an association names the contact and the deal of its number (CONTACT_TO_DEAL, from and to that id)
            List<org.assertj.core.groups.Tuple> links = delivery.events().stream()
                    .filter(d -> d.outcome().equals("link")).map(d -> d.objectKey().substring(d.objectKey().indexOf(':') + 1))
                    .map(id -> org.assertj.core.groups.Tuple.tuple("hubspot:" + id, "hubspot:deal:" + id)).toList();
            assertThat(items.links()).extracting(dev.l2r.lead.identity.Link::leadId,
                    dev.l2r.lead.identity.Link::linkedLeadId).containsExactlyElementsOf(links);
            assertThat(items.changes().size() + items.parked().size() + items.ignored() + items.links().size())
                    .as("each event counted once").isEqualTo(delivery.events().size());

            List<StageChange> all = new ArrayList<>(items.changes());
            items.parked().forEach(p -> all.add(p.change()));
            for (StageChange c : all) {
                String key = c.leadId().startsWith("hubspot:deal:") ? "deal:" + c.leadId().substring(13)
                        : "contact:" + c.leadId().substring(8);
                BigDecimal amount = delivery.amounts().get(key);
                if (amount == null) {
                    assertThat(c.amount()).as("%s carries no amount", c.leadId()).isNull();
                } else {
                    assertThat(c.amount()).as("%s carries its latest amount", c.leadId()).isEqualByComparingTo(amount);
                    assertThat(c.currency()).isEqualTo("EUR");
                }
                assertThat(c.attributes().owner()).as("%s's owner", c.leadId()).isEqualTo(delivery.owners().get(key));
                assertThat(c.leadId()).matches("hubspot:(deal:)?\\d+");
            }
            // distinct changes have distinct delivery ids; equal ones (same object, property, time, value) share one
            Set<String> keys = new HashSet<>();
            Set<String> ids = new HashSet<>();
            for (StageChange c : all) {
                keys.add(c.isDetails() ? c.leadId() + "|details" : c.leadId() + "|" + c.occurredAt().toEpochMilli()
                        + "|" + c.rawStage() + "|" + (c.rawStage().equals("deleted") ? "deletion" : "property"));
                ids.add(c.sourceEventId());
            }
            assertThat(ids).hasSameSizeAs(keys);
        });
    }
}
