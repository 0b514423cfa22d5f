package dev.l2r.validation;

import com.fasterxml.jackson.databind.JsonNode;
import org.postgresql.PGConnection;

import java.io.PrintStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Olist marketing funnel (8,000 MQLs, 842 won deals), imported as MQL at {@code first_contact_date} (midnight
 * UTC), CLOSED_WON at {@code won_date} (UTC) and {@code origin} as channel (empty stays empty). Compares the
 * funnel service's MQL→CLOSED_WON conversion (overall and by channel), velocity and wins per month with plain
 * SQL over the two CSV files loaded into temporary tables, using the same definitions: a lead converts when it
 * was won at or after its first contact (the one deal won two days before its first contact does not), velocity
 * is won minus first contact in days, median and p90 are nearest-rank ({@code percentile_disc}).
 */
public final class OlistValidation implements DatasetCheck {

    static final String FOLDER = "olist-marketing-funnel";
    static final int MQLS = 8_000;
    static final int WON = 842;
    /** Every first contact and win lies in this window. */
    static final String WINDOW = "from=2017-01-01&to=2019-12-31";

    private record Figures(long cohort, long converted, BigDecimal rate, BigDecimal mean, BigDecimal median,
                           BigDecimal p90) {
    }

    @Override
    public boolean run(Environment env, PrintStream out) throws Exception {
        Map<String, Figures> independent;
        Map<String, Long> wonPerMonthSql;
        try (Connection c = env.scratch()) {
            load(c, env.datasets().resolve(FOLDER));
            independent = conversionBySql(c);
            wonPerMonthSql = wonPerMonthBySql(c);
        }
        awaitConsumed(env, out);
        JsonNode conversion = env.getFunnel("/api/funnel/conversion?fromStage=MQL&toStage=CLOSED_WON&groupBy=channel&"
                + WINDOW);
        Map<String, Figures> service = new LinkedHashMap<>();
        service.put("", figures(conversion.get("overall")));
        for (JsonNode g : conversion.get("groups")) {
            service.put(g.get("key").isNull() ? "(empty)" : g.get("key").asText(), figures(g));
        }
        Map<String, Long> wonPerMonthService = new TreeMap<>();
        for (JsonNode p : env.getFunnel("/api/funnel/volume?stage=CLOSED_WON&interval=month&" + WINDOW).get("periods")) {
            wonPerMonthService.put(p.get("period").asText(), p.get("entered").asLong());
        }

        Comparison table = new Comparison();
        compare(table, "MQL→won overall", service.get(""), independent.get(""));
        TreeSet<String> channels = new TreeSet<>(independent.keySet());
        channels.addAll(service.keySet());
        channels.remove("");
        for (String channel : channels) {
            Figures s = service.get(channel);
            Figures i = independent.get(channel);
            table.add("channel " + channel + ": MQLs", s == null ? null : s.cohort, i == null ? null : i.cohort);
            table.add("channel " + channel + ": won", s == null ? null : s.converted, i == null ? null : i.converted);
            table.add("channel " + channel + ": conversion", s == null ? null : s.rate, i == null ? null : i.rate);
        }
        TreeSet<String> months = new TreeSet<>(wonPerMonthSql.keySet());
        months.addAll(wonPerMonthService.keySet());
        for (String month : months) {
            table.add("won in " + month, wonPerMonthService.get(month), wonPerMonthSql.get(month));
        }
        out.println();
        out.println("Olist marketing funnel, MQL → CLOSED_WON (window " + WINDOW.replace('&', ' ') + ")");
        out.println();
        table.print(out);
        return table.allAgree();
    }

    private static void compare(Comparison table, String what, Figures s, Figures i) {
        table.add(what + ": MQLs (cohort)", s.cohort, i.cohort);
        table.add(what + ": won (converted)", s.converted, i.converted);
        table.add(what + ": conversion rate", s.rate, i.rate);
        table.add(what + ": velocity mean (days)", s.mean, i.mean);
        table.add(what + ": velocity median (days)", s.median, i.median);
        table.add(what + ": velocity p90 (days)", s.p90, i.p90);
    }

