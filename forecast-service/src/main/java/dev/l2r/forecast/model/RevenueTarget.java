package dev.l2r.forecast.model;

import java.math.BigDecimal;
import java.time.Instant;

/** Revenue to win in [from, to), for everybody or for one owner or one segment. */
public record RevenueTarget(Instant from, Instant to, String owner, String segment, BigDecimal amount,
                           String currency) {

    /** The attribute this target is scoped by (owner or segment), or null for the whole business. */
    public String dimension() {
        return owner != null ? "owner" : segment != null ? "segment" : null;
    }

    public String scopeValue() {
        return owner != null ? owner : segment;
    }

    public boolean covers(Instant t) {
        return !from.isAfter(t) && to.isAfter(t);
    }
}
