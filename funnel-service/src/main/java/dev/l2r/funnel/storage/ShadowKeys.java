package dev.l2r.funnel.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary keys and indexes of the shadow's bulk-loaded tables: dropped before loading (rows go in faster
 * without them) and built again afterwards from their own definitions, as the migrations made them.
 */
public final class ShadowKeys {

    /** One piece of work on its own connection. */
    public interface Work {
        void run(Connection c) throws SQLException;
    }

    /** A named piece of work (the name goes into the log with its duration). */
    public record Step(String name, Work work) {
    }

    /**
     * Drops them and returns the steps that build them again. A primary key that finds the same key twice (the
     * event log, when the topic held an event twice) has its repeats deleted and is built again.
     */
    public static List<Step> drop(Connection c, String schema, List<String> tables) throws SQLException {
        List<Step> restore = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        catalog(c, "SELECT k.conname, t.relname, pg_get_constraintdef(k.oid) "
                + "FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE n.nspname = ? AND k.contype = 'p' AND t.relname = ANY (?)", schema, tables, rs -> {
                    String table = schema + "." + rs.getString(2);
                    String add = "ALTER TABLE " + table + " ADD CONSTRAINT " + rs.getString(1) + " " + rs.getString(3);
                    drops.add("ALTER TABLE " + table + " DROP CONSTRAINT " + rs.getString(1));
                    restore.add(new Step(rs.getString(1), primaryKey(table, add)));
                });
        catalog(c, "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                + "WHERE i.schemaname = ? AND i.tablename = ANY (?) AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
                + "JOIN pg_class x ON x.oid = k.conindid JOIN pg_namespace n ON n.oid = x.relnamespace "
                + "WHERE x.relname = i.indexname AND n.nspname = i.schemaname)", schema, tables, rs -> {
                    drops.add("DROP INDEX " + schema + "." + rs.getString(1));
                    String create = rs.getString(2);
                    restore.add(new Step(rs.getString(1), s -> execute(s, create)));
                });
        for (String sql : drops) {
            execute(c, sql);
        }
        return restore;
    }

    private interface CatalogRow {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Runs a catalog query whose two parameters are the schema and the table names, row by row. */
    private static void catalog(Connection c, String sql, String schema, List<String> tables, CatalogRow row)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    private static Work primaryKey(String table, String add) {
        if (!table.endsWith(".event_log")) {
            return c -> execute(c, add); // the recomputed rows are unique by construction
        }
        return c -> {
            try {
                execute(c, add);
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
                execute(c, "DELETE FROM " + table + " a USING " + table + " b WHERE a.event_id = b.event_id AND a.ctid > b.ctid");
                execute(c, add);
            }
        };
    }

    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
