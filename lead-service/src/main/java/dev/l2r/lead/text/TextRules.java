package dev.l2r.lead.text;

/**
 * What a string from outside may hold before it is stored. PostgreSQL refuses a NUL in text (and the whole
 * statement with it); the other control characters it stores, but they have no business in an id, a stage name
 * or an attribute, and they break what reads them later (log lines, CSV exports, terminals). So names and ids
 * take no control character at all (Unicode category Cc: U+0000-U+001F, U+007F-U+009F, tab included: a tab in
 * an id is never meant and splits tab-separated output); free text such as a stage description may also hold
 * tab, line feed and carriage return. A lone UTF-16 surrogate (a JSON {@code "\ud800"}) is no character at all:
 * the driver would store it as '?', silently changing what was sent, so it is refused too.
 */
public final class TextRules {

    private TextRules() {
    }

    /** Why {@code value} is not an acceptable name or id of at most {@code max} characters; null when it is. */
    public static String nameProblem(String value, int max) {
        return problem(value, max, false);
    }

    /** Why {@code value} is not acceptable free text of at most {@code max} characters; null when it is. */
    public static String textProblem(String value, int max) {
        return problem(value, max, true);
    }

    private static String problem(String value, int max, boolean lines) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            return "must be at most " + max + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(lines && (c == '\t' || c == '\n' || c == '\r'))) {
                return "must not contain control characters (U+" + String.format("%04X", (int) c)
                        + " at position " + i + ")";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must be valid Unicode (a lone surrogate at position " + i + ")";
            }
            if (Character.isLowSurrogate(c)) {
                return "must be valid Unicode (a lone surrogate at position " + i + ")";
            }
        }
        return null;
    }
}
