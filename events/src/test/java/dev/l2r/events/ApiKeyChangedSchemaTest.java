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
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyChangedSchemaTest {

    private static final JsonNode SCHEMA_NODE = readSchema();
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SCHEMA_NODE, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());

    static ApiKeyChanged made() {
        return new ApiKeyChanged(1, "k7f3a9c2", "crm sync", List.of("write"), List.of("crm"),
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                Instant.parse("2026-12-01T10:00:00Z"), null);
    }

    @Test
    void everyFieldOfTheJavaTypeIsInTheSchema() {
        Set<String> javaFields = Arrays.stream(ApiKeyChanged.class.getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaFields = new TreeSet<>();
        SCHEMA_NODE.get("properties").fieldNames().forEachRemaining(schemaFields::add);
        assertThat(schemaFields).isEqualTo(javaFields);
        assertThat(SCHEMA_NODE.at("/properties/schemaVersion/const").asInt()).isEqualTo(ApiKeyChanged.SCHEMA_VERSION);
    }

    @Test
    void madeAndRevokedKeysValidateAndRoundTrip() throws IOException {
        ApiKeyChanged revoked = new ApiKeyChanged(1, "k7f3a9c2", "crm sync", List.of("write"), List.of(),
                made().keyHash(), made().createdAt(), Instant.parse("2026-12-02T08:30:00Z"));
        for (ApiKeyChanged change : List.of(made(), revoked)) {
            String json = EventJson.write(change);
            assertThat(violations(EventJson.mapper().readTree(json))).isEmpty();
            assertThat(EventJson.read(json, ApiKeyChanged.class)).isEqualTo(change);
        }
        assertThat(revoked.revoked()).isTrue();
        assertThat(made().revoked()).isFalse();
    }

    @Test
    void schemaRefusesWhatMustNotTravel() throws IOException {
        ObjectNode valid = (ObjectNode) EventJson.mapper().readTree(EventJson.write(made()));
        assertThat(violations(with(valid, "keyHash", "not-a-hash"))).isNotEmpty();
        assertThat(violations(with(valid, "keyHash", valid.get("keyHash").asText().toUpperCase()))).isNotEmpty();
        ObjectNode badScope = valid.deepCopy();
        badScope.putArray("scopes").add("root");
        assertThat(violations(badScope)).isNotEmpty();
        ObjectNode noScope = valid.deepCopy();
        noScope.putArray("scopes");
        assertThat(violations(noScope)).isNotEmpty();
        ObjectNode noHash = valid.deepCopy();
        noHash.remove("keyHash");
        assertThat(violations(noHash)).anyMatch(m -> m.contains("keyHash"));
    }

    private static List<String> violations(JsonNode node) {
        return SCHEMA.validate(node).stream().map(ValidationMessage::getMessage).toList();
    }

    private static JsonNode with(ObjectNode node, String field, String value) {
        ObjectNode copy = node.deepCopy();
        copy.put(field, value);
        return copy;
    }

    private static JsonNode readSchema() {
        try (InputStream in = ApiKeyChanged.class.getResourceAsStream(ApiKeyChanged.SCHEMA_RESOURCE)) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
