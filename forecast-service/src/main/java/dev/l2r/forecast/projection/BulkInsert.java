package dev.l2r.forecast.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts many rows in one statement: one array per column, spread back into rows by {@code unnest}. A poll of a
 * few thousand events rewrites its leads' rows in a handful of round trips instead of thousands; a plan of
 * 100,000 revenue targets is stored in one.
 */
public final class BulkInsert {

    private final String table;
    private final String[] columns;
    private final String[] types;
    private final List<Object[]> rows = new ArrayList<>();

    /** {@code columns} as "name type" pairs, e.g. "lead_id text", "valid_from timestamptz". */
    public BulkInsert(String table, String... columns) {
        this.table = table;
        this.columns = new String[columns.length];
        this.types = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            String[] parts = columns[i].split(" ");
            this.columns[i] = parts[0];
            this.types[i] = parts[1];
        }
    }

    public void add(Object... values) {
        if (values.length != columns.length) {
            throw new IllegalArgumentException(table + ": " + values.length + " values for " + columns.length
                    + " columns");
        }
        rows.add(values);
    }

    public void execute(Connection c) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (")
                .append(String.join(", ", columns)).append(") SELECT * FROM unnest(");
        for (int i = 0; i < columns.length; i++) {
            sql.append(i == 0 ? "" : ", ").append("?::").append(types[i]).append("[]");
        }
        sql.append(')');
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int col = 0; col < columns.length; col++) {
                Object[] values = new Object[rows.size()];
                for (int r = 0; r < rows.size(); r++) {
                    Object v = rows.get(r)[col];
                    // ISO text, so the JVM's time zone (and its Julian calendar before 1582) plays no part in what
                    // the database stores
                    values[r] = v instanceof Instant || v instanceof LocalDate ? v.toString() : v;
                }
                ps.setArray(col + 1, c.createArrayOf(types[col], values));
            }
            ps.executeUpdate();
        }
        rows.clear();
    }
}
