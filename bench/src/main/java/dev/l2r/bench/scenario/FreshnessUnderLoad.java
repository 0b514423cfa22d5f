package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.LatencyStats;
import dev.l2r.bench.harness.OpenLoopPlan;
import dev.l2r.bench.harness.OpenLoopPlan.Kind;
import dev.l2r.bench.harness.OpenLoopPlan.Send;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.infra.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Freshness under load (issue 17): an open-loop stream of stage changes through lead-service — single REST
 * transitions and signed HubSpot webhook deliveries of 10, each sent at its fixed time whatever the answers before
 * it — and, for sampled changes, the time from their acceptance (the 201/200 answer) until they are visible in
 * {@code GET /api/funnel} and in {@code GET /api/forecast/leads}, against Kafka's own produce→consume latency
 * measured on the same broker at the same time.
 *
 * <p>How visibility is seen without the watching changing the load: a sample is a lead's move to OPPORTUNITY on
 * a day of its own (no other event falls on those days), so a one-day {@code GET /api/funnel} shows it as
 * {@code entered: 1}: a cheap query, repeated every {@value #FUNNEL_POLL_MS} ms per sample still unseen (about 4
 * samples a second). The forecast's lead list recomputes the model over the whole history on every request, so it
 * is asked by one watcher only, one request at a time (at most every {@value #FORECAST_POLL_MS} ms), with
 * {@code stage=OPPORTUNITY}: the load never moves a lead there, so the answer is exactly the samples visible at that
 * moment. A sample is visible at the latest by the answer that first lists it (the figure reported) and not before
 * the request before that one began (the lower bound, also reported).
 */
public final class FreshnessUnderLoad implements Scenario {

    static final String HUBSPOT_SECRET = "bench-hubspot-secret";
    static final int FUNNEL_POLL_MS = 20;
    static final int FORECAST_POLL_MS = 100;
    static final int DELIVERY_SIZE = 10;
    static final double SINGLE_SHARE = 0.3;
    static final int SAMPLE_PERIOD_MS = 250;
    /**
     * Connections to lead-service at most, as a pool of clients would hold: a send due while all are busy waits
     * for one, and its wait counts in the latency (the time is the send's scheduled one). Without a bound, a server
     * falling behind made the client open thousands of connections until connecting timed out.
     */
    static final int CONNECTIONS = 64;
    private static final Pattern LEAD_ID = Pattern.compile("\"leadId\":\"([^\"]+)\"");
    private static final Instant BULK_START = Instant.parse("2016-01-01T00:00:00Z");

    @Override
    public String name() {
        return "freshness-under-load";
    }

    @Override
    public String description() {
        return "open loop, 1,000 events/s for 2 minutes (REST and HubSpot webhooks): accepted → visible in "
                + "GET /api/funnel and GET /api/forecast/leads, p50/p99, vs Kafka produce→consume in the same run";
    }

    /** One sampled change: its lead, its day, and when it was accepted and seen. */
    static final class Sample {
        final int number;
        final String leadId;
        final LocalDate day;
        volatile long acceptedAt;
        volatile long funnelSeen;
        volatile long funnelNotBefore;
        volatile long forecastSeen;
        volatile long forecastNotBefore;

        Sample(int number, String leadId, LocalDate day) {
            this.number = number;
            this.leadId = leadId;
            this.day = day;
        }
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        // BENCH_FRESHNESS_RATE: another rate (events/s), to find the one the target holds at
        int rate = context.size(Integer.parseInt(System.getenv().getOrDefault("BENCH_FRESHNESS_RATE", "1000")), 200);
        int seconds = context.size(120, 20);
        ServiceProcess lead = context.service("lead-service", List.of("-Xmx512m"),
                Map.of("L2R_WEBHOOKS_HUBSPOT_SECRET", HUBSPOT_SECRET));
        ServiceProcess funnel = context.service("funnel-service");
        ServiceProcess forecast = context.service("forecast-service");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        // warm-up: the same load for 10 s without samples (JIT, connections, consumer assignment)
        Stream warm = new Stream(http, lead, "w", OpenLoopPlan.of(rate, 10, SINGLE_SHARE, DELIVERY_SIZE, 1_000_000), null);
        warm.run();
        warm.awaitAnswers(Duration.ofSeconds(600));

        List<Send> plan = OpenLoopPlan.of(rate, seconds, SINGLE_SHARE, DELIVERY_SIZE, SAMPLE_PERIOD_MS);
        int sampleCount = (int) plan.stream().filter(s -> s.sample() >= 0).count();
        List<Sample> samples = new ArrayList<>();
        LocalDate lastSampleDay = LocalDate.now(ZoneOffset.UTC).minusDays(2);
        for (int k = 0; k < sampleCount; k++) {
            String leadId = k % 2 == 0 ? "fresh-" + k : "hubspot:" + (9_000_000 + k);
            samples.add(new Sample(k, leadId, lastSampleDay.minusDays(k)));
        }

        RawRoundTrip raw = new RawRoundTrip(context.infra().kafka().bootstrapServers());
        FunnelWatch funnelWatch = new FunnelWatch(http, funnel);
        ForecastWatch forecastWatch = new ForecastWatch(http, forecast, samples);
        raw.start();
        forecastWatch.start();
        Stream stream = new Stream(http, lead, "m", plan, sample -> {
            funnelWatch.watch(sample);
        });
        stream.samples = samples;
        System.out.printf("  sending %d events in %d requests over %d s%n",
                plan.stream().mapToInt(Send::events).sum(), plan.size(), seconds);
        long lag = stream.run();
        stream.awaitAnswers(Duration.ofSeconds(900));
        raw.stop();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (samples.stream().anyMatch(s -> s.acceptedAt != 0 && (s.funnelSeen == 0 || s.forecastSeen == 0))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        forecastWatch.stop();
        funnelWatch.stop();

        if (stream.errors.get() > 0) {
            throw new IllegalStateException(stream.errors.get() + " requests refused or failed, first: " + stream.firstError);
        }
        long unseen = samples.stream().filter(s -> s.funnelSeen == 0 || s.forecastSeen == 0).count();
        if (unseen > 0) {
            throw new IllegalStateException(unseen + " samples not visible within 120 s of the end");
        }
        LatencyStats funnelSeen = stats(samples, s -> s.funnelSeen - s.acceptedAt);
        LatencyStats funnelFloor = stats(samples, s -> Math.max(0, s.funnelNotBefore - s.acceptedAt));
        LatencyStats forecastSeen = stats(samples, s -> s.forecastSeen - s.acceptedAt);
        LatencyStats forecastFloor = stats(samples, s -> Math.max(0, s.forecastNotBefore - s.acceptedAt));
        LatencyStats kafka = raw.stats();
        LatencyStats answers = LatencyStats.ofNanos(stream.answerNanos.stream().mapToLong(Long::longValue).toArray());
        LatencyStats forecastQuery = LatencyStats.ofNanos(forecastWatch.durations.stream().mapToLong(Long::longValue).toArray());
        int events = plan.stream().mapToInt(Send::events).sum();
        String conditions = events + " events in " + seconds + " s (" + (int) (SINGLE_SHARE * 100)
                + "% REST singles, the rest HubSpot deliveries of " + DELIVERY_SIZE + "), " + samples.size() + " samples";

        double sendSeconds = (stream.lastAnswer.get() - stream.firstSend) / 1e9;
        report.add(name(), "events accepted", events / sendSeconds, "events/s", conditions
                + "; all answered " + fmt(sendSeconds * 1000) + " ms after the first send"
                + "; " + plan.size() + " requests; sender behind schedule by at most " + lag / 1_000_000 + " ms");
        report.add(name(), "intake answer p50", answers.p50Millis(), "ms", "from the scheduled send to the answer");
        report.add(name(), "intake answer p99", answers.p99Millis(), "ms", "from the scheduled send to the answer");
        report.addVersus(name(), "accepted → GET /api/funnel p50", funnelSeen.p50Millis(), "ms",
                "Kafka produce→consume p50", kafka.p50Millis(), "not before: " + fmt(funnelFloor.p50Millis())
                        + " ms; polled every " + FUNNEL_POLL_MS + " ms");
        report.addVersus(name(), "accepted → GET /api/funnel p99", funnelSeen.p99Millis(), "ms",
                "Kafka produce→consume p99", kafka.p99Millis(), "not before: " + fmt(funnelFloor.p99Millis())
                        + " ms; max " + fmt(funnelSeen.maxMillis()) + " ms; target p99 < 1,000 ms");
        report.addVersus(name(), "accepted → GET /api/forecast/leads p50", forecastSeen.p50Millis(), "ms",
                "Kafka produce→consume p50", kafka.p50Millis(), "not before: " + fmt(forecastFloor.p50Millis())
                        + " ms; the request itself took " + fmt(forecastQuery.p50Millis()) + " ms at p50");
        report.addVersus(name(), "accepted → GET /api/forecast/leads p99", forecastSeen.p99Millis(), "ms",
                "Kafka produce→consume p99", kafka.p99Millis(), "not before: " + fmt(forecastFloor.p99Millis())
                        + " ms; max " + fmt(forecastSeen.maxMillis()) + " ms; request p99 "
                        + fmt(forecastQuery.p99Millis()) + " ms; target p99 < 1,000 ms");
        report.add(name(), "Kafka produce→consume p50", kafka.p50Millis(), "ms", kafka.count()
                + " records, 100/s, acks=all, during the load");
        report.add(name(), "Kafka produce→consume p99", kafka.p99Millis(), "ms", "same records");
    }

    private static String fmt(double millis) {
        return String.format("%.0f", millis);
    }

    private static LatencyStats stats(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
        return LatencyStats.ofNanos(samples.stream().filter(s -> s.acceptedAt != 0).mapToLong(f).toArray());
    }

    /**
     * Sends the plan at its times over at most {@value #CONNECTIONS} connections; records each answer's delay from
     * the scheduled time and when each sample was accepted.
     */
    static final class Stream {
        final HttpClient http;
        final ServiceProcess lead;
        final String prefix;
        final List<Send> plan;
        final java.util.function.Consumer<Sample> accepted;
        List<Sample> samples;
        final ConcurrentLinkedQueue<Long> answerNanos = new ConcurrentLinkedQueue<>();
        final AtomicInteger errors = new AtomicInteger();
        volatile String firstError;
        final CountDownLatch answered;
        final java.util.concurrent.ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);

        Stream(HttpClient http, ServiceProcess lead, String prefix, List<Send> plan,
               java.util.function.Consumer<Sample> accepted) {
            this.http = http;
            this.lead = lead;
            this.prefix = prefix;
            this.plan = plan;
            this.accepted = accepted;
            this.answered = new CountDownLatch(plan.size());
        }

        volatile long firstSend;
        final AtomicLong lastAnswer = new AtomicLong();

        /** Sends everything; returns how far behind its schedule the sender fell at worst, in nanoseconds. */
        long run() {
            long start = System.nanoTime();
            firstSend = start;
            long worst = 0;
            for (Send send : plan) {
                long due = start + send.atNanos();
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                worst = Math.max(worst, System.nanoTime() - due);
                Sample sample = send.sample() >= 0 && samples != null ? samples.get(send.sample()) : null;
                HttpRequest request = send.kind() == Kind.SINGLE ? single(send, sample) : delivery(send, sample);
                senders.execute(() -> {
                    HttpResponse<String> response = null;
                    Exception failure = null;
                    try {
                        response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (Exception e) {
                        failure = e;
                    }
                    long now = System.nanoTime();
                    lastAnswer.accumulateAndGet(now, Math::max);
                    answerNanos.add(now - due);
                    int expected = send.kind() == Kind.SINGLE ? 201 : 200;
                    if (failure != null || response.statusCode() != expected) {
                        if (errors.getAndIncrement() == 0) {
                            firstError = failure != null ? failure.toString()
                                    : response.statusCode() + " " + response.body();
                        }
                    } else if (sample != null) {
                        sample.acceptedAt = now;
                        accepted.accept(sample);
                    }
                    answered.countDown();
                });
            }
            senders.shutdown();
            return worst;
        }

        void awaitAnswers(Duration timeout) throws InterruptedException {
            if (!answered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(answered.getCount() + " requests unanswered after " + timeout);
            }
        }

        private HttpRequest single(Send send, Sample sample) {
            String leadId;
            String body;
            if (sample != null) {
                leadId = sample.leadId;
                body = """
                        {"toStage":"OPPORTUNITY","occurredAt":"%sT12:00:00Z","source":"bench","amount":50000,"currency":"EUR"}"""
                        .formatted(sample.day);
            } else {
                // three moves per lead (MQL, SAL, SQL), an hour apart, on days of their own years
                int i = send.index();
                leadId = prefix + "-" + i / 3;
                Instant at = BULK_START.plus(Duration.ofDays((i / 3) % 700)).plus(Duration.ofHours(i % 3));
                body = """
                        {"toStage":"%s","occurredAt":"%s","source":"bench","attributes":{"channel":"paid_search"}}"""
                        .formatted(List.of("MQL", "SAL", "SQL").get(i % 3), at);
            }
            return BenchContext.request(URI.create(lead.baseUrl() + "/api/leads/" + leadId + "/transitions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }

        private HttpRequest delivery(Send send, Sample sample) {
            StringBuilder body = new StringBuilder("[");
            for (int j = 0; j < send.events(); j++) {
                if (j > 0) {
                    body.append(',');
                }
                if (sample != null && j == send.events() - 1) {
                    body.append(hubspotEvent(Long.parseLong(sample.leadId.substring("hubspot:".length())),
                            "opportunity", sample.day.atTime(12, 0).toInstant(ZoneOffset.UTC), send.index()));
                    continue;
                }
                long n = (long) send.index() * send.events() + j;
                long object = (prefix.equals("w") ? 5_000_000L : 1_000_000L) + n / 3;
                Instant at = BULK_START.plus(Duration.ofDays(750 + (n / 3) % 700)).plus(Duration.ofHours(n % 3));
                body.append(hubspotEvent(object, List.of("lead", "marketingqualifiedlead", "salesqualifiedlead")
                        .get((int) (n % 3)), at, send.index()));
            }
            String json = body.append(']').toString();
            return HttpRequest.newBuilder(URI.create(lead.baseUrl() + "/api/webhooks/hubspot"))
                    .header("Content-Type", "application/json")
                    .header("X-HubSpot-Signature-Version", "v1")
                    .header("X-HubSpot-Signature", sha256Hex(HUBSPOT_SECRET + json))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        }
    }

    static String hubspotEvent(long objectId, String value, Instant at, int eventId) {
        return "{\"eventId\":" + eventId + ",\"subscriptionId\":1,\"portalId\":62515,\"occurredAt\":" + at.toEpochMilli()
                + ",\"subscriptionType\":\"contact.propertyChange\",\"attemptNumber\":0,\"objectId\":" + objectId
                + ",\"propertyName\":\"lifecyclestage\",\"propertyValue\":\"" + value + "\",\"changeSource\":\"CRM\"}";
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asks GET /api/funnel for each accepted sample's day every few milliseconds until it counts the sample. */
    static final class FunnelWatch {
        final HttpClient http;
        final ServiceProcess funnel;
        final ScheduledExecutorService polls = Executors.newScheduledThreadPool(2);

        FunnelWatch(HttpClient http, ServiceProcess funnel) {
            this.http = http;
            this.funnel = funnel;
        }

        void watch(Sample sample) {
            polls.execute(() -> poll(sample, sample.acceptedAt));
        }

        private void poll(Sample sample, long previousStart) {
            long start = System.nanoTime();
            try {
                String body = http.send(BenchContext.request(URI.create(funnel.baseUrl() + "/api/funnel?from="
                        + sample.day + "&to=" + sample.day)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("\"stage\":\"OPPORTUNITY\",\"entered\":1")) {
                    sample.funnelSeen = System.nanoTime();
                    sample.funnelNotBefore = previousStart;
                    return;
                }
            } catch (Exception e) {
                // a failed poll is retried like an unanswered one
            }
            if (!polls.isShutdown()) {
                polls.schedule(() -> poll(sample, start), FUNNEL_POLL_MS, TimeUnit.MILLISECONDS);
            }
        }

        void stop() {
            polls.shutdownNow();
        }
    }

    /** One request at a time to GET /api/forecast/leads?stage=OPPORTUNITY: every sample it lists is visible. */
    static final class ForecastWatch implements Runnable {
        final HttpClient http;
        final ServiceProcess forecast;
        final Map<String, Sample> byLead = new java.util.concurrent.ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Long> durations = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread = new Thread(this, "forecast-watch");

        ForecastWatch(HttpClient http, ServiceProcess forecast, List<Sample> samples) {
            this.http = http;
            this.forecast = forecast;
            samples.forEach(s -> byLead.put(s.leadId, s));
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
        }

        @Override
        public void run() {
            long previousStart = System.nanoTime();
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    HttpResponse<String> answer = http.send(BenchContext.request(URI.create(forecast.baseUrl()
                                    + "/api/forecast/leads?stage=OPPORTUNITY&limit=100000")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    long end = System.nanoTime();
                    durations.add(end - start);
                    if (answer.statusCode() == 200) {
                        Matcher m = LEAD_ID.matcher(answer.body());
                        while (m.find()) {
                            Sample s = byLead.get(m.group(1));
                            if (s != null && s.acceptedAt != 0 && s.forecastSeen == 0) {
                                s.forecastSeen = end;
                                s.forecastNotBefore = previousStart;
                            }
                        }
                    }
                } catch (Exception e) {
                    // the next request tries again
                }
                previousStart = start;
                long rest = FORECAST_POLL_MS * 1_000_000L - (System.nanoTime() - start);
                if (rest > 0) {
                    LockSupport.parkNanos(rest);
                }
            }
        }
    }

    /** Kafka's own latency while the load runs: a record every 10 ms from a plain producer to a plain consumer. */
    static final class RawRoundTrip {
        final String bootstrap;
        final ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        KafkaProducer<String, String> producer;
        ScheduledExecutorService sender;
        Thread consumer;

        RawRoundTrip(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        void start() throws Exception {
            String topic = "bench-freshness-roundtrip";
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
                    "enable.idempotence", true), new StringSerializer(), new StringSerializer());
            producer.send(new ProducerRecord<>(topic, "warm", "warm")).get();
            CountDownLatch assigned = new CountDownLatch(1);
            consumer = new Thread(() -> {
                try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                        "group.id", "bench-freshness-roundtrip", "auto.offset.reset", "latest"),
                        new StringDeserializer(), new StringDeserializer())) {
                    c.subscribe(List.of(topic));
                    while (c.assignment().isEmpty()) {
                        c.poll(Duration.ofMillis(100));
                    }
                    c.seekToEnd(c.assignment());
                    c.assignment().forEach(c::position);
                    assigned.countDown();
                    while (running.get()) {
                        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                            nanos.add(System.nanoTime() - Long.parseLong(r.value()));
                        }
                    }
                }
            }, "raw-roundtrip");
            consumer.start();
            assigned.await(30, TimeUnit.SECONDS);
            sender = Executors.newSingleThreadScheduledExecutor();
            sender.scheduleAtFixedRate(() -> {
                producer.send(new ProducerRecord<>(topic, "k" + sent.get() % 6, String.valueOf(System.nanoTime())));
                sent.incrementAndGet();
            }, 0, 10, TimeUnit.MILLISECONDS);
        }

        void stop() throws InterruptedException {
            sender.shutdown();
            sender.awaitTermination(5, TimeUnit.SECONDS);
            producer.flush();
            Thread.sleep(1000);
            running.set(false);
            consumer.join(10_000);
            producer.close();
        }

        LatencyStats stats() {
            return LatencyStats.ofNanos(nanos.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
