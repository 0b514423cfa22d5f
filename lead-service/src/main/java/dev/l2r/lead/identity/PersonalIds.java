package dev.l2r.lead.identity;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which sender ids are personal data, and how one is normalised before it is hashed. An email address (a Segment
 * {@code userId}, a REST, CSV or generic {@code leadId} that is one) names a person: it never becomes a lead id.
 * Record ids a sender keys (a HubSpot contact id, a Salesforce Lead Id, an anonymous id, a client's own id) are
 * pseudonyms whose key the sender holds, and stay lead ids.
 */
public final class PersonalIds {

    /**
     * One {@code @} with something on each side, no spaces, and a dot in the domain that neither starts nor ends it:
     * an address someone could write to. Loose on purpose: a false positive only costs a pseudonym.
     */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s.]+");

    private PersonalIds() {
    }

    public static boolean isPersonal(String senderId) {
        return senderId != null && EMAIL.matcher(senderId.strip()).matches();
    }

    /** Trimmed and lower-cased, so that {@code Alice@Example.com } and {@code alice@example.com} are one person. */
    public static String normalise(String senderId) {
        return senderId.strip().toLowerCase(Locale.ROOT);
    }
}
