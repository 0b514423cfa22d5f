package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.HttpLoad;
import dev.l2r.bench.harness.LatencyStats;
import dev.l2r.bench.harness.RawLimits;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * funnel-service with a million synthetic leads (about 4.3 million events, published straight to the topic, not
 * through lead-service): the live consumer's and the rebuild's rates beside a bare KafkaConsumer on the same
 * topic, and the latency of GET /api/funnel and GET /api/funnel/conversion (MQL→CLOSED_WON by channel) over
 * random 12-month windows beside the plain SQL over the raw transitions a newcomer would write; last, how fast a
 * backfill of a quarter as many leads again is caught up (by live batches or a replay, as the service decides).
 */
public final class FunnelQueries implements Scenario {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public String name() {
        return "funnel-queries";
    }

    @Override
    public String description() {
        return "1M synthetic leads in funnel-service: live and rebuild rates vs a bare consumer; /api/funnel and "
                + "/api/funnel/conversion p95 vs the newcomer SQL";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        int leads = context.size(1_000_000, 20_000);
        String bootstrap = context.infra().kafka().bootstrapServers();
        String jdbc = context.infra().postgres().jdbcUrl("l2r_funnel");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(LeadStageChanged.TOPIC, 6, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get();
        }
        long events = publish(bootstrap, jdbc, leads);
        double bare = bareConsumerRate(bootstrap, events);

        // this dataset's cells take about 160 MB while a rebuild sums them: allowed, so the rebuild keeps them in memory
        Map<String, String> env = Map.of("L2R_REBUILD_CELL_MEMORY", "256MB");
        // first the live batches alone (no catch-up by replay), as they would apply a backlog too small to replay
        Map<String, String> liveOnly = new HashMap<>(env);
        liveOnly.put("L2R_CATCH_UP_REPLAY", "false");
        ServiceProcess funnel = context.service("funnel-service", List.of("-Xmx512m"), liveOnly);
        double first = counter(funnel, "l2r_consumer_events_applied_total");
        long t0 = System.nanoTime();
        Thread.sleep(context.quick() ? 10_000 : 60_000);
        double live = (counter(funnel, "l2r_consumer_events_applied_total") - first) / ((System.nanoTime() - t0) / 1e9);
        report.addVersus(name(), "live consumer, catching up", live, "events/s", "bare KafkaConsumer", bare,
                leads + " leads, " + events + " events; one transaction per poll; catch-up by replay off");
        context.stop("funnel-service");
        long behind = events - committed(bootstrap);

        // then as deployed: the consumer, far behind, has the topic replayed, and passes over what was replayed
        Map<String, String> deployed = new HashMap<>(env);
        if (context.quick()) {
            deployed.put("L2R_CATCH_UP_MIN_LAG", "10000"); // the quick dataset is below the default
        }
        long c0 = System.nanoTime();
        funnel = context.service("funnel-service", List.of("-Xmx512m"), deployed);
        // the restarted consumer counts every record from its committed offsets once: applied, already seen, or replayed
        while (seen(funnel) < behind || get(funnel, "/api/admin/rebuild").contains("RUNNING")) {
            Thread.sleep(1_000);
        }
        double catchUp = behind / ((System.nanoTime() - c0) / 1e9);
        String replay = get(funnel, "/api/admin/rebuild");
        if (!RebuildReason.startedToCatchUp(replay)) {
            throw new IllegalStateException("the consumer did not catch up by replay: " + replay);
        }
        report.addVersus(name(), "consumer catching up by replay", catchUp, "events/s", "bare KafkaConsumer", bare,
                behind + " events behind; from the service's start until every record was "
                        + "applied or passed over (replay started by the consumer)");

        long r0 = System.nanoTime();
        send(funnel, BenchContext.request(URI.create(funnel.baseUrl() + "/api/admin/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        while (get(funnel, "/api/admin/rebuild").contains("RUNNING")) {
            Thread.sleep(1_000);
        }
        double rebuild = events / ((System.nanoTime() - r0) / 1e9);
        String status = get(funnel, "/api/admin/rebuild");
        if (!status.contains("DONE")) {
            throw new IllegalStateException("rebuild failed: " + status);
        }
        report.addVersus(name(), "rebuild from offset zero", rebuild, "events/s", "bare KafkaConsumer", bare,
                events + " events into shadow tables, swapped in");
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
        }

        int requests = context.size(200, 40);
        LatencyStats floor = sequential(funnel, requests, i -> "/q/health/live");
        Random random = new Random(7);
        LatencyStats funnelLatency = sequential(funnel, requests, i -> "/api/funnel?" + window(random));
        LatencyStats conversionLatency = sequential(funnel, requests,
                i -> "/api/funnel/conversion?fromStage=MQL&toStage=CLOSED_WON&groupBy=channel&" + window(random));
        // a pair the cells do not keep: counted and ranked from the per-lead rows (no target; watched for regressions)
        LatencyStats otherPairLatency = sequential(funnel, requests / 4,
                i -> "/api/funnel/conversion?fromStage=MQL&toStage=OPPORTUNITY&" + window(random));
        double sqlFunnel = newcomerMedianMillis(jdbc, NEWCOMER_FUNNEL);
        double sqlConversion = newcomerMedianMillis(jdbc, NEWCOMER_CONVERSION);
        report.addVersus(name(), "GET /api/funnel p95", funnelLatency.p95Millis(), "ms", "newcomer SQL median",
                sqlFunnel, requests + " sequential, random 12-month windows; p50 " + round(funnelLatency.p50Millis())
                        + " ms; HTTP floor p95 " + round(floor.p95Millis()) + " ms; target < 100 ms");
        report.addVersus(name(), "GET /api/funnel/conversion by channel p95", conversionLatency.p95Millis(), "ms",
                "newcomer SQL median", sqlConversion, requests + " sequential; p50 " + round(conversionLatency.p50Millis())
                        + " ms; target < 100 ms");
        report.add(name(), "GET /api/funnel/conversion MQL→OPPORTUNITY p95", otherPairLatency.p95Millis(), "ms",
                requests / 4 + " sequential; p50 " + round(otherPairLatency.p50Millis())
                        + " ms; a pair the cells do not keep, read from the per-lead rows");
        if (RawLimits.hasPgbench()) {
            double tps = RawLimits.pgbenchTps(context.infra().postgres().port(), "l2r_forecast", "select-only", 1, 10);
            report.addVersus(name(), "GET /api/funnel p95", funnelLatency.p95Millis(), "ms",
                    "pgbench select-only latency", 1000.0 / tps, "one client");
        }

        // last, a mid-size backfill onto the loaded topic: the consumer measures its own rate and, with the last
        // rebuild's, replays the topic only if that is faster (docs/DECISIONS.md)
        int backfillLeads = leads / 4;
        double seenBefore = seen(funnel);
        long b0 = System.nanoTime();
        long backfill = publishBackfill(bootstrap, leads, backfillLeads);
        while (seen(funnel) - seenBefore < backfill || get(funnel, "/api/admin/rebuild").contains("RUNNING")) {
            Thread.sleep(1_000);
        }
        double backfillRate = backfill / ((System.nanoTime() - b0) / 1e9);
        // the explicit rebuild above was "requested over the API": a catch-up since says "catching up"
        boolean replayed = RebuildReason.startedToCatchUp(get(funnel, "/api/admin/rebuild"));
        double measured = counter(funnel, "l2r_funnel_consumer_catch_up_rate"); // 0 while NaN: not measured
        report.addVersus(name(), "backfill caught up (" + (replayed ? "replayed" : "live batches") + ")", backfillRate,
                "events/s", "bare KafkaConsumer", bare, backfillLeads + " more leads, " + backfill + " events onto "
                        + events + "; from the first published until all applied or passed over; the consumer's "
                        + "measured rate " + (measured > 0 ? round(measured) + " events/s" : "not measured")
                        + "; live batches above " + round(live) + " events/s");
    }

    /** Publishes more leads (numbered after the first ones), as a backfill would: not copied for the newcomer SQL. */
    private static long publishBackfill(String bootstrap, int first, int leads) {
        SyntheticLeads generator = new SyntheticLeads(43);
        long count = 0;
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = first; i < first + leads; i++) {
                for (LeadStageChanged e : generator.next(i)) {
                    producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e)));
                    count++;
                }
            }
        }
        return count;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "linger.ms", 20, "batch.size", 262_144,
                "acks", "all"), new StringSerializer(), new StringSerializer());
    }

    /** Records below the funnel consumer group's committed offsets, summed over partitions. */
    private static long committed(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.listConsumerGroupOffsets("funnel-service").partitionsToOffsetAndMetadata().get().values()
                    .stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
        }
    }

    /** Records the running consumer has applied, found already applied, or passed over as replayed. */
    private static double seen(ServiceProcess funnel) throws Exception {
        return counter(funnel, "l2r_consumer_events_applied_total") + counter(funnel, "l2r_consumer_events_duplicate_total")
                + counter(funnel, "l2r_consumer_events_passed_over_total");
    }

    /** Publishes every lead's events and copies them, as raw transitions, into a table for the newcomer SQL. */
    private static long publish(String bootstrap, String jdbc, int leads) throws Exception {
        SyntheticLeads generator = new SyntheticLeads(42);
        long count = 0;
        try (KafkaProducer<String, String> producer = producer(bootstrap);
             Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
            try (Statement s = c.createStatement()) {
                // a schema of its own: the service's migrations own the public schema
                s.execute("CREATE SCHEMA bench");
                s.execute("CREATE TABLE bench.raw_transition (lead_id text, stage text, occurred_at timestamptz, "
                        + "channel text, segment text, owner text)");
            }
            StringBuilder copy = new StringBuilder();
            for (int i = 0; i < leads; i++) {
                for (LeadStageChanged e : generator.next(i)) {
                    producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e)));
                    LeadAttributes a = e.attributes();
                    copy.append(e.leadId()).append('\t').append(e.toStage()).append('\t').append(e.occurredAt())
                            .append('\t').append(nullable(a.channel())).append('\t').append(nullable(a.segment()))
                            .append('\t').append(nullable(a.owner())).append('\n');
                    count++;
                }
                if (copy.length() > 8_000_000) {
                    copyRaw(c, copy);
                }
            }
            copyRaw(c, copy);
            producer.flush();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX ON bench.raw_transition (stage, lead_id, occurred_at)");
                s.execute("CREATE INDEX ON bench.raw_transition (lead_id, occurred_at)");
                s.execute("ANALYZE bench.raw_transition");
            }
        }
        return count;
    }

    /** A consumer that reads the whole topic and does nothing else: the ceiling for any replay. */
    private static double bareConsumerRate(String bootstrap, long events) {
        long start = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "max.poll.records", 5000, "fetch.max.bytes", 64 * 1024 * 1024), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(LeadStageChanged.TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < events) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return read / ((System.nanoTime() - start) / 1e9);
    }

    /** What a newcomer writes: first entries by min(occurred_at) over the raw transitions, joined to the next stage. */
    static final String NEWCOMER_FUNNEL = """
            WITH first_entry AS (
                SELECT lead_id, stage, min(occurred_at) AS t FROM bench.raw_transition GROUP BY lead_id, stage),
            next_stage(stage, next) AS (VALUES ('ANONYMOUS','KNOWN'), ('KNOWN','ENGAGED'), ('ENGAGED','MQL'),
                ('MQL','SAL'), ('SAL','SQL'), ('SQL','OPPORTUNITY'), ('OPPORTUNITY','CLOSED_WON'))
            SELECT a.stage, count(*) AS entered, count(b.t) AS reached_next, count(w.t) AS reached_won,
                   avg(extract(epoch FROM b.t - a.t)) / 86400 AS mean_days,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY b.t - a.t) AS median,
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY b.t - a.t) AS p90
            FROM first_entry a
            LEFT JOIN next_stage n ON n.stage = a.stage
            LEFT JOIN first_entry b ON b.lead_id = a.lead_id AND b.stage = n.next AND b.t >= a.t
            LEFT JOIN first_entry w ON w.lead_id = a.lead_id AND w.stage = 'CLOSED_WON' AND w.t >= a.t
            WHERE a.t >= ? AND a.t < ?
            GROUP BY a.stage""";

    static final String NEWCOMER_CONVERSION = """
            WITH mql AS (SELECT lead_id, min(occurred_at) AS t FROM bench.raw_transition WHERE stage = 'MQL' GROUP BY lead_id),
                 won AS (SELECT lead_id, min(occurred_at) AS t FROM bench.raw_transition WHERE stage = 'CLOSED_WON' GROUP BY lead_id),
                 channel AS (SELECT DISTINCT ON (lead_id) lead_id, channel FROM bench.raw_transition
                             WHERE channel IS NOT NULL ORDER BY lead_id, occurred_at)
            SELECT c.channel, count(*) AS cohort, count(w.t) AS converted,
                   avg(extract(epoch FROM w.t - m.t)) / 86400 AS mean_days,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY w.t - m.t) AS median,
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY w.t - m.t) AS p90
            FROM mql m LEFT JOIN won w ON w.lead_id = m.lead_id AND w.t >= m.t
            LEFT JOIN channel c ON c.lead_id = m.lead_id
            WHERE m.t >= ? AND m.t < ?
            GROUP BY c.channel""";

    private static double newcomerMedianMillis(String jdbc, String sql) throws Exception {
        Random random = new Random(11);
        double[] ms = new double[3];
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ms.length; i++) {
                LocalDate from = randomStart(random);
                ps.setTimestamp(1, Timestamp.from(from.atStartOfDay(ZoneOffset.UTC).toInstant()));
                ps.setTimestamp(2, Timestamp.from(from.plusMonths(12).atStartOfDay(ZoneOffset.UTC).toInstant()));
                long start = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[1];
    }

    private static LatencyStats sequential(ServiceProcess service, int count, java.util.function.IntFunction<String> path)
            throws Exception {
        HttpLoad.Result result = new HttpLoad().run(count, 1,
                i -> BenchContext.request(URI.create(service.baseUrl() + path.apply(i))).GET().build());
        if (result.errors() > 0) {
            throw new IllegalStateException(result.errors() + " failed requests: " + result.firstError());
        }
        return result.latency();
    }

    private static String window(Random random) {
        LocalDate from = randomStart(random);
        return "from=" + from + "&to=" + from.plusMonths(12).minusDays(1);
    }

    private static LocalDate randomStart(Random random) {
        return LocalDate.of(2022, 1, 1).plusDays(random.nextInt(365 * 2));
    }

    private static double counter(ServiceProcess service, String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.E+]+)")
                .matcher(get(service.managementUrl(), "/q/metrics"));
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    private static String get(ServiceProcess service, String path) throws Exception {
        return get(service.baseUrl(), path);
    }

    /** @param base the service's HTTP or (for /q/metrics) management address */
    private static String get(String base, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(BenchContext.request(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static HttpResponse<String> send(ServiceProcess service, HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void copyRaw(Connection c, StringBuilder rows) throws Exception {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench.raw_transition FROM STDIN", new StringReader(rows.toString()));
        rows.setLength(0);
    }

    private static String nullable(String v) {
        return v == null ? "\\N" : v;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
