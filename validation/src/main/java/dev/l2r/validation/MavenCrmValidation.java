package dev.l2r.validation;

import com.fasterxml.jackson.databind.JsonNode;
import org.postgresql.PGConnection;

import java.io.PrintStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maven CRM sales opportunities (8,800, fictitious), imported as OPPORTUNITY at {@code engage_date} and
 * CLOSED_WON / CLOSED_LOST at {@code close_date} with {@code close_value} in USD, product as segment and sales
 * agent as owner; the 500 Prospecting rows have no date and are not imported. Compares forecast-service's KPIs,
 * and the actuals and both baselines of its monthly backtest, with plain SQL over the CSV loaded into temporary
 * tables, and prints the backtest with the model's MAPE beside the baselines'.
 *
 * <p>The SQL uses the definitions of docs/architecture.md: win rate = won / (won + lost) of deals closed in the period;
 * average deal = mean close_value of its won deals; sales cycle = mean days from engage to close of its won deals;
 * open opportunities = engaged before the period's end and not closed before it; velocity = open × average × win
 * rate / cycle. For a month starting S forecast with a horizon of the month's length h, knowing what happened before
 * S: actual = won in [S, S + h); run-rate = won in [S − h, S); weighted pipeline = Σ over deals open at S of (the
 * average won deal of their product before S if it had at least {@value #MIN_WON_PER_SEGMENT} won deals, else of all
 * products) × won / (won + lost) of deals closed before S. The model's own forecast is not recomputed here: its
 * formulas are checked by hand-worked unit tests and a simulation test in forecast-service.
 */
public final class MavenCrmValidation implements DatasetCheck {

    static final String FOLDER = "maven-crm-sales-opportunities";
    static final int WON = 4_238;
    static final int LOST = 2_473;
    /** forecast-service's l2r.forecast.min-won-per-segment default: a product's average values its deals from then. */
    static final int MIN_WON_PER_SEGMENT = 5;
    static final LocalDate KPI_FROM = LocalDate.parse("2016-10-01");
    /** The KPI window's end, exclusive: the whole of 2017 is in. */
    static final LocalDate KPI_TO = LocalDate.parse("2018-01-01");
    /** Months to backtest: the first closes are in March 2017, so April is the first month with a closed history. */
    static final YearMonth FIRST = YearMonth.parse("2017-04");
    static final YearMonth LAST = YearMonth.parse("2017-12");

    private record Month(String period, BigDecimal forecast, BigDecimal p10, BigDecimal p90, BigDecimal actual,
                         BigDecimal runRate, BigDecimal weighted, boolean within) {
    }

    @Override
    public boolean run(Environment env, PrintStream out) throws Exception {
        Comparison table = new Comparison();
        List<Month> months = new ArrayList<>();
        try (Connection c = env.scratch()) {
            load(c, env.datasets().resolve(FOLDER));
            awaitConsumed(env, out);
            compareKpis(c, env, table);
            JsonNode backtest = env.getForecast("/api/forecast/backtest?from=" + FIRST.atDay(1) + "&to="
                    + LAST.atEndOfMonth() + "&interval=month");
            for (JsonNode p : backtest.get("periods")) {
                YearMonth month = YearMonth.parse(p.get("period").asText());
                LocalDate start = month.atDay(1);
                LocalDate end = month.plusMonths(1).atDay(1);
                int days = month.lengthOfMonth();
                BigDecimal actual = wonBetween(c, start, end);
                BigDecimal runRate = wonBetween(c, start.minusDays(days), start);
                BigDecimal weighted = weightedPipeline(c, start);
                table.add(month + ": actual won revenue", decimal(p.get("actual")), actual);
                table.add(month + ": run-rate baseline", decimal(p.get("runRate")), runRate);
                table.add(month + ": weighted-pipeline baseline", decimal(p.get("weightedPipeline")), weighted);
                months.add(new Month(month.toString(), decimal(p.get("forecast")), decimal(p.get("p10")),
                        decimal(p.get("p90")), decimal(p.get("actual")), decimal(p.get("runRate")),
                        decimal(p.get("weightedPipeline")), p.get("withinInterval").asBoolean()));
            }
            out.println();
            out.println("Maven CRM: forecast-service figures beside plain SQL over sales_pipeline.csv");
            out.println();
            table.print(out);
            out.println();
            printBacktest(out, months, backtest);
        }
        return table.allAgree();
    }

    private static void compareKpis(Connection c, Environment env, Comparison table) throws Exception {
        JsonNode k = env.getForecast("/api/forecast/kpis?from=" + KPI_FROM + "&to=" + KPI_TO.minusDays(1));
        String sql = """
                WITH f AS (
                    SELECT count(*) FILTER (WHERE won) AS won, count(*) FILTER (WHERE lost) AS lost,
                           avg(close_value) FILTER (WHERE won) AS average,
                           avg(close_date - engage_date) FILTER (WHERE won) AS cycle,
                           sum(close_value) FILTER (WHERE won) AS revenue,
                           (SELECT count(*) FROM maven_pipeline
                            WHERE engage_date < ? AND (close_date IS NULL OR close_date >= ?)) AS open
                    FROM (SELECT *, deal_stage = 'Won' AS won, deal_stage = 'Lost' AS lost FROM maven_pipeline
                          WHERE close_date >= ? AND close_date < ?) closed)
                SELECT won, lost, round(won::numeric / (won + lost), 6), round(average, 2), round(cycle, 4), open,
                       round(open * average * won / (won + lost) / cycle, 2), revenue
                FROM f""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setDate(1, Date.valueOf(KPI_TO));
            ps.setDate(2, Date.valueOf(KPI_TO));
            ps.setDate(3, Date.valueOf(KPI_FROM));
            ps.setDate(4, Date.valueOf(KPI_TO));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String window = " (" + KPI_FROM + " to 2017-12-31)";
                table.add("won deals" + window, k.get("won").asLong(), rs.getLong(1));
                table.add("lost deals" + window, k.get("lost").asLong(), rs.getLong(2));
                table.add("win rate" + window, decimal(k.get("winRate")), rs.getBigDecimal(3));
                table.add("average deal size, USD" + window, decimal(k.get("averageDealSize")), rs.getBigDecimal(4));
                table.add("sales cycle, days" + window, decimal(k.get("salesCycleDays")), rs.getBigDecimal(5));
                table.add("open opportunities at the end", k.get("openOpportunities").asLong(), rs.getLong(6));
                table.add("of which without an amount", k.get("opportunitiesWithoutAmount").asLong(), rs.getLong(6));
                table.add("sales velocity, USD a day", decimal(k.get("salesVelocityPerDay")), rs.getBigDecimal(7));
                table.add("won revenue, USD" + window, decimal(k.get("wonRevenue")), rs.getBigDecimal(8));
            }
        }
    }

    private static BigDecimal wonBetween(Connection c, LocalDate from, LocalDate to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(close_value), 0) FROM maven_pipeline "
                + "WHERE deal_stage = 'Won' AND close_date >= ? AND close_date < ?")) {
            ps.setDate(1, Date.valueOf(from));
            ps.setDate(2, Date.valueOf(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private static BigDecimal weightedPipeline(Connection c, LocalDate start) throws SQLException {
        String sql = """
                WITH won_before AS (SELECT product, close_value FROM maven_pipeline
                                    WHERE deal_stage = 'Won' AND close_date < ?),
                     overall AS (SELECT avg(close_value) AS v FROM won_before),
                     by_product AS (SELECT product, avg(close_value) AS v FROM won_before GROUP BY product
                                    HAVING count(*) >= ?),
                     rate AS (SELECT count(*) FILTER (WHERE deal_stage = 'Won')::numeric / count(*) AS r
                              FROM maven_pipeline WHERE deal_stage IN ('Won', 'Lost') AND close_date < ?),
                     open AS (SELECT product FROM maven_pipeline
                              WHERE engage_date < ? AND (close_date IS NULL OR close_date >= ?))
                SELECT coalesce(round(sum(coalesce(p.v, o.v) * r.r), 2), 0)
                FROM open LEFT JOIN by_product p USING (product) CROSS JOIN overall o CROSS JOIN rate r""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Date s = Date.valueOf(start);
            ps.setDate(1, s);
            ps.setInt(2, MIN_WON_PER_SEGMENT);
            ps.setDate(3, s);
            ps.setDate(4, s);
            ps.setDate(5, s);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private static void printBacktest(PrintStream out, List<Month> months, JsonNode backtest) {
        out.println("Monthly backtest (each month forecast from the events before it, horizon = the month)");
        out.println();
        out.println("| month | forecast | P10 | P90 | actual | in P10–P90 | run-rate | weighted pipeline |");
        out.println("|---|---:|---:|---:|---:|:---:|---:|---:|");
        for (Month m : months) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", m.period, money(m.forecast),
                    money(m.p10), money(m.p90), money(m.actual), m.within ? "yes" : "no", money(m.runRate),
                    money(m.weighted));
        }
        double model = backtest.get("mape").asDouble();
        double runRate = backtest.get("baselines").get(0).get("mape").asDouble();
        double weighted = backtest.get("baselines").get(1).get("mape").asDouble();
        out.println();
        out.printf(Locale.ROOT, "| MAPE | L2R model | run-rate | weighted pipeline |%n|---|---:|---:|---:|%n"
                + "| %d months | %.1f%% | %.1f%% | %.1f%% |%n", months.size(), 100 * model, 100 * runRate,
                100 * weighted);
        double better = Math.min(runRate, weighted);
        String name = runRate <= weighted ? "run-rate" : "weighted pipeline";
        out.println();
        out.printf(Locale.ROOT, "Interval coverage: %.0f%% of months inside P10–P90 (nominal 80%%).%n",
                100 * backtest.get("coverage").asDouble());
        out.printf(Locale.ROOT, "The better baseline is %s (%.1f%%). The model's MAPE is %.1f points %s (%.0f%% %s).%n",
                name, 100 * better, 100 * Math.abs(better - model), model < better ? "lower" : "higher",
                100 * Math.abs(better - model) / better, model < better ? "better" : "worse");
    }

    private static String money(BigDecimal v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%,.0f", v.setScale(0, RoundingMode.HALF_EVEN));
    }

    private static BigDecimal decimal(JsonNode n) {
        return n == null || n.isNull() ? null : n.decimalValue();
    }

    /** Waits until forecast-service has seen every close (the import goes through lead-service and Kafka). */
    private static void awaitConsumed(Environment env, PrintStream out) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (true) {
            JsonNode k = env.getForecast("/api/forecast/kpis?from=" + KPI_FROM + "&to=" + KPI_TO.minusDays(1));
            long won = k.get("won").asLong();
            long lost = k.get("lost").asLong();
            if (won >= WON && lost >= LOST) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("forecast-service has seen " + won + " of " + WON + " wins and " + lost
                        + " of " + LOST + " losses after 5 minutes; was the dataset imported?");
            }
            out.printf("waiting for forecast-service: %d of %d wins, %d of %d losses%n", won, WON, lost, LOST);
            Thread.sleep(2_000);
        }
    }

    private static void load(Connection c, Path folder) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE maven_pipeline (opportunity_id text PRIMARY KEY, sales_agent text, "
                    + "product text, account text, deal_stage text NOT NULL, engage_date date, close_date date, "
                    + "close_value numeric)");
        }
        try (Reader in = Files.newBufferedReader(folder.resolve("sales_pipeline.csv"))) {
            c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY maven_pipeline FROM STDIN (FORMAT csv, HEADER true)", in);
        }
    }
}
