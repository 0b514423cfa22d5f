package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.RawLimits;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.infra.ServiceProcess;

import java.io.BufferedWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Bulk intake: batches of 10,000 transitions ({@code POST /api/transitions}) and a generated CSV import of
 * 1,000,000 rows ({@code POST /api/imports}) into lead-service started with {@code -Xmx512m}; the service's heap is
 * sampled from {@code /q/metrics} during the import, and the outbox relay is timed until it has published
 * everything. Raw limit: Kafka's producer perf test on the same broker (each recorded row becomes one event).
 */
public final class IntakeBulk implements Scenario {

    private static final Pattern HEAP_USED = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E+]+)");
    private static final Pattern PUBLISHED = Pattern.compile("l2r_outbox_published_total ([0-9.E+]+)");
    private static final Pattern BACKLOG = Pattern.compile("l2r_outbox_backlog ([0-9.E+]+)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    public String name() {
        return "intake-bulk";
    }

    @Override
    public String description() {
        return "POST /api/transitions (10,000 per request) and a 1,000,000-row CSV import under -Xmx512m, with "
                + "the outbox relay's catch-up, vs Kafka producer-perf-test";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        ServiceProcess lead = context.service("lead-service");
        Instant base = Instant.parse("2024-01-01T00:00:00Z");

        int batches = context.size(10, 2);
        int perBatch = context.size(10_000, 1_000);
        post(lead, "/api/transitions", "application/json", HttpRequest.BodyPublishers.ofString(batch("warm", 0, 1_000, base)));
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            HttpResponse<String> r = post(lead, "/api/transitions", "application/json",
                    HttpRequest.BodyPublishers.ofString(batch("b" + b, b, perBatch, base)));
            if (r.statusCode() != 200 || !r.body().contains("\"accepted\":" + perBatch)) {
                throw new IllegalStateException("batch failed: " + r.statusCode() + " " + r.body());
            }
        }
        double batchRate = batches * (double) perBatch / seconds(start);
        String bootstrap = context.infra().kafka().bootstrapServers();
        double producer = RawLimits.kafkaProducerRecordsPerSecond(bootstrap, "bench-raw-bulk", 200_000, 450);
        report.addVersus(name(), "batch throughput", batchRate, "events/s", "Kafka producer-perf-test (acks=all, 450 B)",
                producer, batches + " requests of " + perBatch + " JSON items");
        awaitOutboxEmpty(lead, Duration.ofMinutes(10));

        int rows = context.size(1_000_000, 20_000);
        Path csv = Files.createTempFile("l2r-bench-import-", ".csv");
        try {
            writeCsv(csv, rows, base);
            long bytes = Files.size(csv);
            double publishedBefore = metric(lead, PUBLISHED);
            AtomicLong maxHeap = new AtomicLong();
            Thread sampler = new Thread(() -> sampleHeap(lead, maxHeap), "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            long importStart = System.nanoTime();
            HttpResponse<String> r = post(lead, "/api/imports?source=bench", "text/csv",
                    HttpRequest.BodyPublishers.ofFile(csv));
            double importSeconds = seconds(importStart);
            if (r.statusCode() != 200 || !r.body().contains("\"accepted\":" + rows)) {
                throw new IllegalStateException("import failed: " + r.statusCode() + " " + r.body());
            }
            Duration drained = awaitOutboxEmpty(lead, Duration.ofMinutes(30));
            sampler.interrupt();
            double relaySeconds = seconds(importStart);
            double published = metric(lead, PUBLISHED) - publishedBefore;
            report.addVersus(name(), "CSV import throughput", rows / importSeconds, "rows/s",
                    "Kafka producer-perf-test (acks=all, 450 B)", producer,
                    rows + " rows, " + bytes / 1_000_000 + " MB, chunks of 1000, " + String.format("%.1f s", importSeconds));
            report.addVersus(name(), "outbox relay (import until all published)", published / relaySeconds, "events/s",
                    "Kafka producer-perf-test (acks=all, 450 B)", producer,
                    String.format("%.0f events; relay finished %.1f s after the import answered", published,
                            drained.toMillis() / 1000.0));
            report.add(name(), "max heap used during import", maxHeap.get() / 1_048_576.0, "MiB",
                    "-Xmx512m; sampled every 250 ms from /q/metrics (jvm_memory_used_bytes, area=heap, summed over pools)");
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    private static String batch(String prefix, int b, int n, Instant base) {
        return IntStream.range(0, n).mapToObj(i -> """
                {"leadId":"%s-%d","toStage":"%s","occurredAt":"%s","source":"bench","sourceEventId":"%s-%d-%d",\
                "attributes":{"channel":"paid_search"}}""".formatted(prefix, i / 2, i % 2 == 0 ? "MQL" : "SQL",
                base.plusSeconds(b * 100_000L + i), prefix, b, i)).collect(Collectors.joining(",", "[", "]"));
    }

    /** Two rows per lead (MQL, then OPPORTUNITY or CLOSED_WON with an amount), rows of one lead adjacent. */
    private static void writeCsv(Path file, int rows, Instant base) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("lead_id,stage,occurred_at,amount,currency,channel,segment,owner,source_event_id\n");
            for (int i = 0; i < rows; i++) {
                int lead = i / 2;
                boolean first = i % 2 == 0;
                String stage = first ? "MQL" : (lead % 3 == 0 ? "CLOSED_WON" : "OPPORTUNITY");
                out.write("csv-" + lead + "," + stage + "," + base.plusSeconds(i * 30L) + ","
                        + (first ? "," : "1250.00,EUR") + ",organic,smb,owner-" + (lead % 20) + ",r" + i + "\n");
            }
        }
    }

    private HttpResponse<String> post(ServiceProcess lead, String path, String type, HttpRequest.BodyPublisher body)
            throws Exception {
        return http.send(BenchContext.request(URI.create(lead.baseUrl() + path)).timeout(Duration.ofMinutes(30))
                .header("Content-Type", type).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void sampleHeap(ServiceProcess lead, AtomicLong max) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String metrics = metrics(lead);
                Matcher m = HEAP_USED.matcher(metrics);
                double used = 0;
                while (m.find()) {
                    used += Double.parseDouble(m.group(1));
                }
                max.accumulateAndGet((long) used, Math::max);
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a missed sample; the next one counts
            }
        }
    }

    private Duration awaitOutboxEmpty(ServiceProcess lead, Duration timeout) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (metric(lead, BACKLOG) == 0) {
                // the gauge refreshes about once a second: make sure it is not a stale zero
                Thread.sleep(1_500);
                if (metric(lead, BACKLOG) == 0) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the outbox was not empty after " + timeout);
    }

    private double metric(ServiceProcess lead, Pattern pattern) throws Exception {
        Matcher m = pattern.matcher(metrics(lead));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Prometheus text from the management interface, where /q/metrics is served. */
    private String metrics(ServiceProcess lead) throws Exception {
        return http.send(BenchContext.request(URI.create(lead.managementUrl() + "/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
