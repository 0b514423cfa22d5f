package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;

/** A lead in an open stage at some moment: since when, its latest known amount, and its attributes. */
public record OpenLead(String leadId, String stage, Instant stageSince, BigDecimal amount, String currency,
                       LeadAttributes attributes) {
}
