/**
 * One trace per event (docs/DECISIONS.md "One trace per event"): the W3C trace context an event carries from the
 * HTTP request that accepted it, through its outbox row and its Kafka record's headers, to each consumer's apply
 * step ({@link dev.l2r.platform.trace.TraceContext}, {@link dev.l2r.platform.trace.RecordSpans}).
 */
package dev.l2r.platform.trace;