    private static Figures figures(JsonNode outcome) {
        JsonNode v = outcome.get("velocityDays");
        return new Figures(outcome.get("cohortSize").asLong(), outcome.get("converted").asLong(),
                decimal(outcome.get("rate")), decimal(v.get("mean")), decimal(v.get("median")), decimal(v.get("p90")));
    }

    private static BigDecimal decimal(JsonNode n) {
        return n == null || n.isNull() ? null : n.decimalValue();
    }

    /** Waits until the funnel has seen every MQL and every win (the import goes through lead-service and Kafka). */
    private static void awaitConsumed(Environment env, PrintStream out) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (true) {
            JsonNode c = env.getFunnel("/api/funnel/conversion?fromStage=MQL&toStage=CLOSED_WON&" + WINDOW);
            long mqls = c.get("overall").get("cohortSize").asLong();
            long won = env.getFunnel("/api/funnel/volume?stage=CLOSED_WON&interval=month&" + WINDOW).get("total").asLong();
            if (mqls >= MQLS && won >= WON) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the funnel service has seen " + mqls + " of " + MQLS + " MQLs and "
                        + won + " of " + WON + " wins after 5 minutes; was the dataset imported?");
            }
            out.printf("waiting for the funnel service: %d of %d MQLs, %d of %d wins%n", mqls, MQLS, won, WON);
            Thread.sleep(2_000);
        }
    }

    private static void load(Connection c, Path folder) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE olist_mql (mql_id text PRIMARY KEY, first_contact_date date NOT NULL, "
                    + "landing_page_id text, origin text)");
            s.execute("CREATE TEMP TABLE olist_won (mql_id text PRIMARY KEY, seller_id text, sdr_id text, sr_id text, "
                    + "won_date timestamp NOT NULL, business_segment text, lead_type text, lead_behaviour_profile text, "
                    + "has_company text, has_gtin text, average_stock text, business_type text, "
                    + "declared_product_catalog_size text, declared_monthly_revenue text)");
        }
        copy(c, "olist_mql", folder.resolve("olist_marketing_qualified_leads_dataset.csv"));
        copy(c, "olist_won", folder.resolve("olist_closed_deals_dataset.csv"));
    }

    private static void copy(Connection c, String table, Path csv) throws Exception {
        try (Reader in = Files.newBufferedReader(csv)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT csv, HEADER true)", in);
        }
    }

    /** Overall (key "") and per origin; an empty origin is its own group, "(empty)". */
    private static Map<String, Figures> conversionBySql(Connection c) throws SQLException {
        String sql = """
                WITH lead AS (
                    SELECT coalesce(nullif(m.origin, ''), '(empty)') AS origin,
                           CASE WHEN w.won_date >= m.first_contact_date::timestamp
                                THEN extract(epoch FROM w.won_date - m.first_contact_date::timestamp) END AS seconds
                    FROM olist_mql m LEFT JOIN olist_won w USING (mql_id))
                SELECT CASE WHEN GROUPING(origin) = 1 THEN '' ELSE origin END,
                       count(*), count(seconds),
                       round(count(seconds)::numeric / count(*), 6),
                       round(sum(seconds) / (count(seconds) * 86400.0), 6),
                       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) / 86400.0, 6),
                       round(percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds) / 86400.0, 6)
                FROM lead GROUP BY GROUPING SETS ((), (origin))""";
        Map<String, Figures> figures = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                figures.put(rs.getString(1), new Figures(rs.getLong(2), rs.getLong(3), rs.getBigDecimal(4),
                        rs.getBigDecimal(5), rs.getBigDecimal(6), rs.getBigDecimal(7)));
            }
        }
        return figures;
    }

    private static Map<String, Long> wonPerMonthBySql(Connection c) throws SQLException {
        Map<String, Long> perMonth = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT to_char(won_date, 'YYYY-MM'), count(*) FROM olist_won GROUP BY 1")) {
            while (rs.next()) {
                perMonth.put(rs.getString(1), rs.getLong(2));
            }
        }
        return perMonth;
    }
}
