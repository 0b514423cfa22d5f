package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.LatencyStats;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * forecast-service on a large synthetic pipeline: how fast it projects the events, and how long the forecast, the
 * KPIs and a twelve-month backtest take to answer. Each is set beside a raw limit measured in the same run: a plain
 * Kafka consumer reading the same topic, and a plain JDBC read of the rows the query loads.
 */
public final class ForecastQueries implements Scenario {

    static final Instant START = Instant.parse("2023-01-01T00:00:00Z");
    static final int DAYS = 730;
    static final Instant END = START.plusSeconds(86_400L * DAYS);

    @Override
    public String name() {
        return "forecast-queries";
    }

    @Override
    public String description() {
        return "forecast-service on a synthetic pipeline: projection rate, GET /api/forecast, /kpis, 12-month "
                + "/backtest, vs a plain Kafka consumer and a plain JDBC read of the same rows";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        int leads = context.size(100_000, 5_000);
        List<LeadStageChanged> events = generate(leads, new SplittableRandom(20250301));
        ServiceProcess forecast = context.service("forecast-service", List.of("-Xmx1g"), Map.of());
        String bootstrap = context.infra().kafka().bootstrapServers();

        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "linger.ms", 20, "batch.size", 262_144), new StringSerializer(),
                new StringSerializer())) {
            for (LeadStageChanged e : events) {
                producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e)));
            }
        }
        String jdbc = context.infra().postgres().jdbcUrl("l2r_forecast");
        awaitProjected(jdbc, events.size());
        double projected = events.size() / ((System.nanoTime() - t0) / 1e9);
        double consumed = rawConsumerRate(bootstrap, events.size());
        report.addVersus(name(), "events projected", projected, "events/s", "plain Kafka consumer", consumed,
                leads + " leads, " + events.size() + " events, published then projected (one transaction a poll)");

        double rawRead = rawReadMillis(jdbc);
        HttpClient http = HttpClient.newHttpClient();
        int samples = context.size(20, 5);
        String asOf = END.toString();
        LatencyStats f = time(http, forecast.baseUrl() + "/api/forecast?asOf=" + asOf + "&horizonDays=90", samples);
        report.addVersus(name(), "GET /api/forecast p50", f.p50Millis(), "ms", "JDBC read of its input rows",
                rawRead, samples + " sequential requests, 90-day horizon, 2,000 simulations, calibration on");
        report.addVersus(name(), "GET /api/forecast p95", f.p95Millis(), "ms", "JDBC read of its input rows",
                rawRead, samples + " sequential requests");
        LatencyStats k = time(http, forecast.baseUrl() + "/api/forecast/kpis?from=2024-01-01&to=2024-12-31"
                + "&groupBy=segment", samples);
        report.add(name(), "GET /api/forecast/kpis p50", k.p50Millis(), "ms", "one year, grouped by segment");
        int backtests = context.size(3, 1);
        LatencyStats b = time(http, forecast.baseUrl() + "/api/forecast/backtest?from=2024-01-01&to=2024-12-31"
                + "&interval=month", backtests);
        report.addVersus(name(), "GET /api/forecast/backtest (12 months) p50", b.p50Millis(), "ms",
                "JDBC read of its input rows", rawRead, backtests + " sequential requests; 12 forecasts, each "
                        + "with its calibration");
    }

    /**
     * Leads arrive over two years at MQL in one of five segments; 60% reach SQL after ~10 days, 70% of those an
     * opportunity with an amount after ~15 more, which closes after ~30 days: won 35%, lost 55%, no decision 10%.
     * Leads that stall are lost after ~60 days. Anything after the end has not happened yet, so the pipeline is open.
     */
    static List<LeadStageChanged> generate(int leads, SplittableRandom random) {
        List<LeadStageChanged> events = new ArrayList<>(leads * 3);
        for (int i = 0; i < leads; i++) {
            String id = "bench-" + i;
            LeadAttributes attributes = new LeadAttributes("channel-" + random.nextInt(4),
                    "segment-" + random.nextInt(5), "owner-" + random.nextInt(20), null);
            double day = random.nextDouble() * DAYS;
            add(events, id, "MQL", day, null, attributes);
            if (random.nextDouble() < 0.6) {
                day += exponential(random, 10);
                add(events, id, "SQL", day, null, attributes);
                if (random.nextDouble() < 0.7) {
                    day += exponential(random, 15);
                    BigDecimal amount = BigDecimal.valueOf(1000 + random.nextInt(19_000));
                    add(events, id, "OPPORTUNITY", day, amount, attributes);
                    day += exponential(random, 30);
                    double u = random.nextDouble();
                    add(events, id, u < 0.35 ? "CLOSED_WON" : u < 0.9 ? "CLOSED_LOST" : "NO_DECISION", day, null,
                            attributes);
                    continue;
                }
            }
            add(events, id, "CLOSED_LOST", day + exponential(random, 60), null, attributes);
        }
        return events;
    }

    private static void add(List<LeadStageChanged> events, String lead, String stage, double day, BigDecimal amount,
                            LeadAttributes attributes) {
        if (day >= DAYS) {
            return;
        }
        Instant at = START.plusSeconds((long) (day * 86_400));
        events.add(new LeadStageChanged(UUID.randomUUID(), 1, lead, null, stage, TransitionKind.ADVANCE, null, at,
                at, "bench", null, null, amount, amount == null ? null : "USD", attributes));
    }

    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private static void awaitProjected(String jdbc, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        try (Connection c = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD);
             Statement s = c.createStatement()) {
            while (true) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM event_log")) {
                    rs.next();
                    if (rs.getLong(1) >= expected) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("events not projected within 30 minutes");
                }
                Thread.sleep(200);
            }
        }
    }

    /** A plain consumer reading the whole topic from the start: the rate Kafka itself delivers it at. */
    private static double rawConsumerRate(String bootstrap, int records) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "enable.auto.commit", false, "max.poll.records", 2000), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(LeadStageChanged.TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long t0 = System.nanoTime();
            int read = 0;
            while (read < records) {
                ConsumerRecords<String, String> got = consumer.poll(Duration.ofMillis(500));
                for (var r : got) {
                    EventJson.readLeadStageChanged(r.value());
                    read++;
                }
            }
            return read / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Reading the rows a forecast loads, and nothing else: the floor under its latency. */
    private static double rawReadMillis(String jdbc) throws Exception {
        String[] queries = {
                "SELECT lead_id, stage, stage_since, amount, currency, channel, segment, owner, campaign, valid_from, "
                        + "valid_to FROM lead_state WHERE open",
                "SELECT lead_id, stage, entered_at, closed_at, outcome, channel, segment, owner, campaign "
                        + "FROM stage_spell",
                "SELECT lead_id, closed_at, outcome, amount, currency, cycle_start, channel, segment, owner, campaign "
                        + "FROM lead_close",
                "SELECT lead_id, first_seen_at, stage, channel, segment, owner, campaign FROM lead_arrival"};
        long[] nanos = new long[5];
        try (Connection c = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                for (String q : queries) {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int col = 1; col <= columns; col++) {
                                rs.getObject(col);
                            }
                        }
                    }
                }
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return LatencyStats.ofNanos(nanos).p50Millis();
    }

    private static LatencyStats time(HttpClient http, String url, int samples) throws Exception {
        HttpRequest request = BenchContext.request(URI.create(url)).timeout(Duration.ofMinutes(10)).build();
        HttpResponse<String> warm = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (warm.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + warm.statusCode() + ": " + warm.body());
        }
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode());
            }
        }
        return LatencyStats.ofNanos(nanos);
    }
}
