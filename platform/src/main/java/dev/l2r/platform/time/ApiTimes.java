package dev.l2r.platform.time;

import dev.l2r.platform.problem.ProblemException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * How every L2R API reads a date or time: ISO-8601 with an offset ({@code 2025-03-01T10:15:30Z},
 * {@code ...+02:00}), a date and time without one (read as UTC, with {@code T} or a space between them), or a
 * date alone ({@code 2025-03-01}, the start of that day in UTC). Errors name the field.
 * <p>
 * Only the years 1583 to 9999 are taken: ISO-8601's own range without the "mutual agreement" it asks for
 * expanded years and for years before the Gregorian calendar (1582). Java reads years up to 999,999,999, which
 * then fail far from the input: JDBC's {@code Timestamp} overflows past the year 292,278,994, PostgreSQL's
 * {@code timestamptz} ends in 294276 and has no year 0, which {@code java.sql.Date}'s Julian calendar writes for
 * 0001-01-01; date arithmetic at the ends of Java's range throws. Inside the bound, centuries of arithmetic
 * either side (a baseline's months before, a horizon's days after) stay safe.
 */
public final class ApiTimes {

    /** The earliest instant an API takes: 1583-01-01T00:00:00Z. */
    public static final Instant EARLIEST = Instant.parse("1583-01-01T00:00:00Z");
    /** The latest instant an API takes: the last nanosecond of 9999-12-31 UTC. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();

    private ApiTimes() {
    }

    /** Parses one value; blank or unreadable values are a 400 naming {@code field}. */
    public static Instant parse(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest(field, "is required (ISO-8601 date or date-time)");
        }
        String v = value.trim();
        Instant parsed;
        try {
            if (v.length() == 10) {
                parsed = LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else if (v.endsWith("Z") || v.endsWith("z") || hasOffset(v)) {
                parsed = OffsetDateTime.parse(v.replace(' ', 'T').replace('z', 'Z')).toInstant();
            } else {
                parsed = LocalDateTime.parse(v, LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(field,
                    "'" + value + "' is not an ISO-8601 date (2025-03-01) or date-time (2025-03-01T10:15:30Z)");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw ProblemException.badRequest(field, "'" + value + "' is out of range: years 1583 to 9999 (UTC)");
        }
        return parsed;
    }

    /**
     * The end of a period given as {@code to}: a date alone includes that whole day (so {@code to=2025-03-31}
     * covers March 31st); a date-time is taken as the exclusive end.
     */
    public static Instant parsePeriodEnd(String field, String value) {
        Instant parsed = parse(field, value);
        return value.trim().length() == 10 ? parsed.plusSeconds(86_400) : parsed;
    }

    /** A period [from, to) from two query parameters, checked to be in order. */
    public static Period period(String from, String to) {
        Instant start = parse("from", from);
        Instant end = parsePeriodEnd("to", to);
        if (!end.isAfter(start)) {
            throw ProblemException.badRequest("to", "must be after from");
        }
        return new Period(start, end);
    }

    /** A half-open period of event time. */
    public record Period(Instant from, Instant to) {
        public boolean contains(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }
    }

    private static boolean hasOffset(String v) {
        int t = Math.max(v.indexOf('T'), v.indexOf(' '));
        if (t < 0) {
            return false;
        }
        String time = v.substring(t + 1);
        return time.contains("+") || time.contains("-");
    }
}
