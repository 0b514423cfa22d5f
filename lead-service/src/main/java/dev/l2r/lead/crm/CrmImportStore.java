package dev.l2r.lead.crm;

import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of {@code crm_import}. A page's progress is written on the caller's connection (its transaction). */
@ApplicationScoped
public class CrmImportStore {

    private static final String COLUMNS = "id, source, state, since, phase, cursor, pages, records, recorded, "
            + "unchanged, duplicates, parked, refused, error, started_at, updated_at, finished_at";

    @Inject
    AgroalDataSource dataSource;

    /** What one page added to an import. */
    public record PageCounts(long records, long recorded, long unchanged, long duplicates, long parked, long refused) {
    }

    /** A new running import; a source with one running already is a 409 (the partial unique index decides). */
    public CrmImport start(String source, Instant since, String phase, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO crm_import (source, state, since, phase, "
                     + "started_at, updated_at) VALUES (?, 'RUNNING', ?, ?, ?, ?) RETURNING " + COLUMNS)) {
            ps.setString(1, source);
            ps.setTimestamp(2, since == null ? null : Timestamp.from(since));
            ps.setString(3, phase);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            return one(ps).orElseThrow();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw running(source);
            }
            throw new IllegalStateException("could not store the import", e);
        }
    }

    static ProblemException running(String source) {
        return ProblemException.conflict("an import of " + source + " is running already; wait for it, or cancel it "
                + "(DELETE /api/admin/crm-imports/{id})");
    }

    /** Marks a stopped import running again (resume); 409 when another of its source runs. */
    public CrmImport resume(long id, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE crm_import SET state = 'RUNNING', error = NULL, "
                     + "finished_at = NULL, updated_at = ? WHERE id = ? AND state IN ('FAILED', 'CANCELLED') "
                     + "RETURNING " + COLUMNS)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, id);
            return one(ps).orElseThrow(() -> {
                CrmImport found = find(id).orElseThrow(() -> ProblemException.notFound("no import " + id));
                return ProblemException.conflict("import " + id + " is " + found.state()
                        + "; only a failed or cancelled import resumes");
            });
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw ProblemException.conflict("another import of this source is running; wait for it, or cancel it");
            }
            throw new IllegalStateException("could not resume the import", e);
        }
    }

    /** Records a page's progress on {@code c} (the transaction of its changes). */
    public void advance(Connection c, long id, String phase, String cursor, PageCounts counts, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE crm_import SET phase = ?, cursor = ?, "
                + "pages = pages + 1, records = records + ?, recorded = recorded + ?, unchanged = unchanged + ?, "
                + "duplicates = duplicates + ?, parked = parked + ?, refused = refused + ?, updated_at = ? "
                + "WHERE id = ?")) {
            ps.setString(1, phase);
            ps.setString(2, cursor);
            ps.setLong(3, counts.records());
            ps.setLong(4, counts.recorded());
            ps.setLong(5, counts.unchanged());
            ps.setLong(6, counts.duplicates());
            ps.setLong(7, counts.parked());
            ps.setLong(8, counts.refused());
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setLong(10, id);
            ps.executeUpdate();
        }
    }

    /** Ends a running import; false when it was not running (cancelled meanwhile). */
    public boolean finish(long id, CrmImport.State state, String error, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE crm_import SET state = ?, error = ?, finished_at = ?, "
                     + "updated_at = ? WHERE id = ? AND state = 'RUNNING'")) {
            ps.setString(1, state.name());
            ps.setString(2, error);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not end the import", e);
        }
    }

    public Optional<CrmImport> find(long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM crm_import WHERE id = ?")) {
            ps.setLong(1, id);
            return one(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the import", e);
        }
    }

    /** Newest first; {@code state} null: all. */
    public List<CrmImport> list(CrmImport.State state, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM crm_import "
                     + "WHERE (?::text IS NULL OR state = ?) ORDER BY id DESC LIMIT ?")) {
            String s = state == null ? null : state.name();
            ps.setString(1, s);
            ps.setString(2, s);
            ps.setInt(3, limit);
            List<CrmImport> all = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(row(rs));
                }
            }
            return all;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list the imports", e);
        }
    }

    private static Optional<CrmImport> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    private static CrmImport row(ResultSet rs) throws SQLException {
        return new CrmImport(rs.getLong(1), rs.getString(2), CrmImport.State.valueOf(rs.getString(3)),
                instant(rs.getTimestamp(4)), rs.getString(5), rs.getString(6), rs.getLong(7), rs.getLong(8),
                rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getString(14),
                instant(rs.getTimestamp(15)), instant(rs.getTimestamp(16)), instant(rs.getTimestamp(17)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
