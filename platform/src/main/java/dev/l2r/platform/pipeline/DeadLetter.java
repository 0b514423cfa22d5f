package dev.l2r.platform.pipeline;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record set aside, as the pipeline found it: where it was (topic, partition, offset, when produced), what it
 * held (key, headers, payload, unchanged) and why it was refused, by whom and after how many attempts to apply it.
 *
 * @param foundBy   {@value DeadLetters#FOUND_BY_CONSUMER} or {@value DeadLetters#FOUND_BY_REPLAY}
 * @param attempts  how often the projection failed on it on its own (0: refused by the check)
 */
public record DeadLetter(String topic, int partition, long offset, Instant producedAt, String key,
                         Map<String, String> headers, String payload, Refusal refusal, String foundBy, int attempts) {

    public static DeadLetter of(ConsumerRecord<String, String> record, Refusal refusal, String foundBy, int attempts) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        Instant producedAt = record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE || record.timestamp() < 0 ? null
                : Instant.ofEpochMilli(record.timestamp());
        return new DeadLetter(record.topic(), record.partition(), record.offset(), producedAt, record.key(),
                Collections.unmodifiableMap(headers), record.value(), refusal, foundBy, attempts);
    }
}
