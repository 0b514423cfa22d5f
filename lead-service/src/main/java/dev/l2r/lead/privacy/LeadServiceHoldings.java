package dev.l2r.lead.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What lead-service holds under one lead, table by table, as the subject-access document shows it: every column of
 * every row (the inventory in docs/privacy.md), the raw deliveries that fed the lead with their bodies, and the
 * identity registry's rows as the keyed hashes it holds (the values they were made from are not kept anywhere).
 */
final class LeadServiceHoldings {

    private LeadServiceHoldings() {
    }

    static Map<String, List<Map<String, Object>>> of(Connection c, String leadId) throws SQLException {
        Map<String, List<Map<String, Object>>> holds = new LinkedHashMap<>();
        put(holds, "lead", rows(c, "SELECT * FROM lead WHERE lead_id = ?", leadId));
        put(holds, "stage_transition", rows(c, "SELECT * FROM stage_transition WHERE lead_id = ? "
                + "ORDER BY occurred_at, event_id", leadId));
        put(holds, "lead_detail_change", rows(c, "SELECT * FROM lead_detail_change WHERE lead_id = ? "
                + "ORDER BY occurred_at, event_id", leadId));
        put(holds, "parked_item", rows(c, "SELECT * FROM parked_item WHERE lead_id = ? ORDER BY id", leadId));
        if (ErasureStore.exists(c, "lead_identity")) {
            put(holds, "lead_identity", rows(c, "SELECT identity_hash, created_at FROM lead_identity "
                    + "WHERE lead_id = ? ORDER BY created_at", leadId));
            put(holds, "lead_merge", rows(c, "SELECT * FROM lead_merge WHERE lead_id = ? OR merged_lead_id = ? "
                    + "ORDER BY merged_at", leadId, leadId));
        }
        put(holds, "webhook_delivery", rows(c, "SELECT id, source, received_at, content_type, body, erased_at, "
                + "body_pruned_at FROM webhook_delivery WHERE id IN ("
                + "SELECT delivery_id FROM stage_transition WHERE lead_id = ? "
                + "UNION SELECT delivery_id FROM lead_detail_change WHERE lead_id = ? "
                + "UNION SELECT delivery_id FROM parked_item WHERE lead_id = ?) ORDER BY id", leadId, leadId, leadId));
        return holds;
    }

    private static void put(Map<String, List<Map<String, Object>>> holds, String table,
                            List<Map<String, Object>> rows) {
        if (!rows.isEmpty()) {
            holds.put(table, rows);
        }
    }

    private static List<Map<String, Object>> rows(Connection c, String sql, String... params) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        String column = meta.getColumnName(i);
                        row.put(column, value(column, rs.getObject(i)));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** A column's value as JSON shows it: times as ISO instants, bodies as text, hashes in hex. */
    private static Object value(String column, Object v) throws SQLException {
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof Array a) {
            return Arrays.asList((Object[]) a.getArray());
        }
        if (v instanceof byte[] bytes) {
            return column.endsWith("hash") ? HexFormat.of().formatHex(bytes) : text(bytes);
        }
        if (v instanceof java.util.UUID || v instanceof java.math.BigDecimal) {
            return v.toString();
        }
        if (v != null && !(v instanceof String) && !(v instanceof Number) && !(v instanceof Boolean)) {
            return v.toString();
        }
        return v;
    }

    /** A body's bytes as UTF-8 text when they are that, else Base64. */
    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }
}
