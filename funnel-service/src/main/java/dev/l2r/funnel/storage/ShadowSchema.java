package dev.l2r.funnel.storage;

import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * The schema a rebuild fills ({@value #NAME}), made by the same migrations as {@code public}, and the swap that puts
 * its tables in place of the public ones in one transaction.
 */
public final class ShadowSchema {

    public static final String NAME = "funnel_rebuild";
    /** The tables loaded in bulk, whose keys and indexes are built after loading. */
    public static final List<String> BULK_TABLES = List.of("event_log", "lead_stage_entry", "lead_conversion", "lead_current");

    private ShadowSchema() {
    }

    /** Drops a left-over shadow and migrates a new one with the service's own migrations. */
    public static void create(Connection c, Flyway flyway) throws SQLException {
        drop(c);
        // the same migrations build the same tables, indexes and constraint names in the shadow schema
        Flyway.configure().configuration(flyway.getConfiguration())
                .schemas(NAME).defaultSchema(NAME).createSchemas(true)
                .load().migrate();
    }

    public static void drop(Connection c) throws SQLException {
        ShadowKeys.execute(c, "DROP SCHEMA IF EXISTS " + NAME + " CASCADE");
    }

    /** Gathers the planner's statistics of the filled tables. */
    public static void analyze(Connection c) throws SQLException {
        for (String t : ProjectionTables.TABLES) {
            ShadowKeys.execute(c, "ANALYZE " + NAME + "." + t);
        }
    }

    /**
     * In one transaction: clears the requests the rebuild served, records where it stopped reading the topic, and
     * moves the shadow's tables into {@code public} in place of the old ones.
     */
    public static void swap(Connection c, List<RebuildRequests.Request> served, String topic,
                            Map<Integer, Long> replayed) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            RebuildRequests.clear(c, served);
            ReplayedOffsets.save(c, topic, replayed);
            s.execute("DROP SCHEMA IF EXISTS funnel_retired CASCADE");
            s.execute("CREATE SCHEMA funnel_retired");
            for (String t : ProjectionTables.TABLES) {
                s.execute("ALTER TABLE public." + t + " SET SCHEMA funnel_retired");
                s.execute("ALTER TABLE " + NAME + "." + t + " SET SCHEMA public");
            }
            s.execute("DROP SCHEMA funnel_retired CASCADE");
            s.execute("DROP SCHEMA " + NAME + " CASCADE");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
