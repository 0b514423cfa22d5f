package dev.l2r.platform.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.platform.pipeline.Refusal.Reason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one check both consumers make: each kind of bad record is refused with its reason and the same words, a
 * good one passes as EventJson reads it, and no input makes the check throw.
 */
class RecordCheckTest {

    static LeadStageChanged full() {
        return new LeadStageChanged(UUID.fromString("5b0c3f0e-1a43-4c1f-9a55-0d5e3b9d6a10"), 1, "lead-42", "SQL",
                "CLOSED_WON", TransitionKind.CLOSE, List.of("OPPORTUNITY"), Instant.parse("2025-03-01T10:15:30Z"),
                Instant.parse("2025-03-01T10:15:31.250Z"), "hubspot", "hs-991", "customer", new BigDecimal("12500.50"),
                "EUR", new LeadAttributes("paid_search", "smb", "alice", "spring-launch"));
    }

    /** The event's JSON as a tree, amounts as written. */
    static ObjectNode tree(LeadStageChanged e) {
        try {
            return (ObjectNode) EventJson.mapper().reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .with(JsonNodeFactory.withExactBigDecimals(true)).readTree(EventJson.write(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static String with(Consumer<ObjectNode> change) {
        ObjectNode node = tree(full());
        change.accept(node);
        return node.toString();
    }

    static Refusal refusal(String payload) {
        RecordCheck.Checked checked = RecordCheck.check(payload);
        assertThat(checked.ok()).as(payload).isFalse();
        return checked.refusal();
    }

    @Test
    void aGoodEventPassesAsEventJsonReadsIt() {
        String json = EventJson.write(full());
        assertThat(RecordCheck.check(json).event()).isEqualTo(EventJson.readLeadStageChanged(json)).isEqualTo(full());
        LeadStageChanged minimal = new LeadStageChanged(UUID.randomUUID(), 1, "lead-1", null, "MQL",
                TransitionKind.ADVANCE, null, Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-02T00:00:00Z"),
                "api", null, null, null, null, null);
        assertThat(RecordCheck.check(EventJson.write(minimal)).event()).isEqualTo(minimal);
    }

    @Test
    void fieldsItDoesNotKnowAreIgnoredAsTheContractSays() {
        String newer = with(n -> {
            n.put("priority", "high");
            n.withObject("attributes").put("region", "emea");
        });
        assertThat(RecordCheck.check(newer).event()).isEqualTo(full());
    }

    @Test
    void eachBadRecordIsRefusedWithItsReasonInWords() {
        assertThat(refusal(null)).isEqualTo(new Refusal(Reason.EMPTY, "no payload (a tombstone)"));
        assertThat(refusal(" \n")).isEqualTo(new Refusal(Reason.EMPTY, "an empty payload"));
        assertThat(refusal("this is not json")).isEqualTo(new Refusal(Reason.UNREADABLE, "not a LeadStageChanged: "
                + "not JSON (Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token "
                + "'null', 'true' or 'false'))"));
        assertThat(refusal("[1, 2]")).isEqualTo(new Refusal(Reason.UNREADABLE,
                "not a LeadStageChanged: a JSON array, not an object"));
        assertThat(refusal(with(n -> n.put("schemaVersion", 2))))
                .isEqualTo(new Refusal(Reason.SCHEMA_VERSION, "schemaVersion 2 is not 1"));
        assertThat(refusal(with(n -> n.remove("schemaVersion"))))
                .isEqualTo(new Refusal(Reason.SCHEMA_VERSION, "schemaVersion is missing"));
        assertThat(refusal(with(n -> n.remove("occurredAt"))))
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "occurredAt is missing"));
        assertThat(refusal(with(n -> n.putNull("leadId"))))
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "leadId is missing"));
        assertThat(refusal(with(n -> n.put("leadId", ""))))
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "leadId is missing"));
        assertThat(refusal(with(n -> n.put("toStage", "  "))))
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "toStage is missing"));
        assertThat(refusal(with(n -> n.put("amount", new BigDecimal("-1.5")))))
                .isEqualTo(new Refusal(Reason.INVALID_AMOUNT, "amount -1.5 is negative"));
        assertThat(refusal(with(n -> n.remove("currency"))))
                .isEqualTo(new Refusal(Reason.INVALID_AMOUNT, "amount has no currency"));
        assertThat(refusal(with(n -> n.put("currency", "eur"))))
                .isEqualTo(new Refusal(Reason.INVALID_CURRENCY, "currency 'eur' is not an ISO 4217 code"));
        assertThat(refusal(with(n -> n.put("eventId", "nope"))))
                .isEqualTo(new Refusal(Reason.INVALID_FIELD, "eventId 'nope' is not a UUID"));
        assertThat(refusal(with(n -> n.put("occurredAt", "2025-13-01"))))
                .isEqualTo(new Refusal(Reason.INVALID_FIELD, "occurredAt '2025-13-01' is not an RFC 3339 date-time"));
        assertThat(refusal(with(n -> n.put("kind", "JUMP"))))
                .isEqualTo(new Refusal(Reason.INVALID_FIELD, "kind 'JUMP' is not one of ADVANCE, SKIP, RECYCLE, CLOSE"));
        assertThat(refusal(with(n -> n.put("leadId", 42))))
                .isEqualTo(new Refusal(Reason.INVALID_FIELD, "leadId is a number, not a string"));
        assertThat(refusal(with(n -> n.put("leadId", "x".repeat(201)))))
                .isEqualTo(new Refusal(Reason.INVALID_FIELD, "leadId is longer than 200 characters"));
    }

    @Test
    void aRecordWithSeveralProblemsNamesThemAllUnderTheMostTellingReason() {
        String partial = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"leadId\":\"x\",\"amount\":-2,\"currency\":\"usd\"}";
        assertThat(refusal(partial)).isEqualTo(new Refusal(Reason.SCHEMA_VERSION, "schemaVersion is missing; "
                + "kind is missing; occurredAt is missing; recordedAt is missing; source is missing; toStage is missing; "
                + "amount -2 is negative; currency 'usd' is not an ISO 4217 code"));
    }

    @Test
    void quotedValuesAreCutShortAndCarryNoControlCharacters() {
        Refusal r = refusal(with(n -> n.put("currency", "E\u0000R" + "x".repeat(100))));
        assertThat(r.reason()).isEqualTo(Reason.INVALID_CURRENCY);
        assertThat(r.detail()).startsWith("currency 'E\\u0000Rxxx").contains("…'").hasSizeLessThan(120)
                .doesNotContain("\u0000");
    }

    /**
     * Seeded: generated events within the contract pass and read back equal; one broken field of a known kind is
     * refused for that reason; arbitrary text never makes the check throw.
     */
    @Test
    void generatedRecords() {
        SplittableRandom random = new SplittableRandom(20251206);
        String[] stages = {"MQL", "SQL", "OPPORTUNITY", "CLOSED_WON"};
        for (int i = 0; i < 2_000; i++) {
            boolean priced = random.nextBoolean();
            LeadStageChanged e = new LeadStageChanged(new UUID(random.nextLong(), random.nextLong()), 1,
                    "lead-" + random.nextInt(1_000_000), null, stages[random.nextInt(stages.length)],
                    TransitionKind.values()[random.nextInt(TransitionKind.values().length)], null,
                    Instant.ofEpochSecond(631_152_000L + random.nextLong(2_000_000_000L)),
                    Instant.ofEpochMilli(1_700_000_000_000L + random.nextLong(100_000_000_000L)), "api", null, null,
                    priced ? BigDecimal.valueOf(random.nextLong(1_000_000_000L), random.nextInt(5)) : null,
                    priced ? "USD" : null, LeadAttributes.NONE);
            String json = EventJson.write(e);
            assertThat(RecordCheck.check(json).event()).as(json).isEqualTo(e);

            ObjectNode broken = tree(e);
            Reason expected = switch (random.nextInt(5)) {
                case 0 -> {
                    broken.put("schemaVersion", 2 + random.nextInt(100));
                    yield Reason.SCHEMA_VERSION;
                }
                case 1 -> {
                    broken.remove(List.of("eventId", "leadId", "toStage", "occurredAt", "kind", "source",
                            "recordedAt").get(random.nextInt(7)));
                    yield Reason.MISSING_FIELD;
                }
                case 2 -> {
                    broken.put("amount", -1 - random.nextInt(1000));
                    broken.put("currency", "USD");
                    yield Reason.INVALID_AMOUNT;
                }
                case 3 -> {
                    broken.put("currency", List.of("usd", "US", "EURO", "1AB", "").get(random.nextInt(5)));
                    broken.put("amount", 1);
                    yield Reason.INVALID_CURRENCY;
                }
                default -> {
                    broken.put("occurredAt", "day " + random.nextInt(31));
                    yield Reason.INVALID_FIELD;
                }
            };
            assertThat(refusal(broken.toString()).reason()).as(broken.toString()).isEqualTo(expected);

            StringBuilder noise = new StringBuilder();
            String alphabet = "{}[]\":,0123456789.eE-+ \\abtrunlfsx\u0000\u00e9";
            for (int k = random.nextInt(40); k > 0; k--) {
                noise.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            RecordCheck.Checked checked = RecordCheck.check(noise.toString());
            assertThat(checked.ok()).as(noise.toString()).isFalse();
            assertThat(checked.refusal().detail()).doesNotContain("\u0000");
        }
    }
}
