package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.time.Instant;

/** When a lead was first seen, in which stage, with the attributes known then: the top of the funnel. */
public record Arrival(String leadId, Instant firstSeenAt, String stage, LeadAttributes attributes) {
}
