package dev.l2r.funnel.api;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.Slice;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the funnel API's query parameters; every refusal is a 400 problem naming the parameter. */
final class Params {

    private Params() {
    }

    static String stage(FunnelDefinition funnel, String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest(field, "is required (one of " + keys(funnel) + ")");
        }
        String key = value.trim().toUpperCase(Locale.ROOT);
        if (!funnel.contains(key)) {
            throw ProblemException.badRequest(field, "unknown stage '" + value + "' (one of " + keys(funnel) + ")");
        }
        return key;
    }

    static Slice.Interval interval(String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw ProblemException.badRequest("interval", "is required (week or month)");
            }
            return Slice.Interval.NONE;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "week" -> Slice.Interval.WEEK;
            case "month" -> Slice.Interval.MONTH;
            default -> throw ProblemException.badRequest("interval", "'" + value + "' is not week or month");
        };
    }

    /**
     * The most entry periods (weeks or months) one answer may be cut into: 191 years of weeks, 833 of months. The
     * cells are read by range whatever the length, but an answer of every week of 10,000 years is no answer.
     */
    static final int MAX_PERIODS = 10_000;

    /** Refuses, naming {@code to}, a period cut into more than {@link #MAX_PERIODS} weeks or months. */
    static void boundPeriods(ApiTimes.Period period, Slice.Interval interval) {
        if (interval == Slice.Interval.NONE) {
            return;
        }
        LocalDate first = LocalDate.ofInstant(period.from(), ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(period.to().minusNanos(1), ZoneOffset.UTC);
        long periods = interval == Slice.Interval.WEEK
                ? ChronoUnit.WEEKS.between(first.with(DayOfWeek.MONDAY), last.with(DayOfWeek.MONDAY)) + 1
                : ChronoUnit.MONTHS.between(first.withDayOfMonth(1), last.withDayOfMonth(1)) + 1;
        if (periods > MAX_PERIODS) {
            String unit = interval == Slice.Interval.WEEK ? "weeks" : "months";
            throw ProblemException.badRequest("to", "from..to spans " + periods + " " + unit + "; at most "
                    + MAX_PERIODS + " periods are answered (a shorter range, or a longer interval)");
        }
    }

    static String groupBy(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!Slice.DIMENSIONS.contains(v)) {
            throw ProblemException.badRequest("groupBy", "'" + value + "' is not one of " + Slice.DIMENSIONS);
        }
        return v;
    }

    static Integer nonNegative(String field, String value, Integer fallback, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0 || n > max) {
                throw ProblemException.badRequest(field, "must be between 0 and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(field, "'" + value + "' is not a whole number");
        }
    }

    static boolean bool(String field, String value, boolean fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.badRequest(field, "'" + value + "' is not true or false");
        };
    }

    /**
     * Attribute filters ({@link Slice#DIMENSIONS}, any combination): absent means any value; present but empty selects
     * leads where it is unknown. A value with a control character is refused: no lead holds one (lead-service refuses
     * them), and PostgreSQL refuses a NUL in the statement, which would otherwise end as a 500.
     */
    static Map<String, String> filters(jakarta.ws.rs.core.UriInfo uri) {
        Map<String, String> filters = new HashMap<>();
        jakarta.ws.rs.core.MultivaluedMap<String, String> query = uri.getQueryParameters();
        for (String dim : Slice.DIMENSIONS) {
            if (query.containsKey(dim)) {
                String value = query.getFirst(dim);
                for (int i = 0; value != null && i < value.length(); i++) {
                    if (Character.isISOControl(value.charAt(i))) {
                        throw ProblemException.badRequest(dim, "must not contain control characters (U+"
                                + String.format("%04X", (int) value.charAt(i)) + " at position " + i + ")");
                    }
                }
                filters.put(dim, value == null || value.isEmpty() ? null : value);
            }
        }
        return filters;
    }

    private static String keys(FunnelDefinition funnel) {
        return String.join(", ", funnel.stages().stream().map(s -> s.key()).toList());
    }
}
