package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.HttpLoad;
import dev.l2r.bench.harness.RawLimits;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.infra.ServiceProcess;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;

/**
 * Single-transition REST intake: each request is one database transaction (lead, transition, outbox row), so the
 * raw limits are pgbench's one-row-write transactions and Kafka's producer perf test with the relay's settings.
 */
public final class IntakeSingle implements Scenario {

    private static final int CONCURRENCY = 8;

    @Override
    public String name() {
        return "intake-single";
    }

    @Override
    public String description() {
        return "POST /api/leads/{id}/transitions throughput and latency at concurrency " + CONCURRENCY
                + ", vs pgbench simple-update and Kafka producer-perf-test";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        ServiceProcess lead = context.service("lead-service");
        int requests = context.size(20_000, 1_000);
        HttpLoad load = new HttpLoad();
        Instant base = Instant.parse("2025-01-01T00:00:00Z");
        // warm-up: JIT, connection pools, topic metadata
        load.run(Math.min(requests, 2_000), CONCURRENCY, i -> post(lead, "warm-" + i, base.plusSeconds(i)));
        HttpLoad.Result result = load.run(requests, CONCURRENCY, i -> post(lead, "lead-" + i, base.plusSeconds(i)));
        if (result.errors() > 0) {
            throw new IllegalStateException(result.errors() + " failed requests, first: " + result.firstError());
        }

        String bootstrap = context.infra().kafka().bootstrapServers();
        double producer = RawLimits.kafkaProducerRecordsPerSecond(bootstrap, "bench-raw-producer", requests * 5, 450);
        report.addVersus(name(), "throughput", result.perSecond(), "events/s", "Kafka producer-perf-test (acks=all, 450 B)",
                producer, requests + " requests, concurrency " + CONCURRENCY);
        if (RawLimits.hasPgbench()) {
            context.infra().postgres().createDatabaseIfMissing("l2r_bench");
            double tps = RawLimits.pgbenchTps(context.infra().postgres().port(), "l2r_bench", "simple-update",
                    CONCURRENCY, context.quick() ? 5 : 20);
            report.addVersus(name(), "throughput", result.perSecond(), "events/s",
                    "pgbench simple-update, " + CONCURRENCY + " clients", tps, "one DB transaction per event");
        }
        report.add(name(), "latency p50", result.latency().p50Millis(), "ms", "concurrency " + CONCURRENCY);
        report.add(name(), "latency p95", result.latency().p95Millis(), "ms", "concurrency " + CONCURRENCY);
        report.add(name(), "latency p99", result.latency().p99Millis(), "ms", "concurrency " + CONCURRENCY);
    }

    private static HttpRequest post(ServiceProcess lead, String leadId, Instant at) {
        String body = """
                {"toStage":"MQL","occurredAt":"%s","source":"bench","amount":1000,"currency":"USD",
                 "attributes":{"channel":"paid_search","segment":"smb","owner":"alice"}}""".formatted(at);
        return BenchContext.request(URI.create(lead.baseUrl() + "/api/leads/" + leadId + "/transitions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
