package dev.l2r.forecast.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a record this service cannot use to its dead-letter topic, unchanged, with why and where it came from in
 * headers (named as SmallRye's own dead-letter queue names them), and waits for the broker's acknowledgement so the
 * offset is committed only once the record is safe there.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<String> emitter;

    @Inject
    MeterRegistry registry;

    private Counter sent;

    @PostConstruct
    void metrics() {
        sent = Counter.builder("l2r.forecast.events.dead_lettered")
                .description("records sent to the dead-letter topic because they could not be used").register(registry);
    }

    public void send(ConsumerRecord<String, String> record, String reason) {
        List<RecordHeader> headers = new ArrayList<>();
        record.headers().forEach(h -> headers.add(new RecordHeader(h.key(), h.value())));
        headers.add(header("dead-letter-reason", reason));
        headers.add(header("dead-letter-topic", record.topic()));
        headers.add(header("dead-letter-partition", String.valueOf(record.partition())));
        headers.add(header("dead-letter-offset", String.valueOf(record.offset())));
        headers.add(header("dead-letter-consumer", "forecast-service"));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build();
        emitter.sendMessageAndAwait(Message.of(record.value() == null ? "" : record.value()).addMetadata(metadata));
        sent.increment();
        LOG.warnf("record %s-%d@%d (key %s) sent to the dead-letter topic: %s", record.topic(), record.partition(),
                record.offset(), record.key(), reason);
    }

    private static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
