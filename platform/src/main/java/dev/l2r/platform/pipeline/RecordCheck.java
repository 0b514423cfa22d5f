package dev.l2r.platform.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadEventTypes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.platform.pipeline.Refusal.Reason;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one set of rules a record of lead-stage-changed must pass before a projection sees it. Its kind is read from
 * the {@value LeadEventTypes#HEADER} header (none: a {@link LeadStageChanged}, as every record before the header
 * was); a kind this code does not know is refused as {@link Reason#UNKNOWN_TYPE}, so that a consumer older than the
 * producer sets such records aside (to be replayed once it is upgraded) and goes on, never misreading one as a stage
 * change. A known kind is checked against its JSON Schema ({@link LeadEventTypes.Kind#schemaResource()}, validated
 * as published) and the invariants a schema cannot say (an amount has its currency; ids are not blank). Read as a
 * tolerant reader, as the schemas' own descriptions ask: fields this code does not know are ignored, so their
 * {@code additionalProperties: false} is not applied. Every problem found is named; the refusal's reason is the most
 * telling of them.
 */
public final class RecordCheck {

    /** A record that passed, or why not. */
    public record Checked(LeadEvent event, Refusal refusal) {
        public boolean ok() {
            return event != null;
        }
    }

    private static final ObjectMapper MAPPER = EventJson.mapper();
    /** Amounts read as written (12500.50 stays 12500.50), never through a double. */
    private static final ObjectReader TREES = MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .with(JsonNodeFactory.withExactBigDecimals(true));
    /** Each kind's schema, as a tolerant reader applies it, and the fields it requires. */
    private static final Map<String, Rules> RULES = load();
    private static final int SHOWN = 60;

    private record Rules(LeadEventTypes.Kind kind, JsonSchema schema, Set<String> required) {
    }

    private RecordCheck() {
    }

    /** A record as polled: its kind from its headers. */
    public static Checked check(ConsumerRecord<String, String> record) {
        return check(record.value(), type(record.headers()));
    }

    /** A record without a kind header: a {@link LeadStageChanged}. */
    public static Checked check(String payload) {
        return check(payload, null);
    }

    /** The value of a record's {@value LeadEventTypes#HEADER} header (the last one), or null without one. */
    public static String type(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(LeadEventTypes.HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The kind named in headers kept as text (a dead letter's), or null. */
    public static String type(Map<String, String> headers) {
        return headers == null ? null : headers.get(LeadEventTypes.HEADER);
    }

    /** @param type the record's {@value LeadEventTypes#HEADER} header; null for a {@link LeadStageChanged} */
    public static Checked check(String payload, String type) {
        Rules rules = RULES.get(type == null ? LeadEventTypes.LEAD_STAGE_CHANGED : type);
        if (rules == null) {
            return refused(Reason.UNKNOWN_TYPE, "event type " + shown(JsonNodeFactory.instance.textNode(type))
                    + " is not one this consumer reads (" + String.join(", ", new TreeSet<>(RULES.keySet()))
                    + "); replay it once the consumer is upgraded");
        }
        String name = rules.kind().name();
        if (payload == null || payload.isBlank()) {
            return refused(Reason.EMPTY, payload == null ? "no payload (a tombstone)" : "an empty payload");
        }
        JsonNode tree;
        try {
            tree = TREES.readTree(payload);
        } catch (JsonProcessingException e) {
            return refused(Reason.UNREADABLE, "not a " + name + ": not JSON (" + words(e.getOriginalMessage()) + ")");
        }
        if (tree == null || !tree.isObject()) {
            return refused(Reason.UNREADABLE, "not a " + name + ": a JSON "
                    + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase()) + ", not an object");
        }
        List<Problem> problems = new ArrayList<>();
        for (ValidationMessage m : rules.schema().validate(tree)) {
            problems.add(problem(m, rules));
        }
        invariants(tree, rules, problems);
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(Problem::reason).thenComparing(Problem::field).thenComparing(Problem::text));
            String detail = problems.stream().map(Problem::text).distinct().collect(Collectors.joining("; "));
            return refused(problems.get(0).reason(), detail);
        }
        try {
            return new Checked(MAPPER.treeToValue(tree, rules.kind().type()), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // valid by the schema, still not readable as the event (a leap second, say)
            return refused(Reason.INVALID_FIELD, "not a " + name + ": " + words(e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private record Problem(Reason reason, String field, String text) {
    }

    private static Problem problem(ValidationMessage m, Rules rules) {
        String type = m.getType();
        String at = field(m.getInstanceLocation().toString());
        String field = "required".equals(type) ? (at.isEmpty() ? "" : at + ".") + m.getProperty() : at;
        JsonNode value = m.getInstanceNode();
        boolean absent = "required".equals(type) || (value != null && value.isNull() && rules.required().contains(field))
                || ("minLength".equals(type) && value != null && value.isTextual() && value.asText().isEmpty());
        if (field.equals("schemaVersion")) {
            return new Problem(Reason.SCHEMA_VERSION, field, absent ? "schemaVersion is missing"
                    : "schemaVersion " + shown(value) + " is not " + rules.kind().schemaVersion());
        }
        if (absent) {
            return new Problem(Reason.MISSING_FIELD, field, field + " is missing");
        }
        if (field.equals("amount")) {
            return new Problem(Reason.INVALID_AMOUNT, field, "minimum".equals(type) ? "amount " + shown(value)
                    + " is negative" : "amount " + shown(value) + " is not a number");
        }
        if (field.equals("currency")) {
            return new Problem(Reason.INVALID_CURRENCY, field, "currency " + shown(value) + " is not an ISO 4217 code");
        }
        String text = switch (type) {
            case "format" -> field + " " + shown(value) + " is not " + ("uuid".equals(argument(m)) ? "a UUID"
                    : "an RFC 3339 " + argument(m));
            case "enum" -> field + " " + shown(value) + " is not one of " + enumValues(m.getSchemaNode());
            case "maxLength" -> field + " is longer than " + m.getSchemaNode().asInt() + " characters";
            case "type" -> field + " is " + article(value.getNodeType().name().toLowerCase()) + ", not "
                    + expected(m.getSchemaNode());
            default -> field + ": " + words(m.getMessage().replaceFirst("^[$/][^:]*: ", ""));
        };
        return new Problem(Reason.INVALID_FIELD, field, text);
    }

    /** A location as a dotted field name ({@code attributes.channel}), whether given as a JSON path or pointer. */
    private static String field(String location) {
        return location.replaceFirst("^\\$\\.?", "").replaceFirst("^/", "").replace('/', '.');
    }

    /** What the schema cannot say. */
    private static void invariants(JsonNode tree, Rules rules, List<Problem> problems) {
        JsonNode amount = tree.get("amount");
        JsonNode currency = tree.get("currency");
        if (amount != null && !amount.isNull() && (currency == null || currency.isNull())) {
            problems.add(new Problem(Reason.INVALID_AMOUNT, "amount", "amount has no currency"));
        }
        for (String id : List.of("leadId", "toStage", "source")) {
            if (!rules.required().contains(id)) {
                continue;
            }
            JsonNode value = tree.get(id);
            if (value != null && value.isTextual() && !value.asText().isEmpty() && value.asText().isBlank()) {
                problems.add(new Problem(Reason.MISSING_FIELD, id, id + " is missing"));
            }
        }
    }

    private static String argument(ValidationMessage m) {
        Object[] arguments = m.getArguments();
        return m.getSchemaNode() != null && m.getSchemaNode().isTextual() ? m.getSchemaNode().asText()
                : arguments != null && arguments.length > 0 ? String.valueOf(arguments[0]) : "format";
    }

    private static String enumValues(JsonNode schemaNode) {
        List<String> values = new ArrayList<>();
        if (schemaNode != null) {
            schemaNode.forEach(v -> values.add(v.asText()));
        }
        return String.join(", ", values);
    }

    private static String expected(JsonNode schemaNode) {
        List<String> types = new ArrayList<>();
        if (schemaNode != null && schemaNode.isArray()) {
            schemaNode.forEach(t -> types.add(t.asText()));
        } else if (schemaNode != null) {
            types.add(schemaNode.asText());
        }
        types.remove("null");
        return types.isEmpty() ? "what the schema allows" : article(String.join(" or ", types));
    }

    private static String article(String noun) {
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    /** A value as it may be quoted in a reason: short, without control characters. */
    static String shown(JsonNode value) {
        if (value == null) {
            return "(none)";
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        String cut = text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text;
        return value.isTextual() ? "'" + words(cut) + "'" : words(cut);
    }

    /** The first line of a message, control characters written as escapes (reasons go into logs, headers, JSON). */
    static String words(String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.lines().findFirst().orElse("");
        StringBuilder out = new StringBuilder(line.length());
        line.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static Checked refused(Reason reason, String detail) {
        return new Checked(null, new Refusal(reason, detail));
    }

    private static Map<String, Rules> load() {
        Map<String, Rules> rules = new HashMap<>();
        for (LeadEventTypes.Kind kind : LeadEventTypes.kinds().values()) {
            try (InputStream in = LeadStageChanged.class.getResourceAsStream(kind.schemaResource())) {
                if (in == null) {
                    throw new IllegalStateException(kind.schemaResource() + " is not on the class path");
                }
                JsonNode schema = MAPPER.readTree(in);
                Set<String> required = new TreeSet<>();
                schema.path("required").forEach(f -> required.add(f.asText()));
                tolerate(schema);
                rules.put(kind.name(), new Rules(kind, JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(schema, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build()),
                        Set.copyOf(required)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.copyOf(rules);
    }

    /** Drops {@code additionalProperties: false} throughout: unknown (newer, additive) fields are not errors. */
    private static void tolerate(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode additional = object.get("additionalProperties");
            if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                object.remove("additionalProperties");
            }
            object.forEach(RecordCheck::tolerate);
        } else if (node != null && node.isArray()) {
            node.forEach(RecordCheck::tolerate);
        }
    }
}
