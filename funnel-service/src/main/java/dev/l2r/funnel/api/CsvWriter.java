package dev.l2r.funnel.api;

import dev.l2r.funnel.query.CsvTable;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@link CsvTable} as RFC 4180 CSV: comma-separated, quoted where needed, nulls as empty fields. Text that
 * a spreadsheet would run as a formula is neutralised (OWASP, "CSV Injection"): a text cell starting with
 * {@code = + - @}, a tab, a carriage return or a NUL gets a leading {@code '} and is quoted, so it shows as the
 * text it is. Only text: numbers, dates and times are the service's own values and stay what they are (a
 * negative number is not a formula). Text holding a semicolon is quoted too, for spreadsheets that split on it.
 */
@Provider
@Produces(CsvWriter.TEXT_CSV)
public class CsvWriter implements MessageBodyWriter<CsvTable> {

    public static final String TEXT_CSV = "text/csv";

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return CsvTable.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(CsvTable table, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException, WebApplicationException {
        StringBuilder csv = new StringBuilder();
        line(csv, List.copyOf(table.csvHeader()));
        for (List<Object> row : table.csvRows()) {
            line(csv, row);
        }
        out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void line(StringBuilder csv, List<?> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(field(fields.get(i)));
        }
        csv.append("\r\n");
    }

    /** The characters a spreadsheet reads, at the start of a cell, as the start of a formula. */
    static final String FORMULA_START = "=+-@\t\r\0";

    static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof CharSequence text) {
            return text(text.toString());
        }
        return quotedIfNeeded(value instanceof BigDecimal d ? d.toPlainString() : value.toString(), false);
    }

    private static String text(String s) {
        boolean formula = !s.isEmpty() && FORMULA_START.indexOf(s.charAt(0)) >= 0;
        return quotedIfNeeded(formula ? "'" + s : s, formula || s.indexOf(';') >= 0);
    }

    private static String quotedIfNeeded(String s, boolean always) {
        if (always || s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
