package dev.l2r.lead.funnel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.l2r.events.EventJson;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The versions of the funnel definition in {@code funnel_definition}; a new version never changes an old one. */
@ApplicationScoped
public class FunnelStore {

    /** Advisory lock serialising definition changes across replicas ("L2R FUNL"). */
    private static final long LOCK = 0x4c32522046554e4cL;

    /** A version without its content, for the list of versions. */
    public record Summary(long version, Instant changedAt, int stages, int mappings) {
    }

    public void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK);
            ps.execute();
        }
    }

    public long latestVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(version), 0) FROM funnel_definition");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public Optional<FunnelVersion> latest(Connection c) throws SQLException {
        return one(c, "SELECT version, changed_at, definition FROM funnel_definition ORDER BY version DESC LIMIT 1");
    }

    public Optional<FunnelVersion> version(Connection c, long version) throws SQLException {
        return one(c, "SELECT version, changed_at, definition FROM funnel_definition WHERE version = " + version);
    }

    public List<Summary> versions(Connection c) throws SQLException {
        List<Summary> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, changed_at, "
                + "jsonb_array_length(definition -> 'stages'), jsonb_array_length(definition -> 'mappings') "
                + "FROM funnel_definition ORDER BY version");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                list.add(new Summary(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getInt(3), rs.getInt(4)));
            }
        }
        return list;
    }

    /** Stores the next version; call under {@link #lock}. */
    public FunnelVersion append(Connection c, FunnelVersion.Body body, Instant at) throws SQLException {
        long next = latestVersion(c) + 1;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO funnel_definition (version, changed_at, definition) VALUES (?, ?, ?::jsonb)")) {
            ps.setLong(1, next);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, EventJson.write(body));
            ps.executeUpdate();
        }
        return new FunnelVersion(next, at, body.stages(), body.mappings());
    }

    public boolean announced(Connection c, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT announced FROM funnel_definition WHERE version = ?")) {
            ps.setLong(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    public void markAnnounced(Connection c, long version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE funnel_definition SET announced = true WHERE version = ?")) {
            ps.setLong(1, version);
            ps.executeUpdate();
        }
    }

    /** Whether any recorded transition went to this stage (such a stage cannot be removed). */
    public boolean stageInUse(Connection c, String stage) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM stage_transition WHERE to_stage = ?)")) {
            ps.setString(1, stage);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static Optional<FunnelVersion> one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            FunnelVersion.Body body;
            try {
                body = EventJson.mapper().readValue(rs.getString(3), FunnelVersion.Body.class);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            return Optional.of(new FunnelVersion(rs.getLong(1), rs.getTimestamp(2).toInstant(), body.stages(),
                    body.mappings()));
        }
    }
}
