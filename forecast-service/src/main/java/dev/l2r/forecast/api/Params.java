package dev.l2r.forecast.api;

import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;

import java.time.Instant;
import java.util.List;

/** Query parameters read by hand, so that a malformed one is a 400 naming it rather than a framework 404. */
final class Params {

    static final List<String> GROUP_BY = List.of("channel", "segment", "owner", "campaign");

    private Params() {
    }

    static Instant instant(String name, String value, Instant fallback) {
        return value == null ? fallback : ApiTimes.parse(name, value);
    }

    static double days(String name, String value, Double fallback, double max) {
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw ProblemException.badRequest(name, "is required (a number of days)");
            }
            return fallback;
        }
        double days;
        try {
            days = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(name, "'" + value + "' is not a number of days");
        }
        if (!(days > 0) || days > max) {
            throw ProblemException.badRequest(name, "must be more than 0 and at most " + (long) max);
        }
        return days;
    }

    static int integer(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw ProblemException.badRequest(name, "must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(name, "'" + value + "' is not a whole number");
        }
    }

    static Long optionalLong(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest(name, "'" + value + "' is not a whole number");
        }
    }

    static String oneOf(String name, String value, List<String> allowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!allowed.contains(value.trim())) {
            throw ProblemException.badRequest(name, "must be one of " + String.join(", ", allowed));
        }
        return value.trim();
    }

    static String currency(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!value.trim().matches("[A-Z]{3}")) {
            throw ProblemException.badRequest(name, "must be an ISO 4217 code such as EUR");
        }
        return value.trim();
    }
}
