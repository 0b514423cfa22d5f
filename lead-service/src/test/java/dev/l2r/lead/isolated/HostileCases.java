package dev.l2r.lead.isolated;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates hostile requests for every intake endpoint from a {@link Tape}: mostly well-formed bodies whose
 * fields are now and then replaced by control characters, lone surrogates, over-long, empty, wrongly typed,
 * huge or far-off values, SQL / JSON / CSV injections; bodies now and then truncated, spliced with raw bytes or
 * replaced; webhooks signed the way each sender signs (secrets of application.properties' %test profile) or
 * forged. Lead ids and event times come from a counter, not from the tape, so each case's leads are its own
 * (a replay repeats its case exactly). Funnel definitions sent are all invalid by construction: a valid one
 * would change the stage mapping under everybody else's feet.
 */
final class HostileCases {

    /** A field left out of the body. */
    static final Object ABSENT = new Object();

    enum Kind { SINGLE, BATCH, NDJSON, CSV, DEFINITION, HUBSPOT, MAUTIC, SEGMENT, PIPEDRIVE, GENERIC }

    /**
     * One request. {@code leads} are the lead ids of its items in body order when the body was sent as built
     * (null after a raw mutation: positions no longer line up); {@code forged}: must be refused 401;
     * {@code signed}: must not be refused 401; {@code replay}: sent twice.
     */
    record Case(Kind kind, String method, String path, String contentType, Map<String, String> headers, byte[] body,
                List<String> leads, boolean forged, boolean signed, boolean replay) {

        String describe() {
            String text = new String(body, StandardCharsets.UTF_8);
            String shortPath = path.length() > 200 ? path.substring(0, 200) + "...(" + path.length() + ")" : path;
            return kind + " " + method + " " + shortPath + " headers=" + headers.keySet() + " forged=" + forged
                    + " replay=" + replay + " body(" + body.length + " bytes)="
                    + (text.length() > 600 ? text.substring(0, 600) + "..." : text);
        }
    }

    static final List<String> STAGES = List.of("MQL", "SQL", "SAL", "OPPORTUNITY", "CLOSED_WON", "known", "Closed Won");
    static final List<String> SOURCES = List.of("api", "hostile", "zoho", "crm.export", "marketo");

    /** Strings no intake field should choke on; some valid, most refused. */
    static final List<String> HOSTILE = List.of("", " ", "a\u0000b", "\u0000", "\u0001", "\u001b[31mred", "tab\there",
            "line\nbreak", "cr\rhere", "\ud800", "x\udc00y", "x".repeat(201), "y".repeat(5_000),
            "'; DROP TABLE lead; --", "\" OR 1=1 --", "=HYPERLINK(\"http://evil\")", "@SUM(1+1)*cmd|' /C calc'!A0",
            "a,b\nc", "{\"toStage\":\"CLOSED_WON\"}", "\u202eRTL", "\uD83D\uDE00 emoji", "null", "\\u0000",
            "../../etc/passwd", "%00", "\uFEFFbom", "\u0085nel", "\u00e4".repeat(150), "\u007f");

    static final List<String> HOSTILE_TIMES = List.of("9999-12-31T23:59:59Z", "0001-01-01", "+275760-09-13T00:00:00Z",
            "2025-02-30", "1969-12-31T23:59:59Z", "2999-01-01", "yesterday", "2025-01-01T25:00:00Z", "-1",
            "1989-12-31T23:59:59Z", "2025-01-01T00:00:00+99:00", "");

    static final List<Object> HOSTILE_NUMBERS = List.of(new BigDecimal("1e400"), new BigInteger("9".repeat(60)),
            new BigDecimal("-1"), new BigDecimal("1000000000000000"), new BigDecimal("0.00001"),
            new BigDecimal("123456789012345.12345"), Long.MIN_VALUE, 0, Double.MAX_VALUE);

    static final String CSV_HEADER = "lead_id,stage,occurred_at,amount,currency,channel,segment,owner,campaign,"
            + "source_event_id,raw_stage";

    private final ObjectMapper json = new ObjectMapper();
    private final String run;
    private final Instant base;
    private final AtomicLong counter = new AtomicLong();
    private final String hubspotUri;
    private final ObjectNode definition;

    HostileCases(String run, Instant base, String hubspotUri, ObjectNode definition) {
        this.run = run;
        this.base = base;
        this.hubspotUri = hubspotUri;
        this.definition = definition;
    }

    long next() {
        return counter.incrementAndGet();
    }

    String freshLead() {
        return "hx-" + run + "-" + next();
    }

    /** A unique, plausible event time: a second further back for every call. */
    String freshTime() {
        return base.minusSeconds(next()).toString();
    }

    Case generate(Tape t) {
        // weights: single 25 %, batch 15 %, ndjson 10 %, csv 15 %, definition 5 %, each webhook 6 %
        int k = t.below(100);
        Kind kind = k < 25 ? Kind.SINGLE : k < 40 ? Kind.BATCH : k < 50 ? Kind.NDJSON : k < 65 ? Kind.CSV
                : k < 70 ? Kind.DEFINITION : Kind.values()[5 + (k - 70) / 6];
        return switch (kind) {
            case SINGLE -> single(t);
            case BATCH -> batch(t);
            case NDJSON -> ndjson(t);
            case CSV -> csv(t);
            case DEFINITION -> definition(t);
            default -> webhook(kind, t);
        };
    }

    // --- values

    String hostile(Tape t) {
        return t.pick(HOSTILE);
    }

    /** A valid value most of the time; else a hostile string, a wrong type, a huge number, null or nothing. */
    Object field(Tape t, Object valid) {
        if (!t.rarely(7)) {
            return valid;
        }
        return switch (t.below(7)) {
            case 0 -> hostile(t);
            case 1 -> ABSENT;
            case 2 -> null;
            case 3 -> t.pick(HOSTILE_NUMBERS);
            case 4 -> Boolean.TRUE;
            case 5 -> List.of(1, "two");
            default -> obj("nested", hostile(t));
        };
    }

    /**
     * An id-like value: the valid one most of the time; else one that is refused, or unique if it is accepted
     * (so that no two cases ever share a stored lead or source event id by accident).
     */
    Object id(Tape t, Object valid) {
        if (!t.rarely(7)) {
            return valid;
        }
        return switch (t.below(7)) {
            case 0 -> ABSENT;
            case 1 -> null;
            case 2 -> List.of(1);
            case 3 -> obj("x", 1);
            case 4 -> hostile(t) + "-" + next();
            case 5 -> "x".repeat(201) + next();
            default -> 1_000_000_000_000L + next();
        };
    }

    /** An id for a CSV cell: an object or a list would be the same text in every case ("{x=1}"), so none. */
    static Object csvId(Object id) {
        return id instanceof Map<?, ?> || id instanceof List<?> ? "" : id;
    }

    /** The lead an item names, as intake will read it, when it names one a client could look up. */
    static String leadOf(Object value) {
        return value instanceof String s ? s : value instanceof Long l ? l.toString() : null;
    }

    Object time(Tape t) {
        return t.rarely(7) ? (t.rarely(4) ? t.pick(HOSTILE_NUMBERS) : t.pick(HOSTILE_TIMES)) : freshTime();
    }

    /** A lead id: fresh, or hostile with a unique suffix (so that no two cases share a lead that may be stored). */
    String leadId(Tape t) {
        return t.rarely(8) ? hostile(t) + "-" + next() : freshLead();
    }

    ObjectNode transition(Tape t, Object leadId) {
        Map<String, Object> item = new LinkedHashMap<>();
        if (leadId != null) {
            item.put("leadId", leadId);
        }
        item.put("toStage", field(t, t.pick(STAGES)));
        item.put("occurredAt", time(t));
        item.put("source", field(t, t.pick(SOURCES)));
        item.put("sourceEventId", id(t, t.rarely(3) ? ABSENT : "se-" + run + "-" + next()));
        if (t.rarely(3)) {
            item.put("amount", field(t, new BigDecimal(t.below(1_000_000)).movePointLeft(2)));
            item.put("currency", field(t, t.rarely(6) ? t.pick(List.of("EURO", "eur", "E\u0000R", "")) : "EUR"));
        }
        if (t.rarely(2)) {
            item.put("attributes", field(t, obj("channel", field(t, "paid_search"), "segment", field(t, "smb"),
                    "owner", field(t, "ann"), "campaign", field(t, "spring"))));
        }
        if (t.rarely(4)) {
            item.put("rawStage", field(t, "raw-" + next()));
        }
        if (t.rarely(12)) {
            item.put(hostile(t), hostile(t)); // an unknown property
        }
        return toJson(item);
    }

    ObjectNode toJson(Map<String, Object> map) {
        Map<String, Object> present = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value != ABSENT) {
                present.put(key, value);
            }
        });
        return json.valueToTree(present);
    }

    /** A JSON object from key-value pairs; absent values are left out, nulls kept. */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != ABSENT) {
                map.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return map;
    }

    /** Now and then the bytes themselves are broken: truncated, spliced with raw bytes, replaced, emptied. */
    byte[] mutate(Tape t, byte[] body, boolean[] mutated) {
        if (!t.rarely(8)) {
            return body;
        }
        mutated[0] = true;
        return switch (t.below(7)) {
            case 0 -> java.util.Arrays.copyOf(body, t.below(Math.max(1, body.length)));
            case 1 -> splice(body, t.below(Math.max(1, body.length)), new byte[]{(byte) (int) t.pick(List.of(0x00, 0xFF,
                    0xC3, 0x22, 0x7B, 0x2C, 0x0A))});
            case 2 -> new byte[0];
            case 3 -> t.pick(List.of("null", "42", "\"text\"", "[]", "{}", "[[[[[[[[[[", "\u0000")).getBytes(StandardCharsets.UTF_8);
            case 4 -> splice(body, 0, "[".getBytes(StandardCharsets.UTF_8));
            case 5 -> (new String(body, StandardCharsets.UTF_8) + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            default -> new String(body, StandardCharsets.UTF_8).replace("\"", "'").getBytes(StandardCharsets.UTF_8);
        };
    }

    static byte[] splice(byte[] body, int at, byte[] insert) {
        byte[] out = new byte[body.length + insert.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(body, at, out, at + insert.length, body.length - at);
        return out;
    }

    byte[] bytes(Object node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- REST, batch, CSV

    Case single(Tape t) {
        // the lead as the server reads it: a lone surrogate cannot travel in a UTF-8 URL and arrives as '?'
        String lead = new String(leadId(t).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        boolean[] mutated = {false};
        byte[] body = mutate(t, bytes(transition(t, null)), mutated);
        String path = "/api/leads/" + PathSegments.encode(lead) + "/transitions";
        return new Case(Kind.SINGLE, "POST", path, "application/json", Map.of(), body, List.of(lead), false, false,
                t.rarely(10));
    }

    Case batch(Tape t) {
        ArrayNode items = json.createArrayNode();
        List<String> leads = new ArrayList<>();
        int n = 1 + t.below(8);
        for (int i = 0; i < n; i++) {
            if (t.rarely(15)) {
                leads.add(null);
                items.add(json.valueToTree(field(t, "not an object")));
                continue;
            }
            Object lead = id(t, leadId(t));
            leads.add(leadOf(lead));
            items.add(transition(t, lead));
        }
        boolean[] mutated = {false};
        byte[] body = mutate(t, bytes(items), mutated);
        return new Case(Kind.BATCH, "POST", "/api/transitions", "application/json", Map.of(), body,
                mutated[0] ? null : leads, false, false, t.rarely(10));
    }

    Case ndjson(Tape t) {
        StringBuilder text = new StringBuilder();
        List<String> leads = new ArrayList<>();
        int n = 1 + t.below(8);
        for (int i = 0; i < n; i++) {
            if (t.rarely(10)) {
                leads.add(null);
                text.append(hostile(t).replace("\n", " ").replace("\r", " ")).append('\n');
                continue;
            }
            Object lead = id(t, leadId(t));
            leads.add(leadOf(lead));
            text.append(new String(bytes(transition(t, lead)), StandardCharsets.UTF_8)).append('\n');
        }
        boolean[] mutated = {false};
        byte[] body = mutate(t, text.toString().getBytes(StandardCharsets.UTF_8), mutated);
        return new Case(Kind.NDJSON, "POST", "/api/transitions", "application/x-ndjson", Map.of(), body,
                mutated[0] ? null : leads, false, false, t.rarely(10));
    }

    Case csv(Tape t) {
        StringBuilder text = new StringBuilder(t.rarely(15) ? t.pick(List.of("lead_id,stage", "lead_id,stage,occurred_at,password",
                "lead_id,lead_id,stage,occurred_at", "", "\u0000", "lead_id;stage;occurred_at")) : CSV_HEADER).append('\n');
        List<String> leads = new ArrayList<>();
        boolean raw = false;
        int n = 1 + t.below(8);
        for (int i = 0; i < n; i++) {
            String lead = leadId(t);
            leads.add(lead);
            String time = time(t).toString();
            List<Object> values = List.of(lead, field(t, t.pick(STAGES)), time,
                    t.rarely(3) ? field(t, new BigDecimal(t.below(100_000))) : "", t.rarely(3) ? field(t, "EUR") : "",
                    field(t, "web"), field(t, ""), field(t, ""), field(t, ""),
                    csvId(id(t, "se-" + run + "-" + next())), field(t, ""));
            List<String> cells = new ArrayList<>();
            for (Object value : values) {
                String cell = value == ABSENT || value == null ? "" : String.valueOf(value);
                if (t.rarely(20)) {
                    raw = true; // unescaped: may shift columns or lines, as a careless exporter's file would
                    cells.add(cell);
                } else {
                    cells.add(cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
                            ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
                }
            }
            text.append(String.join(",", cells)).append('\n');
        }
        boolean[] mutated = {false};
        byte[] body = mutate(t, text.toString().getBytes(StandardCharsets.UTF_8), mutated);
        // a quoted value with a line break makes its row span lines: positions are only followed for plain rows
        boolean plain = !raw && !mutated[0] && !text.toString().contains("\r") && leads.size() == n
                && text.chars().filter(c -> c == '\n').count() == n + 1;
        String source = t.rarely(10) ? PathSegments.encode(hostile(t)) : t.pick(List.of("import", "hostile-csv"));
        return new Case(Kind.CSV, "POST", "/api/imports?source=" + source, t.rarely(20) ? "application/json" : "text/csv",
                Map.of(), body, plain ? leads : null, false, false, t.rarely(10));
    }

    // --- the funnel definition: invalid by construction

    Case definition(Tape t) {
        ObjectNode body = definition.deepCopy();
        ArrayNode stages = (ArrayNode) body.get("stages");
        ArrayNode mappings = (ArrayNode) body.get("mappings");
        int stage = t.below(stages.size());
        int mapping = t.below(mappings.size());
        switch (t.below(10)) {
            case 0 -> ((ObjectNode) stages.get(stage)).put("key", t.pick(List.of("mql", "", "A\u0000", "1ABC",
                    "X".repeat(41), "A-B", "\ud800")));
            case 1 -> stages.add(stages.get(stage).deepCopy());
            case 2 -> ((ObjectNode) stages.get(stage)).put(t.pick(List.of("description", "trigger")),
                    t.pick(List.of("a\u0000b", "\u001b[2J", "\ud800", "d".repeat(501), "\u0007")));
            case 3 -> stages.forEach(s -> ((ObjectNode) s).put("terminal", false).put("outcome", "OPEN"));
            case 4 -> ((ObjectNode) mappings.get(mapping)).put("value", t.pick(List.of("", "v\u0000", "w".repeat(201),
                    "\u0001", "\udc00")));
            case 5 -> ((ObjectNode) mappings.get(mapping)).put("stage", t.pick(List.of("NOPE", "mql", "\u0000")));
            case 6 -> {
                for (int i = 0; i < 101; i++) {
                    stages.addObject().put("key", "EXTRA_" + i).put("terminal", false);
                }
            }
            case 7 -> ((ObjectNode) mappings.get(mapping)).put("source", t.pick(List.of("Bad Source", "", "s\u0000")));
            case 8 -> ((ObjectNode) mappings.get(mapping)).put("field", t.pick(List.of("", "f\u0000", "f".repeat(101))));
            default -> body.put("stages", t.pick(List.of("x", "")));
        }
        if (t.rarely(4)) {
            ((ObjectNode) stages.get(stage)).set(t.pick(List.of("terminal", "outcome", "key")), json.valueToTree(
                    t.pick(List.of(List.of(), Map.of(), "WON?", 12))));
        }
        byte[] bytes = bytes(body);
        if (t.rarely(6)) {
            bytes = java.util.Arrays.copyOf(bytes, t.below(bytes.length)); // truncated: not JSON any more
        }
        return new Case(Kind.DEFINITION, "PUT", "/api/funnel/definition", "application/json", Map.of(), bytes, null,
                false, false, false);
    }

    // --- webhooks, signed as each sender signs, or forged

    Case webhook(Kind kind, Tape t) {
        List<String> leads = new ArrayList<>();
        JsonBody payload = switch (kind) {
            case HUBSPOT -> hubspot(t, leads);
            case MAUTIC -> mautic(t, leads);
            case SEGMENT -> segment(t, leads);
            case PIPEDRIVE -> pipedrive(t, leads);
            default -> generic(t, leads);
        };
        boolean[] mutated = {false};
        byte[] body = mutate(t, bytes(payload.node), mutated);
        String source = kind.name().toLowerCase();
        int forge = t.below(10); // 0-6 signed, 7 wrong secret, 8 no signature, 9 body changed after signing
        Map<String, String> headers = switch (forge) {
            case 7 -> sign(kind, t, "wrong-" + source + "-secret", body);
            case 8 -> Map.of();
            case 9 -> {
                Map<String, String> signed = sign(kind, t, secret(kind), body);
                body = splice(body, 0, " ".getBytes(StandardCharsets.UTF_8));
                yield kind == Kind.PIPEDRIVE ? Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "l2r:guess".getBytes(StandardCharsets.UTF_8))) : signed;
            }
            default -> sign(kind, t, secret(kind), body);
        };
        boolean forged = forge >= 7;
        boolean stale = false;
        if (!forged && kind == Kind.HUBSPOT && t.rarely(15)) {
            headers = hubspotV3(body, Instant.now().minusSeconds(600)); // a replayed old delivery
            forged = true;
            stale = true;
        }
        return new Case(kind, "POST", "/api/webhooks/" + source, t.rarely(15) ? "text/plain" : "application/json",
                headers, body, leads, forged, !forged && !stale, !forged && t.rarely(6));
    }

    record JsonBody(Object node) {
    }

    static String secret(Kind kind) {
        return switch (kind) {
            case HUBSPOT -> "test-hubspot-secret";
            case MAUTIC -> "test-mautic-secret";
            case SEGMENT -> "test-segment-secret";
            case PIPEDRIVE -> "test-pipedrive-password";
            default -> "test-generic-secret";
        };
    }

    Map<String, String> sign(Kind kind, Tape t, String secret, byte[] body) {
        return switch (kind) {
            case HUBSPOT -> t.rarely(3) ? hubspotV3(body, Instant.now(), secret) : Map.of("X-HubSpot-Signature-Version",
                    "v1", "X-HubSpot-Signature", HexFormat.of().formatHex(sha256(concat(secret.getBytes(StandardCharsets.UTF_8), body))));
            case MAUTIC -> Map.of("Webhook-Signature", Base64.getEncoder().encodeToString(hmac("HmacSHA256", secret, body)));
            case SEGMENT -> Map.of("X-Signature", HexFormat.of().formatHex(hmac("HmacSHA1", secret, body)));
            case PIPEDRIVE -> Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    ("l2r:" + secret).getBytes(StandardCharsets.UTF_8)));
            default -> Map.of("X-L2R-Signature", Base64.getEncoder().encodeToString(hmac("HmacSHA256", secret, body)));
        };
    }

    Map<String, String> hubspotV3(byte[] body, Instant at) {
        return hubspotV3(body, at, secret(Kind.HUBSPOT));
    }

    Map<String, String> hubspotV3(byte[] body, Instant at, String secret) {
        String timestamp = String.valueOf(at.toEpochMilli());
        byte[] signed = concat(("POST" + hubspotUri).getBytes(StandardCharsets.UTF_8), body,
                timestamp.getBytes(StandardCharsets.UTF_8));
        return Map.of("X-HubSpot-Request-Timestamp", timestamp,
                "X-HubSpot-Signature-v3", Base64.getEncoder().encodeToString(hmac("HmacSHA256", secret, signed)));
    }

    JsonBody hubspot(Tape t, List<String> leads) {
        ArrayNode events = json.createArrayNode();
        int n = 1 + t.below(3);
        for (int i = 0; i < n; i++) {
            long object = 9_000_000_000L + next();
            leads.add("hubspot:" + object);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("eventId", field(t, next()));
            event.put("subscriptionId", 1);
            event.put("portalId", field(t, 62515));
            event.put("occurredAt", field(t, Instant.parse(freshTime()).toEpochMilli()));
            event.put("subscriptionType", field(t, t.pick(List.of("contact.propertyChange", "deal.propertyChange"))));
            event.put("attemptNumber", 0);
            event.put("objectId", id(t, object));
            event.put("propertyName", field(t, t.pick(List.of("lifecyclestage", "dealstage"))));
            event.put("propertyValue", field(t, t.pick(List.of("marketingqualifiedlead", "salesqualifiedlead",
                    "customer", "closedwon", "appointmentscheduled", "other", "subscriber"))));
            events.add(toJson(event));
        }
        return new JsonBody(events);
    }

    JsonBody mautic(Tape t, List<String> leads) {
        long id = 7_000_000_000L + next();
        leads.add("mautic:" + id);
        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("id", id(t, id));
        contact.put("points", field(t, t.pick(List.of(0, 50, 120, 500))));
        contact.put("stage", field(t, obj("id", 3, "name", field(t, t.pick(List.of("Sales Qualified Lead", "MQL",
                "Customer", "Lost", "Opportunity"))))));
        if (t.rarely(2)) {
            contact.put("fields", obj("core", obj("email", obj("value", field(t, "a@b.c")))));
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("contact", toJson(contact));
        item.put("timestamp", time(t));
        String event = t.pick(List.of("mautic.lead_post_save_update", "mautic.lead_post_save_new",
                "mautic.lead_points_change", "mautic.form_on_submit"));
        return new JsonBody(json.valueToTree(Map.of(event, List.of(toJson(item)))));
    }

    JsonBody segment(Tape t, List<String> leads) {
        ArrayNode batch = json.createArrayNode();
        int n = 1 + t.below(3);
        for (int i = 0; i < n; i++) {
            String user = "hx-" + run + "-seg-" + next();
            leads.add("segment:" + user);
            Map<String, Object> message = new LinkedHashMap<>();
            String type = t.pick(List.of("identify", "track", "page"));
            message.put("type", field(t, type));
            message.put("messageId", id(t, "m-" + run + "-" + next()));
            message.put(t.rarely(3) ? "anonymousId" : "userId", id(t, user));
            message.put("timestamp", time(t));
            if ("identify".equals(type)) {
                message.put("traits", field(t, obj("lifecycle_stage", field(t, t.pick(List.of("mql", "sql",
                        "customer", "opportunity"))), "email", "x@y.z")));
            } else if ("track".equals(type)) {
                message.put("event", field(t, t.pick(List.of("Demo Requested", "Order Completed", "Signed Up",
                        "Page Scrolled"))));
            }
            batch.add(toJson(message));
        }
        return new JsonBody(json.valueToTree(Map.of("batch", batch)));
    }

    JsonBody pipedrive(Tape t, List<String> leads) {
        long deal = 5_000_000_000L + next();
        leads.add("pipedrive:deal:" + deal);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("action", field(t, t.pick(List.of("change", "create"))));
        meta.put("entity", field(t, "deal"));
        meta.put("entity_id", id(t, String.valueOf(deal)));
        meta.put("timestamp", t.rarely(5) ? field(t, t.pick(HOSTILE_TIMES)) : Instant.parse(freshTime()).getEpochSecond());
        meta.put("version", "2.0");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", deal);
        data.put("status", field(t, t.pick(List.of("won", "lost", "open"))));
        data.put("stage_id", field(t, 1 + t.below(5)));
        data.put("value", field(t, new BigDecimal(t.below(100_000)).movePointLeft(1)));
        data.put("currency", field(t, "EUR"));
        data.put("owner_id", field(t, 42));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("meta", toJson(meta));
        body.put("data", toJson(data));
        body.put("previous", field(t, obj("status", "open")));
        return new JsonBody(toJson(body));
    }

    JsonBody generic(Tape t, List<String> leads) {
        Object lead = id(t, leadId(t));
        leads.add(leadOf(lead));
        return new JsonBody(transition(t, lead));
    }

    static byte[] hmac(String algorithm, String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
