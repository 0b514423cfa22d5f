package dev.l2r.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two identity kinds of the topic: {@link LeadsMerged} and {@link LeadErased}. */
class IdentityEventsSchemaTest {

    static LeadsMerged visitorBecameKnown() {
        return new LeadsMerged(UUID.fromString("5b0c1d2e-3f40-4a51-b627-38495a6b7c8d"), 1, "segment:anon-507f",
                "segment:user-42", Instant.parse("2025-04-02T09:00:00Z"), Instant.parse("2025-04-02T09:00:00.300Z"),
                "segment", "ajs-msg-1", "segment.alias");
    }

    static LeadErased erased() {
        return new LeadErased(UUID.fromString("c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"), 1, "segment:anon-507f",
                Instant.parse("2025-06-01T12:00:00Z"), Instant.parse("2025-06-01T12:00:00.010Z"), "l2r");
    }

    @Test
    void everyFieldOfEachJavaTypeIsInItsSchemaAndBackAgain() {
        for (Class<? extends LeadEvent> type : List.of(LeadsMerged.class, LeadErased.class)) {
            LeadEventTypes.Kind kind = LeadEventTypes.kind(type.getSimpleName()).orElseThrow();
            JsonNode schema = readSchema(kind.schemaResource());
            Set<String> javaFields = Arrays.stream(type.getRecordComponents()).map(c -> c.getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> schemaFields = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(schemaFields::add);
            assertThat(schemaFields).as(type.getSimpleName()).isEqualTo(javaFields);
            assertThat(kind.type()).isEqualTo(type);
        }
    }

    @Test
    void theFieldsAllKindsShareMeanTheSameInEverySchema() {
        JsonNode stage = readSchema(LeadStageChanged.SCHEMA_RESOURCE).get("properties");
        for (String resource : List.of(LeadsMerged.SCHEMA_RESOURCE, LeadErased.SCHEMA_RESOURCE)) {
            JsonNode other = readSchema(resource).get("properties");
            for (String field : List.of("eventId", "schemaVersion", "leadId", "occurredAt", "recordedAt")) {
                ObjectNode a = stage.get(field).deepCopy();
                ObjectNode b = other.get(field).deepCopy();
                a.remove("description");
                b.remove("description");
                assertThat(b).as(resource + " " + field).isEqualTo(a);
            }
        }
    }

    @Test
    void serialisedEventsValidateAndRoundTripUnderTheirHeader() throws IOException {
        String merged = EventJson.write(visitorBecameKnown());
        assertThat(violations(LeadsMerged.SCHEMA_RESOURCE, EventJson.mapper().readTree(merged))).isEmpty();
        assertThat(EventJson.readLeadEvent(LeadEventTypes.LEADS_MERGED, merged)).isEqualTo(visitorBecameKnown());
        assertThat(LeadEventTypes.of(visitorBecameKnown())).isEqualTo("LeadsMerged");

        String erased = EventJson.write(erased());
        assertThat(violations(LeadErased.SCHEMA_RESOURCE, EventJson.mapper().readTree(erased))).isEmpty();
        assertThat(EventJson.readLeadEvent(LeadEventTypes.LEAD_ERASED, erased)).isEqualTo(erased());
        assertThat(LeadEventTypes.of(erased())).isEqualTo("LeadErased");
        // nothing but ids and times: no amount, no attributes, no sender id
        assertThat(EventJson.mapper().readTree(erased).fieldNames()).toIterable()
                .containsExactlyInAnyOrder("eventId", "schemaVersion", "leadId", "occurredAt", "recordedAt", "source");
        assertThat(erased().amount()).isNull();
        assertThat(erased().sourceEventId()).isNull();
        assertThat(visitorBecameKnown().attributes()).isEqualTo(LeadAttributes.NONE);
    }

    @Test
    void schemasRejectWhatTheContractForbids() throws IOException {
        ObjectNode merged = (ObjectNode) EventJson.mapper().readTree(EventJson.write(visitorBecameKnown()));
        ObjectNode noAbsorbed = merged.deepCopy();
        noAbsorbed.remove("mergedLeadId");
        assertThat(violations(LeadsMerged.SCHEMA_RESOURCE, noAbsorbed)).anyMatch(m -> m.contains("mergedLeadId"));
        ObjectNode staged = merged.deepCopy();
        staged.put("toStage", "MQL");
        assertThat(violations(LeadsMerged.SCHEMA_RESOURCE, staged)).isNotEmpty();

        ObjectNode erased = (ObjectNode) EventJson.mapper().readTree(EventJson.write(erased()));
        ObjectNode withEmail = erased.deepCopy();
        withEmail.put("email", "ann@example.com");
        assertThat(violations(LeadErased.SCHEMA_RESOURCE, withEmail)).as("an erasure carries no personal data")
                .isNotEmpty();
        ObjectNode blankLead = erased.deepCopy();
        blankLead.put("leadId", "");
        assertThat(violations(LeadErased.SCHEMA_RESOURCE, blankLead)).isNotEmpty();
    }

    @Test
    void aLeadIsNeverMergedIntoItself() {
        assertThatThrownBy(() -> new LeadsMerged(UUID.randomUUID(), 1, "a", "a", Instant.EPOCH, Instant.EPOCH,
                "api", null, "api.link")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> violations(String resource, JsonNode node) {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(readSchema(resource), SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        return schema.validate(node).stream().map(ValidationMessage::getMessage).toList();
    }

    private static JsonNode readSchema(String resource) {
        try (InputStream in = LeadEvent.class.getResourceAsStream(resource)) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
