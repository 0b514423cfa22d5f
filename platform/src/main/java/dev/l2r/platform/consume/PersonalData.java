package dev.l2r.platform.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.events.EventJson;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a consumer holds about one lead, for a subject-access request: every row of its per-lead tables under the
 * lead's id or an id merged into it, as JSON ({@code {"service", "leadId", "holds": {"<table>": [ {row}, ... ]}}};
 * tables without a row are left out). Payloads kept as JSON text are shown as JSON, bytes as UTF-8 text.
 */
public final class PersonalData {

    /** A table and the condition that picks a lead's rows; each {@code ?} is bound to the lead's ids. */
    public record Held(String table, String where, String orderBy) {

        /** A table keyed by {@code lead_id}. */
        public static Held byLead(String table, String orderBy) {
            return new Held(table, "lead_id = ANY (?)", orderBy);
        }

        public static Held aliases(String table) {
            return new Held(table, "lead_id = ANY (?) OR merged_lead_id = ANY (?)", "merged_lead_id");
        }

        /** Records set aside whose key is one of the ids. */
        public static Held deadLetters() {
            return new Held("dead_letter", "record_key = ANY (SELECT convert_to(k, 'UTF8') FROM unnest(?::text[]) AS k)",
                    "id");
        }
    }

    private static final ObjectMapper MAPPER = EventJson.mapper();
    private static final Set<String> JSON_COLUMNS = Set.of("payload", "headers");

    private PersonalData() {
    }

    /** The ids a lead id stands for here: itself, the lead it was merged into, and every id merged into that. */
    public static Set<String> ids(Connection c, LeadAliases aliases, String leadId) throws SQLException {
        String root = aliases.roots(c, List.of(leadId)).getOrDefault(leadId, leadId);
        Set<String> ids = new TreeSet<>(aliases.absorbedInto(c, List.of(root)));
        ids.add(root);
        ids.add(leadId);
        return ids;
    }

    /** The document; {@code holds} is empty when nothing is held. */
    public static ObjectNode of(Connection c, String service, String leadId, Collection<String> ids, List<Held> tables)
            throws SQLException {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("service", service);
        doc.put("leadId", leadId);
        ObjectNode holds = doc.putObject("holds");
        String[] array = ids.toArray(new String[0]);
        for (Held held : tables) {
            ArrayNode rows = MAPPER.createArrayNode();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + held.table() + " WHERE " + held.where()
                    + " ORDER BY " + held.orderBy())) {
                int n = (int) held.where().chars().filter(ch -> ch == '?').count();
                for (int i = 1; i <= n; i++) {
                    ps.setObject(i, array);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        rows.add(row(rs, meta));
                    }
                }
            }
            if (!rows.isEmpty()) {
                holds.set(held.table(), rows);
            }
        }
        return doc;
    }

    private static ObjectNode row(ResultSet rs, ResultSetMetaData meta) throws SQLException {
        ObjectNode row = MAPPER.createObjectNode();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String name = meta.getColumnLabel(i);
            int type = meta.getColumnType(i);
            Object value = rs.getObject(i);
            if (value == null) {
                row.putNull(name);
            } else if (type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE) {
                row.put(name, rs.getObject(i, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC).toInstant()
                        .toString());
            } else if (value instanceof byte[] bytes) {
                text(row, name, new String(bytes, StandardCharsets.UTF_8));
            } else if (value instanceof String s) {
                text(row, name, s);
            } else if (value instanceof BigDecimal d) {
                row.put(name, d);
            } else if (value instanceof Number number) {
                row.put(name, number.longValue());
            } else if (value instanceof Boolean b) {
                row.put(name, b);
            } else if (value instanceof Array a) {
                row.set(name, MAPPER.valueToTree(a.getArray()));
            } else {
                row.put(name, value.toString());
            }
        }
        return row;
    }

    private static void text(ObjectNode row, String name, String value) {
        if (JSON_COLUMNS.contains(name)) {
            try {
                JsonNode json = MAPPER.readTree(value);
                if (json != null) {
                    row.set(name, json);
                    return;
                }
            } catch (JsonProcessingException notJson) {
                // shown as text
            }
        }
        row.put(name, value);
    }
}
