package dev.l2r.platform.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.EventJson;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Table dead_letter of a consumer's own database (each service's migration creates it alike): one row per record
 * set aside, unique by where it was on the topic, written in the transaction of the poll that set it aside. Key and
 * payload are kept as bytes and headers as JSON text, since PostgreSQL text cannot hold a NUL and a dead letter
 * must keep what it was given.
 */
final class DeadLetterTable {

    private static final String COLUMNS = "id, source_topic, source_partition, source_offset, produced_at, record_key, "
            + "headers, payload, reason, detail, found_by, attempts, dead_lettered_at, last_failed_at, status, replayed_at";

    private DeadLetterTable() {
    }

    /** Files dead letters; one found again (redelivered, or by the replay and the consumer both) is updated. */
    static void insert(Connection c, List<DeadLetter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dead_letter (source_topic, source_partition, "
                + "source_offset, produced_at, record_key, headers, payload, reason, detail, found_by, attempts) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ON CONSTRAINT dead_letter_record DO UPDATE SET "
                + "reason = EXCLUDED.reason, detail = EXCLUDED.detail, attempts = EXCLUDED.attempts, "
                + "last_failed_at = now(), status = 'open', replayed_at = NULL")) {
            for (DeadLetter l : letters) {
                ps.setString(1, l.topic());
                ps.setInt(2, l.partition());
                ps.setLong(3, l.offset());
                if (l.producedAt() == null) {
                    ps.setNull(4, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    ps.setTimestamp(4, Timestamp.from(l.producedAt()));
                }
                ps.setBytes(5, bytes(l.key()));
                ps.setString(6, EventJson.write(l.headers()));
                ps.setBytes(7, bytes(l.payload()));
                ps.setString(8, l.refusal().reason().tag());
                ps.setString(9, l.refusal().detail());
                ps.setString(10, l.foundBy());
                ps.setInt(11, l.attempts());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Oldest first, after the id given; {@code status} null for every status. */
    static List<DeadLetterView> list(Connection c, String projection, String status, long after, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE id > ? "
                + (status == null ? "" : "AND status = ? ") + "ORDER BY id LIMIT ?")) {
            int i = 1;
            ps.setLong(i++, after);
            if (status != null) {
                ps.setString(i++, status);
            }
            ps.setInt(i, limit);
            List<DeadLetterView> views = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    views.add(view(rs, projection));
                }
            }
            return views;
        }
    }

    static Optional<DeadLetterView> one(Connection c, String projection, long id, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(view(rs, projection)) : Optional.empty();
            }
        }
    }

    static long open(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM dead_letter WHERE status = 'open'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Deletes the dead letters whose record key is one of these lead ids (an erased lead's); returns how many. */
    static int deleteKeyed(Connection c, Collection<String> leadIds) throws SQLException {
        if (leadIds.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dead_letter WHERE record_key = ANY "
                + "(SELECT convert_to(k, 'UTF8') FROM unnest(?::text[]) AS k)")) {
            ps.setObject(1, leadIds.toArray(new String[0]));
            return ps.executeUpdate();
        }
    }

    static void replayed(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE dead_letter SET status = 'replayed', replayed_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** A replay that failed again: the row stays open with the new reason. */
    static void refusedAgain(Connection c, long id, Refusal refusal, int attemptsAdded) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE dead_letter SET reason = ?, detail = ?, "
                + "attempts = attempts + ?, last_failed_at = now() WHERE id = ?")) {
            ps.setString(1, refusal.reason().tag());
            ps.setString(2, refusal.detail());
            ps.setInt(3, attemptsAdded);
            ps.setLong(4, id);
            ps.executeUpdate();
        }
    }

    private static DeadLetterView view(ResultSet rs, String projection) throws SQLException {
        String payload = text(rs.getBytes(8));
        JsonNode json = readable(payload);
        DeadLetterView.Source source = new DeadLetterView.Source(rs.getString(2), rs.getInt(3), rs.getLong(4),
                instant(rs.getTimestamp(5)), text(rs.getBytes(6)), headers(rs.getString(7)), payload,
                field(json, "eventId"), field(json, "leadId"));
        return new DeadLetterView(rs.getLong(1), projection, rs.getString(15), rs.getString(9), rs.getString(10),
                rs.getString(11), rs.getInt(12), instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14)),
                instant(rs.getTimestamp(16)), source);
    }

    private static JsonNode readable(String payload) {
        if (payload == null) {
            return null;
        }
        try {
            return EventJson.mapper().readTree(payload);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private static String field(JsonNode json, String name) {
        JsonNode value = json == null ? null : json.get(name);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static Map<String, String> headers(String json) {
        try {
            return EventJson.mapper().readValue(json, new TypeReference<LinkedHashMap<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dead_letter.headers is not a JSON object", e);
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Read back as it was read from the topic: StringDeserializer decodes UTF-8 as well. */
    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
