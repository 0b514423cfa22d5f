package dev.l2r.lead.webhook;

import java.util.regex.Pattern;

/**
 * Salesforce record ids: 15 case-sensitive characters, or the same 15 and 3 more that encode where their upper-case
 * letters are, so that case-insensitive tools can tell ids apart. The two forms name the same record.
 */
public final class SalesforceIds {

    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?");
    private static final String SUFFIX_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private SalesforceIds() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * The 18-character form of an id (an 18-character id as it is): each of its three 5-character chunks adds
     * one character whose bits say which of the chunk's characters are upper-case letters.
     */
    public static String to18(String id) {
        if (!valid(id)) {
            throw new IllegalArgumentException("not a Salesforce id");
        }
        if (id.length() == 18) {
            return id;
        }
        StringBuilder full = new StringBuilder(id);
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = id.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            full.append(SUFFIX_CHARACTERS.charAt(bits));
        }
        return full.toString();
    }

    /**
     * Whether a received id names the same record as the expected one, either in either form: their 15-character
     * prefixes are equal, case-sensitively, compared in constant time.
     */
    public static boolean same(String expected, String received) {
        if (!valid(expected) || !valid(received)) {
            return false;
        }
        return Signatures.matches(expected.substring(0, 15), received.substring(0, 15));
    }
}
