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
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadDetailsChangedSchemaTest {

    private static final JsonNode SCHEMA_NODE = readSchema(LeadDetailsChanged.SCHEMA_RESOURCE);
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SCHEMA_NODE, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

    static LeadDetailsChanged amountCorrected() {
        return new LeadDetailsChanged(UUID.fromString("0e7c3a52-8f1d-4d0b-b1a6-54a1c1f0e9d3"), 1, "hubspot:deal:1234",
                Instant.parse("2025-04-02T09:00:00Z"), Instant.parse("2025-04-02T09:00:01.500Z"), "hubspot",
                "hs-1234-amount-1743584400000", new BigDecimal("13900.00"), "EUR", null);
    }

    static LeadDetailsChanged ownerChanged() {
        return new LeadDetailsChanged(UUID.fromString("a9d8e1f0-2b3c-4d5e-8f90-1a2b3c4d5e6f"), 1, "lead-7",
                Instant.parse("2025-04-03T10:00:00Z"), Instant.parse("2025-04-03T10:00:00.200Z"), "pipedrive", null,
                null, null, new LeadAttributes(null, "enterprise", "bob", null));
    }

    @Test
    void everyFieldOfTheJavaTypeIsInTheSchemaAndBackAgain() {
        Set<String> javaFields = Arrays.stream(LeadDetailsChanged.class.getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaFields = new TreeSet<>();
        SCHEMA_NODE.get("properties").fieldNames().forEachRemaining(schemaFields::add);
        assertThat(schemaFields).isEqualTo(javaFields);
        Set<String> attributeFields = Arrays.stream(LeadAttributes.class.getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaAttributeFields = new TreeSet<>();
        SCHEMA_NODE.at("/properties/attributes/properties").fieldNames().forEachRemaining(schemaAttributeFields::add);
        assertThat(schemaAttributeFields).isEqualTo(attributeFields);
        assertThat(SCHEMA_NODE.at("/properties/schemaVersion/const").asInt())
                .isEqualTo(LeadDetailsChanged.CURRENT_SCHEMA_VERSION);
    }

    @Test
    void theFieldsBothKindsShareMeanTheSameInBothSchemas() {
        JsonNode stage = readSchema(LeadStageChanged.SCHEMA_RESOURCE).get("properties");
        JsonNode details = SCHEMA_NODE.get("properties");
        for (String field : List.of("eventId", "schemaVersion", "leadId", "amount", "currency", "attributes")) {
            JsonNode a = stage.get(field).deepCopy();
            JsonNode b = details.get(field).deepCopy();
            ((ObjectNode) a).remove("description");
            ((ObjectNode) b).remove("description");
            assertThat(b).as(field).isEqualTo(a);
        }
    }

    @Test
    void serialisedEventsValidateAndRoundTrip() throws IOException {
        for (LeadDetailsChanged event : List.of(amountCorrected(), ownerChanged())) {
            String json = EventJson.write(event);
            assertThat(violations(EventJson.mapper().readTree(json))).isEmpty();
            assertThat(EventJson.readLeadDetailsChanged(json)).isEqualTo(event);
            assertThat(EventJson.readLeadEvent(LeadEventTypes.LEAD_DETAILS_CHANGED, json)).isEqualTo(event);
        }
        assertThat(EventJson.write(amountCorrected())).contains("\"amount\":13900.00,");
        JsonNode json = EventJson.mapper().readTree(EventJson.write(amountCorrected()));
        assertThat(json.get("amount").decimalValue()).isEqualByComparingTo("13900.00");
        assertThat(json.has("attributes")).isTrue();
        assertThat(json.has("toStage")).isFalse();
    }

    @Test
    void schemaRejectsWhatTheContractForbids() throws IOException {
        ObjectNode valid = (ObjectNode) EventJson.mapper().readTree(EventJson.write(amountCorrected()));
        ObjectNode noLead = valid.deepCopy();
        noLead.remove("leadId");
        assertThat(violations(noLead)).anyMatch(m -> m.contains("leadId"));
        assertThat(violations(with(valid, "currency", "euro"))).isNotEmpty();
        assertThat(violations(with(valid, "occurredAt", "yesterday"))).isNotEmpty();
        ObjectNode negative = valid.deepCopy();
        negative.put("amount", -1);
        assertThat(violations(negative)).isNotEmpty();
        // a stage change is not a details change: the strict schema refuses its stage
        assertThat(violations(with(valid, "toStage", "CLOSED_WON"))).isNotEmpty();
    }

    @Test
    void aRecordWithoutTheHeaderIsAStageChangeAsEveryRecordBeforeTheHeaderWas() {
        LeadStageChanged old = LeadStageChangedSchemaTest.full();
        String json = EventJson.write(old);
        assertThat(EventJson.readLeadEvent(null, json)).isEqualTo(old);
        assertThat(EventJson.readLeadEvent(LeadEventTypes.LEAD_STAGE_CHANGED, json)).isEqualTo(old);
        assertThat(LeadEventTypes.of(old)).isEqualTo(LeadEventTypes.LEAD_STAGE_CHANGED);
        assertThat(LeadEventTypes.of(amountCorrected())).isEqualTo(LeadEventTypes.LEAD_DETAILS_CHANGED);
        assertThatThrownBy(() -> EventJson.readLeadEvent("LeadSplit", json))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LeadSplit");
    }

    @Test
    void everyKindOfEventHasAHeaderValueAndASchemaOfItsVersion() throws IOException {
        Set<Class<?>> permitted = Set.of(LeadEvent.class.getPermittedSubclasses());
        assertThat(LeadEventTypes.kinds().values().stream().map(LeadEventTypes.Kind::type).collect(Collectors.toSet()))
                .isEqualTo(permitted);
        for (LeadEventTypes.Kind kind : LeadEventTypes.kinds().values()) {
            assertThat(kind.type().getSimpleName()).isEqualTo(kind.name());
            JsonNode schema = readSchema(kind.schemaResource());
            assertThat(schema.get("title").asText()).isEqualTo(kind.name());
            assertThat(schema.at("/properties/schemaVersion/const").asInt()).isEqualTo(kind.schemaVersion());
        }
    }

    @Test
    void aNewerProducerAddingAFieldDoesNotBreakThisConsumer() {
        String json = EventJson.write(amountCorrected()).replaceFirst("\\{", "{\"addedLater\":true,");
        assertThat(EventJson.readLeadDetailsChanged(json)).isEqualTo(amountCorrected());
    }

    private static List<String> violations(JsonNode node) {
        return SCHEMA.validate(node).stream().map(ValidationMessage::getMessage).toList();
    }

    private static JsonNode with(ObjectNode node, String field, String value) {
        ObjectNode copy = node.deepCopy();
        copy.put(field, value);
        return copy;
    }

    private static JsonNode readSchema(String resource) {
        try (InputStream in = LeadDetailsChanged.class.getResourceAsStream(resource)) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
