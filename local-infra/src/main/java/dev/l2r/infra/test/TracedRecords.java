package dev.l2r.infra.test;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Records published as lead-service's relay publishes them, each with a W3C traceparent header of the test's own. */
public final class TracedRecords {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TracedRecords() {
    }

    /** A record and the remote span it names as its parent (trace id 32 hex digits, span id 16). */
    public record Traced(String key, String value, String traceId, String spanId) {

        public Traced(String key, String value) {
            this(key, value, hex(16), hex(8));
        }

        public String traceparent() {
            return "00-" + traceId + "-" + spanId + "-01";
        }
    }

    public static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static void publish(String bootstrapServers, String topic, List<Traced> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers),
                new StringSerializer(), new StringSerializer())) {
            for (Traced t : records) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, t.key(), t.value());
                record.headers().add("traceparent", t.traceparent().getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
    }
}
