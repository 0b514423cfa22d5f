package dev.l2r.platform.pipeline;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEventTypes;
import dev.l2r.events.LeadsMerged;
import dev.l2r.platform.pipeline.Refusal.Reason;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The kinds of event on the topic: told apart by the l2r-event-type header, each held to its own schema. */
class RecordCheckKindsTest {

    static LeadDetailsChanged details() {
        return new LeadDetailsChanged(UUID.fromString("0e7c3a52-8f1d-4d0b-b1a6-54a1c1f0e9d3"), 1, "lead-42",
                Instant.parse("2025-04-02T09:00:00Z"), Instant.parse("2025-04-02T09:00:01.500Z"), "hubspot", "hs-77",
                new BigDecimal("13900.50"), "EUR", new LeadAttributes(null, null, "bob", null));
    }

    static ConsumerRecord<String, String> record(String value, String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
        if (type != null) {
            headers.add(LeadEventTypes.HEADER, type.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("lead-stage-changed", 0, 7L, 0L, TimestampType.CREATE_TIME, -1, -1, "lead-42",
                value, headers, Optional.empty());
    }

    @Test
    void aDetailsRecordWithItsHeaderPassesAsEventJsonReadsIt() {
        String json = EventJson.write(details());
        RecordCheck.Checked checked = RecordCheck.check(record(json, LeadEventTypes.LEAD_DETAILS_CHANGED));
        assertThat(checked.ok()).isTrue();
        assertThat(checked.event()).isEqualTo(details());
        // amounts as written, not through a double
        assertThat(((LeadDetailsChanged) checked.event()).amount()).isEqualByComparingTo("13900.50");
    }

    @Test
    void aRecordWithoutTheHeaderIsAStageChangeAndIsHeldToThatSchema() {
        String stage = EventJson.write(RecordCheckTest.full());
        assertThat(RecordCheck.check(record(stage, null)).event()).isEqualTo(RecordCheckTest.full());
        assertThat(RecordCheck.check(record(stage, LeadEventTypes.LEAD_STAGE_CHANGED)).event())
                .isEqualTo(RecordCheckTest.full());
        // a details payload without its header reads as a stage change without a stage: refused, named
        RecordCheck.Checked headerless = RecordCheck.check(record(EventJson.write(details()), null));
        assertThat(headerless.refusal().reason()).isEqualTo(Reason.MISSING_FIELD);
        assertThat(headerless.refusal().detail()).contains("toStage is missing").contains("kind is missing");
    }

    @Test
    void aDetailsRecordIsHeldToItsOwnSchema() {
        String noCurrency = EventJson.write(details()).replace(",\"currency\":\"EUR\"", "");
        assertThat(RecordCheck.check(noCurrency, LeadEventTypes.LEAD_DETAILS_CHANGED).refusal())
                .isEqualTo(new Refusal(Reason.INVALID_AMOUNT, "amount has no currency"));
        String v2 = EventJson.write(details()).replace("\"schemaVersion\":1", "\"schemaVersion\":2");
        assertThat(RecordCheck.check(v2, LeadEventTypes.LEAD_DETAILS_CHANGED).refusal())
                .isEqualTo(new Refusal(Reason.SCHEMA_VERSION, "schemaVersion 2 is not 1"));
        String blankLead = EventJson.write(details()).replace("\"leadId\":\"lead-42\"", "\"leadId\":\" \"");
        assertThat(RecordCheck.check(blankLead, LeadEventTypes.LEAD_DETAILS_CHANGED).refusal())
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "leadId is missing"));
        assertThat(RecordCheck.check("[1]", LeadEventTypes.LEAD_DETAILS_CHANGED).refusal())
                .isEqualTo(new Refusal(Reason.UNREADABLE, "not a LeadDetailsChanged: a JSON array, not an object"));
        // newer, additive fields are ignored
        String newer = EventJson.write(details()).replaceFirst("\\{", "{\"probability\":0.4,");
        assertThat(RecordCheck.check(newer, LeadEventTypes.LEAD_DETAILS_CHANGED).event()).isEqualTo(details());
    }

