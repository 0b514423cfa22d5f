package dev.l2r.bench.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The funnel benchmark. Publishes synthetic LeadStageChanged events straight to the topic (as lead-service's
 * relay would), runs the packaged funnel-service as a process, and measures: the live consumer's rate, the
 * rebuild rate, and the latency of GET /api/funnel and GET /api/funnel/conversion (12-month windows, by
 * channel) beside the plain SQL over raw transitions a newcomer would write, and beside raw limits measured in
 * the same run (Kafka's ProducerPerformance, a bare KafkaConsumer, the service's health endpoint, pgbench).
 */
public final class FunnelBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int QUERIES = 200;
    private static final int WARMUP = 20;
    private static final int SQL_RUNS = 3;

    private final Path root;
    private final int leads;
    private final StringBuilder report = new StringBuilder();
    private LocalInfra infra;
    private ServiceProcess funnel;

    private FunnelBench(Path root, int leads) {
        this.root = root;
        this.leads = leads;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int leads = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        new FunnelBench(root, leads).run();
    }

    private void run() throws Exception {
        Path data = Files.createTempDirectory("l2r-bench-funnel-");
        infra = LocalInfra.startPersistent(data, freePort(), freePort());
        try {
            line("# Funnel benchmark: %,d synthetic leads", leads);
            line("");
            line("Machine: %d cores, JVM %s, max heap of the service 512 MB; PostgreSQL and Kafka from local-infra "
                    + "(durable settings, data in %s); started %s.", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), data, Instant.now());
            line("Load on the machine when starting (other engineers' builds share its cores): %s", loadAverage());
            line("");
            createTopic();
            long events = publish();
            rawLimits(events);
            funnel = ServiceProcess.start(root, "funnel-service",
                    ServiceProcess.envFor(infra, "l2r_funnel"), List.of("-Xmx512m"));
            funnel.awaitReady(Duration.ofMinutes(3));
            liveConsumerRate();
            rebuild(events);
            awaitCaughtUp(events);
            queries();
        } finally {
            String out = report.toString();
            Path file = root.resolve("bench/funnel/target/report.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, out);
            if (funnel != null) {
                funnel.stop();
            }
            infra.close();
            deleteTree(data);
        }
    }

    private void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(LeadStageChanged.TOPIC, 6, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get();
        }
    }

    /** Publishes every lead's events and copies them, as raw transitions, into a table for the newcomer SQL. */
    private long publish() throws Exception {
        SyntheticLeads generator = new SyntheticLeads(42);
        long count = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
                "linger.ms", 20, "batch.size", 262_144, "acks", "all"), new StringSerializer(), new StringSerializer());
             Connection c = jdbc()) {
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
        double seconds = (System.nanoTime() - start) / 1e9;
        line("Published %,d events for %,d leads to `%s` (6 partitions) straight to Kafka, not through lead-service, "
                + "and loaded the same transitions into a plain table for the newcomer SQL: %.0f s.",
                count, leads, LeadStageChanged.TOPIC, seconds);
        line("");
        return count;
    }

    private void rawLimits(long events) throws Exception {
        line("## Raw limits, same run");
        line("");
        // Kafka's own producer performance test
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            org.apache.kafka.tools.ProducerPerformance.main(new String[]{"--topic", "bench-producer-perf",
                    "--num-records", "1000000", "--record-size", "300", "--throughput", "-1",
                    "--producer-props", "bootstrap.servers=" + bootstrap(), "acks=all", "linger.ms=20", "batch.size=262144"});
        } finally {
            System.setOut(original);
        }
        String perf = captured.toString().lines().filter(l -> l.contains("records sent")).reduce((a, b) -> b).orElse("?");
        line("- Kafka `ProducerPerformance` (1,000,000 × 300 B, acks=all): %s", perf.trim());
        // a bare consumer reading the whole topic: the ceiling for any replay
        long start = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap(),
                "max.poll.records", 5000, "fetch.max.bytes", 64 * 1024 * 1024), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(LeadStageChanged.TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < events) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read += r.value().length() > 0 ? 1 : 0;
                }
            }
        }
        rawConsumeRate = read / ((System.nanoTime() - start) / 1e9);
        line("- A bare `KafkaConsumer` reading the topic (no processing): %,.0f events/s", rawConsumeRate);
        // pgbench, where the machine has it (a user's machine may not: it is not part of the build)
        Path pgbench = Files.list(Path.of("/usr/lib/postgresql")).map(p -> p.resolve("bin/pgbench"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (pgbench != null) {
            String port = String.valueOf(infra.postgres().port());
            exec(List.of(pgbench.toString(), "-i", "-s", "10", "-h", "localhost", "-p", port, "-U", "postgres", "l2r_forecast"));
            String out = exec(List.of(pgbench.toString(), "-S", "-c", "1", "-T", "15", "-h", "localhost", "-p", port,
                    "-U", "postgres", "l2r_forecast"));
            Matcher latency = Pattern.compile("latency average = ([0-9.]+) ms").matcher(out);
            Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
            pgbenchLatencyMs = latency.find() ? Double.parseDouble(latency.group(1)) : Double.NaN;
            line("- `pgbench -S -c 1 -T 15` (scale 10, select-only, one client): latency average %.3f ms, %s tps",
                    pgbenchLatencyMs, tps.find() ? tps.group(1) : "?");
        } else {
            line("- pgbench: not installed on this machine, skipped");
        }
        line("");
    }

    private double rawConsumeRate;
    private double pgbenchLatencyMs = Double.NaN;

    private void liveConsumerRate() throws Exception {
        long t0 = System.nanoTime();
        double first = counter("l2r_funnel_events_applied_total");
        Thread.sleep(60_000);
        double applied = counter("l2r_funnel_events_applied_total") - first;
        double rate = applied / ((System.nanoTime() - t0) / 1e9);
        line("## Consumption");
        line("");
        line("- Live consumer (one transaction per poll of up to 2,000 records, each touched lead recomputed from all "
                + "its events, cells moved by the difference), catching up from offset zero, measured over 60 s: "
                + "**%,.0f events/s** (%.1f%% of the bare consumer)", rate, 100 * rate / rawConsumeRate);
    }

    private void rebuild(long events) throws Exception {
        long start = System.nanoTime();
        String answer = send(HttpRequest.newBuilder(URI.create(funnel.baseUrl() + "/api/admin/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).body();
        if (!answer.contains("RUNNING")) {
            throw new IllegalStateException("rebuild did not start: " + answer);
        }
        String status;
        List<String> phases = new ArrayList<>();
        do {
            Thread.sleep(1_000);
            status = get("/api/admin/rebuild");
            Matcher phase = Pattern.compile("\"phase\":\"([^\"]+)\"").matcher(status);
            if (phase.find() && (phases.isEmpty() || !phases.get(phases.size() - 1).startsWith(phase.group(1)))) {
                phases.add(phase.group(1) + " from " + Math.round((System.nanoTime() - start) / 1e9) + " s");
            }
        } while (status.contains("RUNNING"));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!status.contains("DONE")) {
            throw new IllegalStateException("rebuild failed: " + status);
        }
        line("- Rebuild from offset zero (`POST /api/admin/rebuild`: topic → shadow tables → swap), %,d events, "
                + "%,d leads: %.0f s, **%,.0f events/s** (%.1f%% of the bare consumer). Phases: %s. Status: `%s`",
                events, leads, seconds, events / seconds, 100 * events / seconds / rawConsumeRate,
                String.join("; ", phases), status);
        line("");
    }

    private void awaitCaughtUp(long events) throws Exception {
        // after the swap the live consumer resumes from its committed offsets: what it sees again is a duplicate
        long start = System.nanoTime();
        while (counter("l2r_funnel_events_applied_total") + counter("l2r_funnel_events_duplicate_total") < events) {
            Thread.sleep(2_000);
        }
        line("- Live consumer caught up after the rebuild (re-seen events are duplicates) in %.0f s.",
                (System.nanoTime() - start) / 1e9);
        line("");
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
            for (String t : List.of("event_log", "lead_stage_entry", "lead_conversion", "cohort_cube", "conversion_cube",
                    "velocity_cube")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*), pg_size_pretty(pg_total_relation_size('" + t + "')) FROM " + t)) {
                    rs.next();
                    line("- `%s`: %,d rows, %s", t, rs.getLong(1), rs.getString(2));
                }
            }
        }
        line("");
    }

    private void queries() throws Exception {
        line("Load average before the queries: %s", loadAverage());
        line("");
        line("## Queries (sequential client, %d timed requests after %d warm-up, random 12-month windows in 2022-2024)", QUERIES, WARMUP);
        line("");
        double[] health = time(i -> "/q/health/live");
        Random random = new Random(7);
        double[] funnelLatency = time(i -> "/api/funnel?" + window(random));
        double[] conversionLatency = time(i -> "/api/funnel/conversion?fromStage=MQL&toStage=CLOSED_WON&groupBy=channel&" + window(random));
        double[] sqlFunnel = newcomer(NEWCOMER_FUNNEL);
        double[] sqlConversion = newcomer(NEWCOMER_CONVERSION);
        line("| request | p50 ms | p95 ms | p99 ms | p95 vs target 100 ms | newcomer SQL median ms | speed-up (newcomer median / p95) |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        row("GET /q/health/live (HTTP floor)", health, null);
        row("GET /api/funnel", funnelLatency, sqlFunnel);
        row("GET /api/funnel/conversion?…&groupBy=channel", conversionLatency, sqlConversion);
        line("");
        line("Ratios to the raw limits: /api/funnel p95 = %.1f × the HTTP floor p95%s; /api/funnel/conversion p95 = %.1f × "
                        + "the HTTP floor p95%s.",
                pct(funnelLatency, 95) / pct(health, 95), pgbenchRatio(funnelLatency),
                pct(conversionLatency, 95) / pct(health, 95), pgbenchRatio(conversionLatency));
        line("");
    }

    private String pgbenchRatio(double[] latency) {
        return Double.isNaN(pgbenchLatencyMs) ? "" : String.format(", %.0f × pgbench's select-only latency", pct(latency, 95) / pgbenchLatencyMs);
    }

    private void row(String what, double[] ms, double[] sql) {
        String target = what.contains("health") ? "" : String.format("%.2f", pct(ms, 95) / 100);
        line("| %s | %.1f | %.1f | %.1f | %s | %s | %s |", what, pct(ms, 50), pct(ms, 95), pct(ms, 99), target,
                sql == null ? "" : String.format("%.0f", pct(sql, 50)),
                sql == null ? "" : String.format("%.0f×", pct(sql, 50) / pct(ms, 95)));
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

    private double[] newcomer(String sql) throws Exception {
        Random random = new Random(11);
        double[] ms = new double[SQL_RUNS];
        try (Connection c = jdbc(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < SQL_RUNS; i++) {
                LocalDate from = randomStart(random);
                ps.setTimestamp(1, Timestamp.from(from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
                ps.setTimestamp(2, Timestamp.from(from.plusMonths(12).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
                long start = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return ms;
    }

    private interface PathFor {
        String path(int i);
    }

    private double[] time(PathFor paths) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            get(paths.path(i));
        }
        double[] ms = new double[QUERIES];
        for (int i = 0; i < QUERIES; i++) {
            String path = paths.path(i);
            long start = System.nanoTime();
            get(path);
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return ms;
    }

    private static String window(Random random) {
        LocalDate from = randomStart(random);
        return "from=" + from + "&to=" + from.plusMonths(12).minusDays(1);
    }

    private static LocalDate randomStart(Random random) {
        return LocalDate.of(2022, 1, 1).plusDays(random.nextInt(365 * 2));
    }

    static double pct(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(funnel.baseUrl() + path)).GET().build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private double counter(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.E+]+)").matcher(get("/q/metrics"));
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    private Connection jdbc() throws Exception {
        return DriverManager.getConnection(infra.postgres().jdbcUrl("l2r_funnel"), "postgres", "postgres");
    }

    private static void copyRaw(Connection c, StringBuilder rows) throws Exception {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench.raw_transition FROM STDIN", new StringReader(rows.toString()));
        rows.setLength(0);
    }

    private static String nullable(String v) {
        return v == null ? "\\N" : v;
    }

    private String bootstrap() {
        return infra.kafka().bootstrapServers();
    }

    private static String exec(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", "postgres");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private void line(String format, Object... args) {
        String s = String.format(format, args);
        report.append(s).append('\n');
        System.out.println(s);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
