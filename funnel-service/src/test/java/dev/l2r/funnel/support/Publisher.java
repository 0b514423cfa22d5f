package dev.l2r.funnel.support;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Publishes events to the real topic, as lead-service's relay would (key = leadId). */
public final class Publisher {

    private Publisher() {
    }

    public static LeadStageChanged event(String lead, String stage, Instant at, LeadAttributes attributes) {
        return new LeadStageChanged(UUID.randomUUID(), 1, lead, null, stage, TransitionKind.ADVANCE, null, at,
                Instant.now(), "test", null, null, null, null, attributes);
    }

    /** Stage changes and details changes alike, each with its l2r-event-type header, as the relay sends them. */
    public static void publish(String bootstrap, List<? extends dev.l2r.events.LeadEvent> events) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
            for (dev.l2r.events.LeadEvent e : events) {
                ProducerRecord<String, String> record = new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(),
                        EventJson.write(e));
                record.headers().add(dev.l2r.events.LeadEventTypes.HEADER, dev.l2r.events.LeadEventTypes.of(e)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
    }

    /** A lead's owner or segment changed without a stage change. */
    public static dev.l2r.events.LeadDetailsChanged details(String lead, Instant at, LeadAttributes attributes) {
        return new dev.l2r.events.LeadDetailsChanged(UUID.randomUUID(), 1, lead, at, Instant.now(), "test", null,
                null, null, attributes);
    }

    public static void publishRaw(String bootstrap, List<Map.Entry<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> r : records) {
                producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, r.getKey(), r.getValue()));
            }
            producer.flush();
        }
    }
}
