package dev.l2r.lead.intake;

import java.util.Locale;

/** Why input was refused: the {@code reason} tag of the {@code l2r.intake.rejected} counter. */
public enum Reason {
    /** Not JSON / not CSV at all, or an empty body. */
    MALFORMED,
    /** Readable, but a field has the wrong type or breaks a rule. */
    INVALID,
    MISSING_ID,
    UNKNOWN_STAGE,
    /** A source's own value that no mapping turns into a funnel stage. */
    UNMAPPED_VALUE,
    /** A date that cannot be read. */
    INVALID_TIME,
    /** A date that can be read but cannot be true: in the future, or before the earliest plausible time. */
    IMPLAUSIBLE_TIME,
    TOO_LARGE,
    BAD_SIGNATURE,
    STALE_TIMESTAMP,
    /** A webhook source without a configured secret or credentials. */
    NOT_CONFIGURED,
    UNSUPPORTED_MEDIA_TYPE;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
