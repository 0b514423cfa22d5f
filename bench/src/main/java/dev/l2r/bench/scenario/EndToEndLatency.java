package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.LatencyStats;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.infra.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How long a stage change takes from the 201 of lead-service until funnel-service counts it, against the raw
 * produce-to-consume latency of the same broker.
 */
public final class EndToEndLatency implements Scenario {

    @Override
    public String name() {
        return "end-to-end-latency";
    }

    @Override
    public String description() {
        return "POST to lead-service → counted by GET /api/funnel, vs Kafka produce→consume latency";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        ServiceProcess lead = context.service("lead-service");
        ServiceProcess funnel = context.service("funnel-service");
        int samples = context.size(200, 20);
        HttpClient http = HttpClient.newHttpClient();
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            // one day per sample so each is counted in a window of its own
            String day = java.time.LocalDate.parse("2020-01-01").plusDays(i).toString();
            String body = "{\"toStage\":\"SQL\",\"occurredAt\":\"" + day + "T12:00:00Z\",\"source\":\"bench\"}";
            long t0 = System.nanoTime();
            HttpResponse<String> created = http.send(BenchContext.request(
                            URI.create(lead.baseUrl() + "/api/leads/e2e-" + i + "/transitions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new IllegalStateException("intake refused: " + created.body());
            }
            HttpRequest query = BenchContext.request(URI.create(funnel.baseUrl() + "/api/funnel?from=" + day
                    + "&to=" + day)).build();
            while (!http.send(query, HttpResponse.BodyHandlers.ofString()).body()
                    .contains("\"stage\":\"SQL\",\"entered\":1")) {
                if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                    throw new IllegalStateException("not counted within 30 s: sample " + i);
                }
                Thread.sleep(2);
            }
            nanos[i] = System.nanoTime() - t0;
        }
        LatencyStats l2r = LatencyStats.ofNanos(nanos);
        LatencyStats raw = rawRoundTrip(context.infra().kafka().bootstrapServers(), samples);
        report.addVersus(name(), "latency p50", l2r.p50Millis(), "ms", "Kafka produce→consume p50", raw.p50Millis(),
                samples + " sequential changes; poll interval of the outbox relay included");
        report.addVersus(name(), "latency p95", l2r.p95Millis(), "ms", "Kafka produce→consume p95", raw.p95Millis(),
                samples + " sequential changes");
    }

    private static LatencyStats rawRoundTrip(String bootstrap, int samples) {
        String topic = "bench-roundtrip";
        long[] nanos = new long[samples];
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "enable.idempotence", true), new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                     "group.id", "bench-roundtrip", "auto.offset.reset", "latest"), new StringDeserializer(),
                     new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            producer.send(new ProducerRecord<>(topic, "warm", "warm")).get();
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            // seekToEnd is lazy: resolve it now, or it would skip the first sample sent below
            consumer.assignment().forEach(consumer::position);
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "k", String.valueOf(i))).get();
                ConsumerRecords<String, String> got;
                do {
                    got = consumer.poll(Duration.ofMillis(100));
                } while (got.isEmpty());
                nanos[i] = System.nanoTime() - t0;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return LatencyStats.ofNanos(nanos);
    }
}
