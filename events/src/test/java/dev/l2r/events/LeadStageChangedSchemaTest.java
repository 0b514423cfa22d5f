package dev.l2r.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class LeadStageChangedSchemaTest {

    private static final JsonNode SCHEMA_NODE = readSchema();
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SCHEMA_NODE, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

    static LeadStageChanged full() {
        return new LeadStageChanged(UUID.fromString("5b0c3f0e-1a43-4c1f-9a55-0d5e3b9d6a10"), 1, "lead-42", "SQL",
                "CLOSED_WON", TransitionKind.CLOSE, List.of("OPPORTUNITY"), Instant.parse("2025-03-01T10:15:30Z"),
                Instant.parse("2025-03-01T10:15:31.250Z"), "hubspot", "hs-991", "customer", new BigDecimal("12500.50"),
                "EUR", new LeadAttributes("paid_search", "smb", "alice", "spring-launch"));
    }

    static LeadStageChanged minimal() {
        return new LeadStageChanged(UUID.randomUUID(), 1, "lead-1", null, "MQL", TransitionKind.ADVANCE, null,
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-02T00:00:00Z"), "api", null, null, null,
                null, null);
    }

    @Test
    void everyFieldOfTheJavaTypeIsInTheSchemaAndBackAgain() {
        Set<String> javaFields = Arrays.stream(LeadStageChanged.class.getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaFields = new TreeSet<>();
        SCHEMA_NODE.get("properties").fieldNames().forEachRemaining(schemaFields::add);
        assertThat(schemaFields).isEqualTo(javaFields);

        Set<String> attributeFields = Arrays.stream(LeadAttributes.class.getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toSet());
        Set<String> schemaAttributeFields = new HashSet<>();
        SCHEMA_NODE.at("/properties/attributes/properties").fieldNames().forEachRemaining(schemaAttributeFields::add);
        assertThat(schemaAttributeFields).isEqualTo(attributeFields);

        Set<String> kinds = new HashSet<>();
        SCHEMA_NODE.at("/properties/kind/enum").forEach(n -> kinds.add(n.asText()));
        assertThat(kinds).isEqualTo(Arrays.stream(TransitionKind.values()).map(Enum::name).collect(Collectors.toSet()));
        assertThat(SCHEMA_NODE.at("/properties/schemaVersion/const").asInt())
                .isEqualTo(LeadStageChanged.CURRENT_SCHEMA_VERSION);
    }

    @Test
    void serialisedEventsValidateAndRoundTrip() throws IOException {
        for (LeadStageChanged event : List.of(full(), minimal())) {
            String json = EventJson.write(event);
            assertThat(SCHEMA.validate(EventJson.mapper().readTree(json))).isEmpty();
            assertThat(EventJson.readLeadStageChanged(json)).isEqualTo(event);
        }
    }

    @Test
    void datesAreIsoStringsAndMoneyKeepsItsScale() throws IOException {
        JsonNode json = EventJson.mapper().readTree(EventJson.write(full()));
        assertThat(json.get("occurredAt").asText()).isEqualTo("2025-03-01T10:15:30Z");
        assertThat(json.get("recordedAt").asText()).isEqualTo("2025-03-01T10:15:31.250Z");
        assertThat(json.get("amount").decimalValue()).isEqualByComparingTo("12500.50");
        assertThat(json.get("skippedStages").get(0).asText()).isEqualTo("OPPORTUNITY");
    }

    @Test
    void schemaRejectsWhatTheContractForbids() throws IOException {
        JsonNode valid = EventJson.mapper().readTree(EventJson.write(full()));
        assertThat(violations(without(valid, "toStage"))).anyMatch(m -> m.contains("toStage"));
        assertThat(violations(with(valid, "kind", "JUMP"))).isNotEmpty();
        assertThat(violations(with(valid, "occurredAt", "yesterday"))).isNotEmpty();
        assertThat(violations(with(valid, "currency", "euro"))).isNotEmpty();
        assertThat(violations(with(valid, "eventId", "not-a-uuid"))).isNotEmpty();
    }

    @Test
    void aNewerProducerAddingAFieldDoesNotBreakThisConsumer() {
        String json = EventJson.write(full()).replaceFirst("\\{", "{\"addedLater\":true,");
        assertThat(EventJson.readLeadStageChanged(json)).isEqualTo(full());
    }

    private static List<String> violations(JsonNode node) {
        return SCHEMA.validate(node).stream().map(ValidationMessage::getMessage).toList();
    }

    private static JsonNode without(JsonNode node, String field) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
        copy.remove(field);
        return copy;
    }

    private static JsonNode with(JsonNode node, String field, String value) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = node.deepCopy();
        copy.put(field, value);
        return copy;
    }

    private static JsonNode readSchema() {
        try (InputStream in = LeadStageChanged.class.getResourceAsStream(LeadStageChanged.SCHEMA_RESOURCE)) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
