package dev.l2r.lead.webhook;

import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.Alongside;
import dev.l2r.lead.history.StageChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The SQL of {@code parked_item}: authentic webhook items whose value no mapping knew when they came. Plain JDBC on
 * the caller's connection, so that parking commits with the delivery's changes and recording with the transitions
 * it writes.
 */
public final class ParkedItems {

    private ParkedItems() {
    }

    static final String COLUMNS = "id, source, mapped_field, value, path, lead_id, raw_stage, occurred_at, "
            + "source_event_id, amount, currency, channel, segment, owner, campaign, mode, delivery_id, parked_at, "
            + "resolved_at, outcome, stage, event_id, definition_version";

    /** A stored parked item; {@code outcome} and what follows it are null while it waits. */
    public record Row(long id, String source, String field, String value, String path, StageChange change,
                      Instant parkedAt, Instant resolvedAt, String outcome, String stage, UUID eventId,
                      Long definitionVersion) {
    }

    /** The value as a mapping looks it up (see {@link SourceMapping#key}): stripped, lower case. */
    static String valueKey(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * A delivery's parked items, written in the transaction of its changes. An item parked before (a retry: the same
     * source event id, or without one the same place in the same stored delivery), or already recorded as a
     * transition under its source event id, is not parked again and counts as a duplicate.
     */
    public static final class Batch implements Alongside {
        private final List<WebhookItems.Parked> items;
        private final Long deliveryId;
        private final Instant now;
        private int parked;
        private int duplicates;
        private final Set<String> parkedSources = new LinkedHashSet<>();

        public Batch(List<WebhookItems.Parked> items, Long deliveryId, Instant now) {
            this.items = List.copyOf(items);
            this.deliveryId = deliveryId;
            this.now = now;
        }

        @Override
        public void write(Connection c) throws SQLException {
            parked = 0;
            duplicates = 0;
            parkedSources.clear();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO parked_item (source, mapped_field, value, "
                    + "value_key, path, lead_id, raw_stage, occurred_at, source_event_id, amount, currency, channel, "
                    + "segment, owner, campaign, mode, delivery_id, parked_at) "
                    + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                    + "stage_transition WHERE source = ? AND source_event_id = ?) ON CONFLICT DO NOTHING")) {
                for (WebhookItems.Parked p : items) {
                    StageChange ch = p.change();
                    int i = 1;
                    ps.setString(i++, ch.source());
                    ps.setString(i++, p.mappedField());
                    ps.setString(i++, p.value());
                    ps.setString(i++, valueKey(p.value()));
                    ps.setString(i++, p.path());
                    ps.setString(i++, ch.leadId());
                    ps.setString(i++, ch.rawStage());
                    ps.setTimestamp(i++, Timestamp.from(ch.occurredAt()));
                    ps.setString(i++, ch.sourceEventId());
                    ps.setBigDecimal(i++, ch.amount());
                    ps.setString(i++, ch.currency());
                    ps.setString(i++, ch.attributes().channel());
                    ps.setString(i++, ch.attributes().segment());
                    ps.setString(i++, ch.attributes().owner());
                    ps.setString(i++, ch.attributes().campaign());
                    ps.setString(i++, ch.mode().name());
                    if (deliveryId == null) {
                        ps.setNull(i++, Types.BIGINT);
                    } else {
                        ps.setLong(i++, deliveryId);
                    }
                    ps.setTimestamp(i++, Timestamp.from(now));
                    ps.setString(i++, ch.source());
                    ps.setString(i, ch.sourceEventId());
                    if (ps.executeUpdate() == 1) {
                        parked++;
                        parkedSources.add(ch.source());
                    } else {
                        duplicates++;
                    }
                }
            }
        }

        /** Items parked by the committed write. */
        public int parked() {
            return parked;
        }

        /** Items a retry had parked (or recorded) before. */
        public int duplicates() {
            return duplicates;
        }
    }

    /**
     * Waiting items whose (source, field, value) one of {@code mappings} maps, oldest event first, locked for the
     * caller's transaction; rows another transaction is recording are skipped (it marks them).
     */
    static List<Row> waitingFor(Connection c, List<SourceMapping> mappings, int limit) throws SQLException {
        if (mappings.isEmpty()) {
            return List.of();
        }
        List<String> sources = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (SourceMapping m : mappings) {
            if (m.source() != null && m.field() != null && m.value() != null) {
                sources.add(m.source());
                fields.add(m.field());
                values.add(valueKey(m.value()));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM parked_item "
                + "WHERE resolved_at IS NULL AND (source, mapped_field, value_key) IN "
                + "(SELECT s, f, v FROM unnest(?::text[], ?::text[], ?::text[]) AS k(s, f, v)) "
                + "ORDER BY occurred_at, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setArray(1, c.createArrayOf("text", sources.toArray()));
            ps.setArray(2, c.createArrayOf("text", fields.toArray()));
            ps.setArray(3, c.createArrayOf("text", values.toArray()));
            ps.setInt(4, limit);
            return rows(ps);
        }
    }

    /** What became of a waiting item: the stage it was recorded as (null: ignored) and its outcome. */
    record Resolution(long id, String outcome, String stage, UUID eventId) {
    }

    static void resolve(Connection c, List<Resolution> resolutions, long version, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE parked_item SET resolved_at = ?, outcome = ?, "
                + "stage = ?, event_id = ?, definition_version = ? WHERE id = ?")) {
            for (Resolution r : resolutions) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, r.outcome());
                ps.setString(3, r.stage());
                ps.setObject(4, r.eventId());
                ps.setLong(5, version);
                ps.setLong(6, r.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** How many items wait, by source. */
    static Map<String, Long> waitingBySource(Connection c) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT source, count(*) FROM parked_item WHERE resolved_at IS NULL GROUP BY source");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs, 0));
            }
        }
        return rows;
    }

    /** The row whose {@link #COLUMNS} start after column {@code offset}. */
    static Row row(ResultSet rs, int offset) throws SQLException {
        int o = offset;
        String currency = rs.getString(o + 11);
        StageChange change = new StageChange(rs.getString(o + 6), null, rs.getString(o + 7),
                rs.getTimestamp(o + 8).toInstant(), rs.getString(o + 2), rs.getString(o + 9), rs.getBigDecimal(o + 10),
                currency == null ? null : currency.trim(),
                new LeadAttributes(rs.getString(o + 12), rs.getString(o + 13), rs.getString(o + 14),
                        rs.getString(o + 15)),
                rs.getObject(o + 17, Long.class), StageChange.Mode.valueOf(rs.getString(o + 16)));
        Timestamp resolved = rs.getTimestamp(o + 19);
        return new Row(rs.getLong(o + 1), rs.getString(o + 2), rs.getString(o + 3), rs.getString(o + 4),
                rs.getString(o + 5), change, rs.getTimestamp(o + 18).toInstant(),
                resolved == null ? null : resolved.toInstant(), rs.getString(o + 20), rs.getString(o + 21),
                rs.getObject(o + 22, UUID.class), rs.getObject(o + 23, Long.class));
    }
}
