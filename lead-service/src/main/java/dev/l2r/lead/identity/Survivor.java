package dev.l2r.lead.identity;

import java.time.Instant;
import java.util.Comparator;

/**
 * Which of two linked leads survives: the one with the earlier first touch ({@code lead.first_seen_at}), ties (and
 * two ids without a lead yet) by the smaller id; an id that has no lead yet never survives one that has. So the
 * anonymous visitor's first touch becomes the person's, a deal's stages continue the contact it came from, and
 * the survivor of a group is the same whatever order its links arrive in: the member with the least
 * (first touch, id), as a merged lead's first touch is the earliest of its members'.
 */
public final class Survivor {

    /** A lead id and its first touch; {@code firstSeen} null when the id has no lead (yet). */
    public record Candidate(String leadId, Instant firstSeen) {
    }

    private static final Comparator<Candidate> ORDER = Comparator
            .comparing(Candidate::firstSeen, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Candidate::leadId);

    private Survivor() {
    }

    public static Candidate of(Candidate a, Candidate b) {
        return ORDER.compare(a, b) <= 0 ? a : b;
    }
}
