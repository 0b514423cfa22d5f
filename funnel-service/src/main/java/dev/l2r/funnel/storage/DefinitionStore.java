package dev.l2r.funnel.storage;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * The funnel definition in force: the latest {@link FunnelDefinitionChanged} seen, kept in the service's own
 * database so that every replica reads the same one; {@link FunnelDefinition#canonical()} until one is seen.
 */
@ApplicationScoped
public class DefinitionStore {

    @Inject
    AgroalDataSource dataSource;

    private record Cached(long version, FunnelDefinition definition) {
    }

    private volatile Cached cached = new Cached(-1, FunnelDefinition.canonical());

    /** The definition in force, re-read from the database when another replica has stored a newer one. */
    public FunnelDefinition current() {
        try (Connection c = dataSource.getConnection()) {
            return current(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the funnel definition", e);
        }
    }

    public FunnelDefinition current(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version, definition FROM funnel_definition WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return FunnelDefinition.canonical();
            }
            long version = rs.getLong(1);
            Cached now = cached;
            if (now.version() != version) {
                now = new Cached(version, EventJson.read(rs.getString(2), FunnelDefinition.class));
                cached = now;
            }
            return now.definition();
        }
    }

    /**
     * Stores a newer definition; older or equal versions are ignored (the topic is compacted and may be
     * re-read). When the stage order in force changes, a rebuild is requested in the same transaction.
     * @return whether a rebuild was requested
     */
    public boolean offer(FunnelDefinitionChanged change) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean rebuild = store(c, change);
                c.commit();
                return rebuild;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private boolean store(Connection c, FunnelDefinitionChanged change) throws SQLException {
        FunnelDefinition before = current(c);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO funnel_definition (id, version, changed_at, definition) "
                + "VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, "
                + "changed_at = EXCLUDED.changed_at, definition = EXCLUDED.definition "
                + "WHERE funnel_definition.version < EXCLUDED.version")) {
            ps.setLong(1, change.version());
            ps.setTimestamp(2, change.changedAt() == null ? null : Timestamp.from(change.changedAt()));
            ps.setString(3, EventJson.write(change.definition()));
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        if (shape(before).equals(shape(current(c)))) {
            return false;
        }
        RebuildRequests.require(c, "funnel definition version " + change.version());
        return true;
    }

    /** What of a definition changes the figures: the stages' order, and which are terminal with what outcome. */
    private static java.util.List<String> shape(FunnelDefinition d) {
        return d.stages().stream().map(s -> s.key() + "/" + s.terminal() + "/" + s.outcome()).toList();
    }
}