    static LeadsMerged merged() {
        return new LeadsMerged(UUID.fromString("5b0c1d2e-3f40-4a51-b627-38495a6b7c8d"), 1, "segment:p-user",
                "segment:anon-507f", Instant.parse("2025-04-02T09:00:00Z"), Instant.parse("2025-04-02T09:00:01Z"),
                "segment", "msg-9", "segment.alias");
    }

    static LeadErased erased() {
        return new LeadErased(UUID.fromString("c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"), 1, "segment:p-user",
                Instant.parse("2025-05-01T12:00:00Z"), Instant.parse("2025-05-01T12:00:00.100Z"), "l2r");
    }

    @Test
    void theIdentityKindsPassWithTheirHeadersAndAreHeldToTheirOwnSchemas() {
        assertThat(RecordCheck.check(record(EventJson.write(merged()), LeadEventTypes.LEADS_MERGED)).event())
                .isEqualTo(merged());
        assertThat(RecordCheck.check(record(EventJson.write(erased()), LeadEventTypes.LEAD_ERASED)).event())
                .isEqualTo(erased());
        String noAbsorbed = EventJson.write(merged()).replace("\"mergedLeadId\":\"segment:anon-507f\",", "");
        assertThat(RecordCheck.check(noAbsorbed, LeadEventTypes.LEADS_MERGED).refusal())
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "mergedLeadId is missing"));
        String itself = EventJson.write(merged()).replace("segment:anon-507f", "segment:p-user");
        assertThat(RecordCheck.check(itself, LeadEventTypes.LEADS_MERGED).refusal().reason())
                .isEqualTo(Reason.INVALID_FIELD);
        String v2 = EventJson.write(erased()).replace("\"schemaVersion\":1", "\"schemaVersion\":2");
        assertThat(RecordCheck.check(v2, LeadEventTypes.LEAD_ERASED).refusal())
                .isEqualTo(new Refusal(Reason.SCHEMA_VERSION, "schemaVersion 2 is not 1"));
        String blank = EventJson.write(erased()).replace("\"leadId\":\"segment:p-user\"", "\"leadId\":\" \"");
        assertThat(RecordCheck.check(blank, LeadEventTypes.LEAD_ERASED).refusal())
                .isEqualTo(new Refusal(Reason.MISSING_FIELD, "leadId is missing"));
        // a merge without its header reads as a stage change: refused, never applied as one
        assertThat(RecordCheck.check(record(EventJson.write(merged()), null)).ok()).isFalse();
    }

    @Test
    void anUnknownKindIsSetAsideWithItsNameNeverReadAsAStageChange() {
        // a newer producer's kind (a split, say), valid JSON that would even pass as a stage change
        String merged = EventJson.write(RecordCheckTest.full());
        RecordCheck.Checked checked = RecordCheck.check(record(merged, "LeadSplit"));
        assertThat(checked.ok()).isFalse();
        assertThat(checked.refusal()).isEqualTo(new Refusal(Reason.UNKNOWN_TYPE, "event type 'LeadSplit' is not one "
                + "this consumer reads (LeadDetailsChanged, LeadErased, LeadStageChanged, LeadsMerged); replay it once "
                + "the consumer is upgraded"));
        assertThat(RecordCheck.check(merged, "").refusal().reason()).isEqualTo(Reason.UNKNOWN_TYPE);
        assertThat(Reason.ofTag("unknown_type")).isEqualTo(Reason.UNKNOWN_TYPE);
    }

    @Test
    void aDeadLettersHeadersKeepItsKindForTheReplay() {
        ConsumerRecord<String, String> r = record(EventJson.write(details()), LeadEventTypes.LEAD_DETAILS_CHANGED);
        DeadLetter letter = DeadLetter.of(r, new Refusal(Reason.APPLY_FAILED, "x"), DeadLetters.FOUND_BY_CONSUMER, 5);
        assertThat(RecordCheck.type(letter.headers())).isEqualTo(LeadEventTypes.LEAD_DETAILS_CHANGED);
        assertThat(RecordCheck.check(letter.payload(), RecordCheck.type(letter.headers())).event()).isEqualTo(details());
        assertThat(RecordCheck.type(Map.of())).isNull();
    }
}
