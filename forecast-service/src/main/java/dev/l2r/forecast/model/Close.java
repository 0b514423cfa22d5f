package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A lead's move into a terminal stage, with the amount and attributes known at that moment. {@code cycleStart} is
 * when the deal became an opportunity (or, without one, sales-qualified), for the sales cycle; null if neither.
 *
 * <p>A close's amount (and attributes) can be corrected after it (a details change: a won deal's value edited in
 * the CRM). Each correction is a new version of the same close ({@code closedAt} unchanged, so the revenue stays in
 * the close's period), holding in event time over {@code [knownFrom, knownUntil)}: the first version from the close
 * itself, a correction from its own event time. A view as of a moment takes the version known then
 * ({@link #knownAt}), so a forecast as of a time before the correction comes out as it always did.
 */
public record Close(String leadId, Instant closedAt, StageOutcome outcome, BigDecimal amount, String currency,
                    LeadAttributes attributes, Instant cycleStart, Instant knownFrom, Instant knownUntil) {

    public Close {
        knownFrom = knownFrom == null ? closedAt : knownFrom;
    }

    /** The close as first recorded, not corrected (yet). */
    public Close(String leadId, Instant closedAt, StageOutcome outcome, BigDecimal amount, String currency,
                 LeadAttributes attributes, Instant cycleStart) {
        this(leadId, closedAt, outcome, amount, currency, attributes, cycleStart, closedAt, null);
    }

    public boolean won() {
        return outcome == StageOutcome.WON;
    }

    /** Whether this close carries an amount in {@code currency} (null matching an unstated currency). */
    public boolean pricedIn(String currency) {
        return amount != null && Objects.equals(this.currency, currency);
    }

    /** Whether this version of the close is the one known at {@code t} (event time). */
    public boolean knownAt(Instant t) {
        return !knownFrom.isAfter(t) && (knownUntil == null || t.isBefore(knownUntil));
    }

    /** This version, superseded at {@code t} by a correction. */
    public Close until(Instant t) {
        return new Close(leadId, closedAt, outcome, amount, currency, attributes, cycleStart, knownFrom, t);
    }

    /** A correction from {@code t} on: the same close with these amount and attributes. */
    public Close corrected(Instant t, BigDecimal newAmount, String newCurrency, LeadAttributes newAttributes) {
        return new Close(leadId, closedAt, outcome, newAmount, newCurrency, newAttributes, cycleStart, t, null);
    }
}
