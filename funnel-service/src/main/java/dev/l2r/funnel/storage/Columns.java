package dev.l2r.funnel.storage;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Rows gathered column by column (timestamps as {@link Instant}, dates as {@link LocalDate}), written with one unnest() insert or one COPY. */
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

    /** One value as COPY's text format writes it. */
    static String copyText(Object v) {
        StringBuilder text = new StringBuilder();
        appendCopyValue(text, v);
        return text.toString();
    }

    private static void appendCopyValue(StringBuilder text, Object v) {
        if (v == null) {
            text.append("\\N");
        } else if (v instanceof String s) {
            appendEscaped(text, s);
        } else {
            appendValue(text, v);
        }
    }

    /** A date or instant (or any value) as PostgreSQL's input functions read it, e.g. for a query's array parameter. */
    public static String text(Object v) {
        StringBuilder text = new StringBuilder(32);
        appendValue(text, v);
        return text.toString();
    }

    /** A value as PostgreSQL's input functions read it, unescaped. */
    private static void appendValue(StringBuilder text, Object v) {
        if (v instanceof Instant t) {
            appendTimestamp(text, t);
        } else if (v instanceof LocalDate d) {
            appendDate(text, d);
        } else if (v instanceof Boolean b) {
            text.append(b ? 't' : 'f');
        } else if (v instanceof BigDecimal n) {
            text.append(n.toPlainString());
        } else {
            text.append(v);
        }
    }

    /** COPY's text format escapes backslashes and control characters; most values have none. */
    private static void appendEscaped(StringBuilder text, String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) >= ' ' && s.charAt(i) != '\\') {
            i++;
        }
        if (i == s.length()) {
            text.append(s);
            return;
        }
        text.append(s, 0, i);
        for (; i < s.length(); i++) {
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

    /** {@code yyyy-mm-dd hh:mm:ss[.fraction]+00}, written directly: java.time's formatter was most of a rebuild's CPU. */
    private static void appendTimestamp(StringBuilder text, Instant t) {
        long seconds = t.getEpochSecond();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        if (day.getYear() < 1000) {
            text.append(t);
            return;
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        appendDate(text, day);
        text.append(' ');
        two(text, secondOfDay / 3600);
        text.append(':');
        two(text, secondOfDay / 60 % 60);
        text.append(':');
        two(text, secondOfDay % 60);
        int nano = t.getNano();
        if (nano != 0) {
            text.append('.');
            String digits = Integer.toString(1_000_000_000 + nano).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            text.append(digits, 0, end);
        }
        text.append("+00");
    }

    private static void appendDate(StringBuilder text, LocalDate d) {
        if (d.getYear() < 1000) {
            text.append(d);
            return;
        }
        // the year in full, without java.time's '+' past 9999 (which PostgreSQL reads as a time zone): a period
        // ending with 9999-12-31 ends on 10000-01-01
        int year = d.getYear();
        if (year > 9999) {
            text.append(year / 100);
        } else {
            two(text, year / 100);
        }
        two(text, year % 100);
        text.append('-');
        two(text, d.getMonthValue());
        text.append('-');
        two(text, d.getDayOfMonth());
    }

    private static void two(StringBuilder text, int n) {
        text.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    /**
     * One statement whose parameters are the columns as arrays of these PostgreSQL types (e.g. an unnest() insert).
     * Each column goes as a typed Java array, which the driver sends in binary (text, booleans, integers); dates,
     * timestamps and numbers go as text arrays that the statement's casts read. The driver's own text form of an
     * {@code Object[]} escaped every character and was a quarter of a live batch's CPU.
     */
    public void insert(Connection c, String sql, List<String> types) throws SQLException {
        if (columns.get(0).isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < types.size(); i++) {
                ps.setObject(i + 1, array(types.get(i), columns.get(i)));
            }
            ps.executeUpdate();
        }
    }

    private static Object array(String type, List<Object> column) {
        return switch (type) {
            case "boolean" -> column.toArray(new Boolean[0]);
            case "int2" -> column.toArray(new Short[0]);
            case "bigint" -> column.toArray(new Long[0]);
            default -> {
                String[] text = new String[column.size()];
                StringBuilder value = new StringBuilder(40);
                for (int r = 0; r < text.length; r++) {
                    Object v = column.get(r);
                    if (v instanceof String s) {
                        text[r] = s;
                    } else if (v != null) {
                        value.setLength(0);
                        appendValue(value, v);
                        text[r] = value.toString();
                    }
                }
                yield text;
            }
        };
    }

    public int size() {
        return columns.get(0).size();
    }
}
