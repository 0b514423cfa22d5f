package dev.l2r.forecast.model;

import java.time.Instant;

/** A lead's unchanged open state over [validFrom, validTo); validTo null while it still holds. */
public record OpenInterval(OpenLead lead, Instant validFrom, Instant validTo) {

    public boolean holdsAt(Instant t) {
        return !validFrom.isAfter(t) && (validTo == null || validTo.isAfter(t));
    }
}
