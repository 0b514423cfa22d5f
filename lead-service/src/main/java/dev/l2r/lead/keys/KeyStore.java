package dev.l2r.lead.keys;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code api_key} table: hashes, never keys. */
@ApplicationScoped
public class KeyStore {

    /** A stored key with its hash, which never leaves lead-service except on the api-keys topic. */
    public record Stored(KeyView view, String hash) {
    }

    private static final String COLUMNS = "id, name, scopes, sources, created_at, created_by, revoked_at, revoked_by, "
            + "key_hash";

    public void insert(Connection c, Stored key) throws SQLException {
        KeyView v = key.view();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_key (" + COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)")) {
            ps.setString(1, v.id());
            ps.setString(2, v.name());
            ps.setArray(3, c.createArrayOf("text", v.scopes().toArray()));
            ps.setArray(4, c.createArrayOf("text", v.sources().toArray()));
            ps.setTimestamp(5, Timestamp.from(v.createdAt()));
            ps.setString(6, v.createdBy());
            ps.setString(7, key.hash());
            ps.executeUpdate();
        }
    }

    /** Marks a key revoked, once; false when there is no such key or it was revoked already. */
    public boolean revoke(Connection c, String id, Instant at, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE api_key SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, by);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    public Optional<Stored> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_key WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    public List<Stored> all(Connection c) throws SQLException {
        List<Stored> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_key ORDER BY created_at, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(read(rs));
            }
        }
        return keys;
    }

    private static Stored read(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp(7);
        return new Stored(new KeyView(rs.getString(1), rs.getString(2), strings(rs.getArray(3)),
                strings(rs.getArray(4)), rs.getTimestamp(5).toInstant(), rs.getString(6),
                revoked == null ? null : revoked.toInstant(), rs.getString(8), null), rs.getString(9));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
