package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.LatencyStats;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.forecast.projection.DirectLoad;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.ServiceProcess;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * forecast-service on large synthetic pipelines (250,000, 500,000 and 1,000,000 leads by default;
 * {@code -Dl2r.bench.forecast-leads=...} to choose): how long the forecast, the KPIs by owner and a twelve-month
 * backtest take to answer, each beside a plain JDBC read of the rows the old path loaded per request, measured in
 * the same run. The leads' rows are written straight into the projection's tables by the projection's own code
 * ({@link DirectLoad}), not through Kafka: the live path projects a few thousand events a second, an hour for the
 * largest size. Each size replaces the previous one (a TRUNCATE, which the service's in-memory history follows).
 */
public final class ForecastQueries implements Scenario {

    static final Instant START = Instant.parse("2023-01-01T00:00:00Z");
    static final int DAYS = 730;
    static final Instant END = START.plusSeconds(86_400L * DAYS);
    private static final int CHUNK = 10_000;

    @Override
    public String name() {
        return "forecast-queries";
    }

    @Override
    public String description() {
        return "forecast-service on synthetic pipelines of 250k, 500k and 1M leads: GET /api/forecast (a repeated "
                + "and a new asOf), /kpis by owner, a 12-month /backtest, vs a plain JDBC read of the same rows";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        String sizes = System.getProperty("l2r.bench.forecast-leads", context.quick() ? "5000"
                : "250000,500000,1000000");
        // a million leads' rows and their index want more than the default 3 GB
        String heap = System.getProperty("l2r.bench.forecast-heap", "3g");
        ServiceProcess forecast = context.service("forecast-service", List.of("-Xmx" + heap), Map.of());
        String jdbc = context.infra().postgres().jdbcUrl("l2r_forecast");
        HttpClient http = HttpClient.newHttpClient();
        for (String size : sizes.split(",")) {
            int leads = Integer.parseInt(size.trim());
            long t0 = System.nanoTime();
            long events = load(jdbc, leads);
            String loaded = leads + " leads, " + events + " events, loaded in "
                    + Math.round((System.nanoTime() - t0) / 1e9) + " s; " + load();
            double rawRead = rawReadMillis(jdbc);
            report.add(name(), "JDBC read of the inputs (" + leads + ")", rawRead, "ms", loaded);
            measure(context, report, http, forecast.baseUrl(), leads, rawRead);
            afterAChange(context, report, http, forecast.baseUrl(), jdbc, leads, rawRead);
        }
    }

    private void measure(BenchContext context, Report report, HttpClient http, String base, int leads,
                         double rawRead) throws Exception {
        String n = " (" + leads + ")";
        String jdbcRead = "JDBC read of its input rows";
        String url = base + "/api/forecast?asOf=" + END + "&horizonDays=90";
        // the first question after the load reads the whole history into memory and trains the model
        long t0 = System.nanoTime();
        get(http, url);
        double first = (System.nanoTime() - t0) / 1e6;
        report.addVersus(name(), "GET /api/forecast first after load" + n, first, "ms", jdbcRead, rawRead,
                "reads every row into memory once, then trains; 2,000 simulations, calibration on");
        int samples = context.size(20, 5);
        LatencyStats same = time(http, List.of(url), samples);
        report.addVersus(name(), "GET /api/forecast p95, same asOf" + n, same.p95Millis(), "ms", jdbcRead, rawRead,
                samples + " sequential; p50 " + Math.round(same.p50Millis()) + " ms; the model kept for this "
                        + "revision and asOf answers");
        // twenty an hour apart on one UTC day (its calibration points made by the first), so that the p95 is more
        // than the slowest of a few
        int hours = context.size(20, 2);
        List<String> moments = new ArrayList<>();
        for (int i = 1; i <= hours + 1; i++) {
            moments.add(base + "/api/forecast?asOf=" + END.minusSeconds(3600L * i) + "&horizonDays=90");
        }
        LatencyStats trained = time(http, moments, hours);
        report.addVersus(name(), "GET /api/forecast p95, new asOf each" + n, trained.p95Millis(), "ms", jdbcRead,
                rawRead, hours + " sequential, each a new asOf (as asOf=now is): trained from memory; p50 "
                        + Math.round(trained.p50Millis()) + " ms");
        // the first question of each day: the calibration moments hang from asOf's day, so each is new
        int fresh = context.size(5, 2);
        List<String> days = new ArrayList<>();
        for (int i = 1; i <= fresh + 1; i++) {
            days.add(base + "/api/forecast?asOf=" + END.minusSeconds(86_400L * i + 3600) + "&horizonDays=90");
        }
        LatencyStats daily = time(http, days, fresh);
        report.addVersus(name(), "GET /api/forecast p95, new day each" + n, daily.p95Millis(), "ms", jdbcRead,
                rawRead, fresh + " sequential, each on another day than any before: its calibration forecasts "
                        + "trained too; p50 " + Math.round(daily.p50Millis()) + " ms");
        LatencyStats k = time(http, List.of(base + "/api/forecast/kpis?from=2024-01-01&to=2024-12-31&groupBy=owner"),
                samples);
        report.addVersus(name(), "GET /api/forecast/kpis?groupBy=owner p95" + n, k.p95Millis(), "ms", jdbcRead,
                rawRead, samples + " sequential, one year; p50 " + Math.round(k.p50Millis()) + " ms");
        String backtest = base + "/api/forecast/backtest?from=2024-01-01&to=2024-12-31&interval=month";
        t0 = System.nanoTime();
        get(http, backtest);
        double cold = (System.nanoTime() - t0) / 1e6;
        report.addVersus(name(), "GET /api/forecast/backtest (12 months), first" + n, cold, "ms", jdbcRead, rawRead,
                "12 forecasts, each with its calibration, from memory");
        LatencyStats again = time(http, List.of(backtest), context.size(3, 1));
        report.addVersus(name(), "GET /api/forecast/backtest (12 months), repeated p50" + n, again.p50Millis(), "ms",
                jdbcRead, rawRead, "the answer kept for this revision");
    }

    /**
     * What a live system pays: a new lead lands (a new revision of the projection), and the next question reads the
     * changed rows, rebuilds the indexes over all of them and trains again from them; its calibration points are
     * carried over. Timed a few times, each after another new lead.
     */
    private void afterAChange(BenchContext context, Report report, HttpClient http, String base, String jdbc,
                              int leads, double rawRead) throws Exception {
        String n = " (" + leads + ")";
        int changes = context.size(3, 1);
        long[] nanos = new long[changes];
        FunnelDefinition funnel = FunnelDefinition.canonical();
        try (Connection c = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            c.setAutoCommit(false);
            for (int k = 0; k < changes; k++) {
                String id = "bench-live-" + k;
                Instant at = END.minusSeconds(600L * (changes - k));
                List<LeadEvent> events = List.of(new LeadStageChanged(UUID.randomUUID(), 1, id, null, "MQL",
                        TransitionKind.ADVANCE, null, at, at, "bench", null, null, null, null,
                        new LeadAttributes("channel-0", "segment-0", "owner-0", null)));
                DirectLoad.write(c, funnel, Map.of(id, events));
                c.commit();
                long t0 = System.nanoTime();
                get(http, base + "/api/forecast?asOf=" + at.plusSeconds(60) + "&horizonDays=90");
                nanos[k] = System.nanoTime() - t0;
            }
        }
        LatencyStats stats = LatencyStats.ofNanos(nanos);
        report.addVersus(name(), "GET /api/forecast after a new lead, p50" + n, stats.p50Millis(), "ms",
                "JDBC read of its input rows", rawRead, changes + " sequential, each after one lead more (a new "
                        + "revision): the changed rows read, the indexes rebuilt over all rows, the model trained; "
                        + "max " + Math.round(stats.maxMillis()) + " ms");
    }

    private static String load() {
        try {
            return "load average " + Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "load average unknown";
        }
    }

    /**
     * Empties the projection and writes {@code leads} generated leads in chunks, each in one transaction; returns
     * how many events they were made of.
     */
    static long load(String jdbc, int leads) throws Exception {
        SplittableRandom random = new SplittableRandom(20250301);
        long events = 0;
        try (Connection c = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("TRUNCATE lead_state, stage_spell, lead_close, lead_arrival");
            }
            c.setAutoCommit(false);
            FunnelDefinition funnel = FunnelDefinition.canonical();
            for (int from = 0; from < leads; from += CHUNK) {
                Map<String, List<LeadEvent>> byLead = new HashMap<>();
                for (int i = from; i < Math.min(leads, from + CHUNK); i++) {
                    List<LeadStageChanged> own = new ArrayList<>(4);
                    lead(i, random, own);
                    byLead.put("bench-" + i, new ArrayList<>(own));
                    events += own.size();
                }
                DirectLoad.write(c, funnel, byLead);
                c.commit();
            }
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("VACUUM ANALYZE lead_state, stage_spell, lead_close, lead_arrival");
            }
        }
        return events;
    }

    /**
     * Leads arrive over two years at MQL in one of five segments; 60% reach SQL after ~10 days, 70% of those an
     * opportunity with an amount after ~15 more, which closes after ~30 days: won 35%, lost 55%, no decision 10%.
     * Leads that stall are lost after ~60 days. Anything after the end has not happened yet, so the pipeline is open.
     */
    static void lead(int i, SplittableRandom random, List<LeadStageChanged> events) {
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
                return;
            }
        }
        add(events, id, "CLOSED_LOST", day + exponential(random, 60), null, attributes);
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
        long[] nanos = new long[3];
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

    private static void get(HttpClient http, String url) throws Exception {
        HttpRequest request = BenchContext.request(URI.create(url)).timeout(Duration.ofMinutes(30)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** {@code samples} requests after one to warm up, going round {@code urls} (the first one warms). */
    private static LatencyStats time(HttpClient http, List<String> urls, int samples) throws Exception {
        get(http, urls.get(0));
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            String url = urls.size() == 1 ? urls.get(0) : urls.get(1 + i % (urls.size() - 1));
            long t0 = System.nanoTime();
            get(http, url);
            nanos[i] = System.nanoTime() - t0;
        }
        return LatencyStats.ofNanos(nanos);
    }
}
