package dev.l2r.bench.scenario;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.LatencyStats;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.ServiceProcess;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A whole plan of revenue targets put at once: {@code PUT /api/forecast/targets} with 100,000 targets (read,
 * validated, checked for overlaps, stored in place of the old plan, answered with what is stored), beside a plain
 * JDBC batch insert of the same rows in place of the old ones, in the same run on the same database.
 */
public final class ForecastTargets implements Scenario {

    static final LocalDate START = LocalDate.of(2031, 1, 1);
    static final int DAYS = 400;

    @Override
    public String name() {
        return "forecast-targets";
    }

    @Override
    public String description() {
        return "PUT /api/forecast/targets with 100,000 targets (one a day for 250 owners) vs a plain JDBC batch "
                + "insert of the same rows";
    }

    @Override
    public void run(BenchContext context, Report report) throws Exception {
        int targets = context.size(100_000, 10_000);
        int owners = targets / DAYS;
        byte[] body = plan(owners).getBytes(StandardCharsets.UTF_8);
        ServiceProcess forecast = context.service("forecast-service", List.of("-Xmx512m"), Map.of());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest put = HttpRequest.newBuilder(URI.create(forecast.baseUrl() + "/api/forecast/targets"))
                .timeout(Duration.ofMinutes(30)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        int samples = context.size(7, 2);
        int warmUp = context.size(3, 1);
        long[] nanos = new long[samples];
        for (int i = -warmUp; i < samples; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> answer = http.send(put, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - t0;
            if (answer.statusCode() != 200 || count(answer.body(), "\"currency\"") != owners * DAYS) {
                throw new IllegalStateException("PUT answered " + answer.statusCode() + ": "
                        + answer.body().substring(0, Math.min(300, answer.body().length())));
            }
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        LatencyStats l2r = LatencyStats.ofNanos(nanos);
        LatencyStats raw = rawInsert(context.infra().postgres().jdbcUrl("l2r_forecast"), owners, samples);
        String notes = samples + " sequential PUTs after " + warmUp + " to warm up; " + (owners * DAYS) + " targets, "
                + String.format("%.1f", body.length / 1e6) + " MB of JSON; the answer lists every stored target";
        report.addVersus(name(), "PUT /api/forecast/targets p50", l2r.p50Millis(), "ms",
                "plain JDBC batch insert of the rows", raw.p50Millis(), notes);
        report.addVersus(name(), "PUT /api/forecast/targets max", l2r.maxMillis(), "ms",
                "plain JDBC batch insert of the rows, max", raw.maxMillis(), notes);
    }

    /** One target a day for each owner, the amounts telling them apart. */
    static String plan(int owners) {
        StringBuilder json = new StringBuilder(owners * DAYS * 110).append('[');
        for (int o = 0; o < owners; o++) {
            for (int d = 0; d < DAYS; d++) {
                String day = START.plusDays(d).toString();
                json.append(o == 0 && d == 0 ? "" : ",").append("{\"from\":\"").append(day).append("\",\"to\":\"")
                        .append(day).append("\",\"amount\":").append(o * 1000 + d)
                        .append(",\"currency\":\"USD\",\"owner\":\"Owner Number ").append(o).append("\"}");
            }
        }
        return json.append(']').toString();
    }

    /** The same rows replacing the old ones in one transaction: TRUNCATE, a JDBC batch of INSERTs, COMMIT. */
    static LatencyStats rawInsert(String jdbc, int owners, int samples) throws Exception {
        long[] nanos = new long[samples];
        try (Connection c = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            c.setAutoCommit(false);
            for (int i = -1; i < samples; i++) {
                long t0 = System.nanoTime();
                try (Statement s = c.createStatement();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO revenue_target "
                             + "(from_date, to_date, owner, segment, amount, currency) VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.executeUpdate("TRUNCATE revenue_target");
                    for (int o = 0; o < owners; o++) {
                        for (int d = 0; d < DAYS; d++) {
                            LocalDate day = START.plusDays(d);
                            ps.setObject(1, day);
                            ps.setObject(2, day);
                            ps.setString(3, "Owner Number " + o);
                            ps.setString(4, null);
                            ps.setBigDecimal(5, BigDecimal.valueOf(o * 1000L + d));
                            ps.setString(6, "USD");
                            ps.addBatch();
                        }
                    }
                    ps.executeBatch();
                }
                c.commit();
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - t0;
                }
            }
        }
        return LatencyStats.ofNanos(nanos);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
