package dev.l2r.lead.outbox;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadEventTypes;
import dev.l2r.platform.trace.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Appends messages to the outbox on the caller's transactional connection; {@link OutboxRelay} takes them to
 * Kafka. Ids come from the sequence, so the relay publishes in the order the rows were written. Each row keeps the
 * trace context current when it was written (the HTTP request's span), which the relay continues.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = "INSERT INTO outbox (id, topic, message_key, payload, created_at, "
            + "traceparent, tracestate, event_type) VALUES (nextval('outbox_id_seq'), ?, ?, ?, ?, ?, ?, ?)";

    @ConfigProperty(name = "l2r.topic.lead-stage-changed.name")
    String topic;

    @Inject
    OutboxSignal signal;

    /**
     * One message per event, keyed by lead so that a lead's events stay in one partition, in order; each names its
     * kind, which the relay sends as the {@value LeadEventTypes#HEADER} header.
     */
    public void appendLeadEvents(Connection c, List<? extends LeadEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        TraceContext trace = TraceContext.current();
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (LeadEvent event : events) {
                bind(ps, topic, event.leadId(), EventJson.write(event),
                        event.recordedAt() != null ? event.recordedAt() : Instant.now(), trace);
                ps.setString(7, LeadEventTypes.of(event));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        signal.appended();
    }

    public void append(Connection c, String topic, String key, Object payload, Instant createdAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, topic, key, EventJson.write(payload), createdAt, TraceContext.current());
            ps.setString(7, null);
            ps.executeUpdate();
        }
        signal.appended();
    }

    private static void bind(PreparedStatement ps, String topic, String key, String payload, Instant createdAt,
                             TraceContext trace) throws SQLException {
        ps.setString(1, topic);
        ps.setString(2, key);
        ps.setString(3, payload);
        ps.setTimestamp(4, Timestamp.from(createdAt));
        ps.setString(5, trace.traceparent());
        ps.setString(6, trace.tracestate());
    }
}
