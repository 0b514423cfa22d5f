package dev.l2r.funnel.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Rows gathered column by column, written with one unnest() insert or one COPY. */
public final class Columns {

    private final List<List<Object>> columns = new ArrayList<>();

    public Columns(int n) {
        for (int i = 0; i < n; i++) {
            columns.add(new ArrayList<>());
        }
    }

    public void add(Object... row) {
        for (int i = 0; i < row.length; i++) {
            columns.get(i).add(row[i]);
        }
    }

    /** COPY ... FROM STDIN in PostgreSQL's text format. */
    public void copy(Connection c, String tableAndColumns) throws SQLException {
        int rows = columns.get(0).size();
        if (rows == 0) {
            return;
        }
        StringBuilder text = new StringBuilder(rows * 96);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    text.append('\t');
                }
                appendCopyValue(text, columns.get(i).get(r));
            }
            text.append('\n');
        }
        try {
            c.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + tableAndColumns + " FROM STDIN", new java.io.StringReader(text.toString()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY into " + tableAndColumns + " failed", e);
        }
    }

    private static void appendCopyValue(StringBuilder text, Object v) {
        if (v == null) {
            text.append("\\N");
            return;
        }
        String s = v instanceof Timestamp t ? t.toInstant().toString()
                : v instanceof Boolean b ? (b ? "t" : "f") : v.toString();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(ch);
            }
        }
    }

    public void insert(Connection c, String sql, String... types) throws SQLException {
        if (columns.get(0).isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < types.length; i++) {
                List<Object> column = columns.get(i);
                Object[] values = types[i].equals("date")
                        ? column.stream().map(d -> java.sql.Date.valueOf((LocalDate) d)).toArray()
                        : column.toArray();
                ps.setArray(i + 1, c.createArrayOf(types[i], values));
            }
            ps.executeUpdate();
        }
    }

    public int size() {
        return columns.get(0).size();
    }

    public void clear() {
        columns.forEach(List::clear);
    }
}
