package dev.l2r.lead.intake;

import java.util.regex.Pattern;

/** The rule for a source name, where it is given outside a validated body (a query parameter). */
final class Sources {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private Sources() {
    }

    static String require(String source) {
        if (source == null || !NAME.matcher(source).matches()) {
            throw RejectedInput.badRequest(Reason.INVALID, "source",
                    "must be 1-64 lower-case letters, digits, '.', '_' or '-'");
        }
        return source;
    }
}
