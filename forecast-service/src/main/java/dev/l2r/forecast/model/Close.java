package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A lead's move into a terminal stage, with the amount and attributes known at that moment. {@code cycleStart} is
 * when the deal became an opportunity (or, without one, sales-qualified), for the sales cycle; null if neither.
 */
public record Close(String leadId, Instant closedAt, StageOutcome outcome, BigDecimal amount, String currency,
                    LeadAttributes attributes, Instant cycleStart) {

    public boolean won() {
        return outcome == StageOutcome.WON;
    }

    /** Whether this close carries an amount in {@code currency} (null matching an unstated currency). */
    public boolean pricedIn(String currency) {
        return amount != null && Objects.equals(this.currency, currency);
    }
}
