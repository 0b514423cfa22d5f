package dev.l2r.lead.outbox;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;

/** Appends events to the outbox inside the caller's transaction; {@link OutboxRelay} takes them to Kafka. */
@ApplicationScoped
public class Outbox {

    @ConfigProperty(name = "l2r.topic.lead-stage-changed.name")
    String topic;

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(LeadStageChanged event) {
        OutboxMessage message = new OutboxMessage();
        message.topic = topic;
        message.messageKey = event.leadId();
        message.payload = EventJson.write(event);
        message.createdAt = event.recordedAt() != null ? event.recordedAt() : Instant.now();
        message.persist();
    }
}
