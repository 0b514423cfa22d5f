package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * One Pipedrive webhook, version 1 or 2, read into the same terms, so that a deal reads the same whichever version
 * its webhook was created with (Pipedrive runs both, and an account may switch).
 *
 * <ul>
 *   <li>v2 ("Guide for Webhooks v2"): {@code meta.entity}, {@code meta.action} {@code create}/{@code change}/
 *   {@code delete}, {@code meta.entity_id}, {@code meta.timestamp}; {@code data} is the deal now (null when
 *   deleted), {@code previous} only the fields that changed (the whole deal when deleted). A delete done by a merge
 *   carries {@code meta.merged_to_id}.</li>
 *   <li>v1 ("Guide for Webhooks"): {@code event} ({@code updated.deal}), {@code meta.object}, {@code meta.action}
 *   {@code added}/{@code updated}/{@code deleted}/{@code merged}, {@code meta.id}, {@code meta.timestamp};
 *   {@code current} is the deal now, {@code previous} the whole deal before (every field, changed or not).</li>
 * </ul>
 *
 * <p>{@code now} and {@code before} are objects or null; {@code nowPath}/{@code beforePath} name them in refusals.
 */
record PipedrivePayload(int version, Action action, String entity, String id, String idPath, JsonNode timestamp,
                        JsonNode now, String nowPath, JsonNode before, String beforePath) {

    /** What happened to the object, in v2's words. */
    enum Action {
        CREATE, CHANGE, DELETE,
        /** The object merged into another (v1 {@code merged}, or a v2 delete with {@code merged_to_id}). */
        MERGE,
        /** An action L2R does not read. */
        OTHER
    }

    static PipedrivePayload read(JsonNode body) {
        if (!body.isObject()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a JSON object (a Pipedrive webhook)");
        }
        JsonNode meta = body.get("meta");
        if (meta == null || !meta.isObject()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "meta", "is required (Pipedrive webhooks v1 and v2)");
        }
        // v2 names the object meta.entity; v1 meta.object and the event ("updated.deal")
        boolean v1 = !meta.has("entity") && (meta.has("object") || body.has("event"));
        return v1 ? v1(body, meta) : v2(body, meta);
    }

    private static PipedrivePayload v2(JsonNode body, JsonNode meta) {
        String entity = WebhookFields.text(meta, "entity", "meta.entity");
        Action action = switch (lower(WebhookFields.text(meta, "action", "meta.action"))) {
            case "create" -> Action.CREATE;
            case "change" -> Action.CHANGE;
            case "delete" -> WebhookFields.nonBlank(meta, "merged_to_id", "meta.merged_to_id") == null
                    ? Action.DELETE : Action.MERGE;
            default -> Action.OTHER;
        };
        JsonNode now = object(body.get("data"));
        JsonNode before = object(body.get("previous"));
        return new PipedrivePayload(2, action, entity, id(meta, "entity_id", now, "data", before), "meta.entity_id",
                meta.get("timestamp"), now, "data", before, "previous");
    }

    private static PipedrivePayload v1(JsonNode body, JsonNode meta) {
        String event = WebhookFields.text(body, "event", "event");
        int dot = event == null ? -1 : event.indexOf('.');
        String entity = WebhookFields.text(meta, "object", "meta.object");
        if (entity == null && dot >= 0) {
            entity = event.substring(dot + 1);
        }
        String verb = WebhookFields.text(meta, "action", "meta.action");
        if (verb == null && dot >= 0) {
            verb = event.substring(0, dot);
        }
        Action action = switch (lower(verb)) {
            case "added" -> Action.CREATE;
            case "updated" -> Action.CHANGE;
            case "deleted" -> Action.DELETE;
            case "merged" -> Action.MERGE;
            default -> Action.OTHER;
        };
        JsonNode now = object(body.get("current"));
        JsonNode before = object(body.get("previous"));
        return new PipedrivePayload(1, action, entity, id(meta, "id", now, "current", before), "meta.id",
                meta.get("timestamp"),
                now, "current", before, "previous");
    }

    /** The object's id from meta, else from the object itself (both versions carry it in both places). */
    private static String id(JsonNode meta, String field, JsonNode now, String nowPath, JsonNode before) {
        String id = WebhookFields.nonBlank(meta, field, "meta." + field);
        if (id == null && now != null) {
            id = WebhookFields.nonBlank(now, "id", nowPath + ".id");
        }
        if (id == null && before != null) {
            id = WebhookFields.nonBlank(before, "id", "previous.id");
        }
        return id;
    }

    private static JsonNode object(JsonNode node) {
        return node != null && node.isObject() ? node : null;
    }

    private static String lower(String s) {
        return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
    }

    /** The deal as it stands after this event: now, or for a deletion its last state. */
    JsonNode state() {
        return action == Action.DELETE && before != null ? before : now;
    }

    String statePath() {
        return action == Action.DELETE && before != null ? beforePath : nowPath;
    }

    /**
     * Whether {@code field} changed in this event: every field of a new deal; for a change, a field {@code previous}
     * holds with another value than now (v1's {@code previous} holds every field, v2's only the changed ones).
     */
    boolean changed(String field) {
        if (action == Action.CREATE) {
            return now != null && now.has(field);
        }
        if (action != Action.CHANGE || before == null || now == null || !before.has(field)) {
            return false;
        }
        return !same(before.get(field), now.get(field));
    }

    /** Equal values, numbers by value (5000 and 5000.0 are the same amount). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b || (a == null ? b.isNull() : a.isNull());
        }
        if (a.isNumber() && b.isNumber()) {
            try {
                BigDecimal x = a.decimalValue();
                BigDecimal y = b.decimalValue();
                return x.compareTo(y) == 0;
            } catch (NumberFormatException e) { // a non-finite double: no amount either way
                return a.equals(b);
            }
        }
        return a.equals(b);
    }
}
