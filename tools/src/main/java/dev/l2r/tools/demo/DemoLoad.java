package dev.l2r.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.tools.ApiClient;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code bin/l2r demo [--seed N] [--leads N]} (and {@code bin/l2r up --demo}): generates the demo history
 * ({@link DemoHistory}) ending today, posts it to lead-service's {@code POST /api/transitions} as NDJSON in batches,
 * waits until funnel-service and forecast-service show all of it, and puts revenue targets ({@link DemoTargets})
 * unless other targets are already there.
 *
 * <p>Idempotent: event ids come from the seed, so a second load of the same seed is all duplicates. A history of
 * the same seed made on another day would be different leads under the same ids: that is refused.
 */
public final class DemoLoad {

    public static final long DEFAULT_SEED = 1;
    static final int BATCH = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Settings(String leadUrl, String funnelUrl, String forecastUrl, long seed, int leads, LocalDate today,
                           Duration patience) {
    }

    public record Result(int leads, int events, long recorded, long duplicates, boolean targetsPut,
                         List<DemoTargets.Target> targets, Duration posting, Duration untilConsumed) {
    }

    /** What the consumers show over the history's two years: entries per stage, and closes. */
    record Figures(Map<String, Long> entered, long closes) {

        Figures plus(Figures other) {
            Map<String, Long> sum = new TreeMap<>(entered);
            other.entered.forEach((stage, n) -> sum.merge(stage, n, Long::sum));
            return new Figures(sum, closes + other.closes);
        }

        boolean atLeast(Figures other) {
            return closes >= other.closes && other.entered.entrySet().stream()
                    .allMatch(e -> entered.getOrDefault(e.getKey(), 0L) >= e.getValue());
        }

        static Figures of(List<DemoLead> leads) {
            Map<String, Long> entered = new TreeMap<>();
            long closes = 0;
            for (DemoLead lead : leads) {
                for (DemoEvent e : lead.events()) {
                    entered.merge(e.toStage(), 1L, Long::sum);
                }
                closes += FunnelDefinition.canonical().isTerminal(lead.stage()) ? 1 : 0;
            }
            return new Figures(entered, closes);
        }
    }

    static final class LoadFailure extends Exception {
        LoadFailure(String message) {
            super(message);
        }
    }

    private DemoLoad() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws IOException, InterruptedException {
        long seed = DEFAULT_SEED;
        int leads = DemoHistory.DEFAULT_LEADS;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seed" -> seed = Long.parseLong(value(args, ++i));
                    case "--leads" -> leads = Integer.parseInt(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (leads < 2 || leads > 1_000_000) {
                throw new IllegalArgumentException("--leads: 2 to 1,000,000");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("l2r: " + e.getMessage());
            System.err.println("usage: bin/l2r demo [--seed N] [--leads N]");
            return 2;
        }
        Settings settings = new Settings(
                ApiClient.env("L2R_LEAD_URL", "http://localhost:8081"),
                ApiClient.env("L2R_FUNNEL_URL", "http://localhost:8082"),
                ApiClient.env("L2R_FORECAST_URL", "http://localhost:8083"),
                seed, leads, LocalDate.now(ZoneOffset.UTC), Duration.ofMinutes(10));
        try {
            load(settings, ApiClient.fromEnvironment(), System.out);
            return 0;
        } catch (LoadFailure e) {
            System.err.println("l2r: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("l2r: a service did not answer (" + e + "); is L2R up? (bin/l2r status)");
            return 1;
        }
    }

    public static Result load(Settings s, ApiClient api, PrintStream out)
            throws IOException, InterruptedException, LoadFailure {
        List<DemoLead> leads = DemoHistory.generate(s.seed(), s.today(), s.leads());
        List<DemoEvent> events = leads.stream().flatMap(l -> l.events().stream())
                .sorted(Comparator.comparing(DemoEvent::occurredAt).thenComparing(DemoEvent::sourceEventId)).toList();
        LocalDate from = s.today().minusYears(2);
        out.printf("Demo history (seed %d): %,d leads, %,d stage changes from %s to %s%n", s.seed(), leads.size(),
                events.size(), from, s.today());
        refuseAnotherDaysHistory(s, api, leads.get(0));

        Figures before = figures(s, api, from);
        Instant started = Instant.now();
        long recorded = 0;
        long duplicates = 0;
        for (int i = 0; i < events.size(); i += BATCH) {
            JsonNode answer = post(s, api, events.subList(i, Math.min(events.size(), i + BATCH)));
            recorded += answer.path("recorded").asLong();
            duplicates += answer.path("duplicates").asLong();
            if (answer.path("rejectedCount").asLong() > 0) {
                throw new LoadFailure("lead-service refused " + answer.path("rejectedCount").asLong()
                        + " demo events, the first: " + answer.path("rejected").path(0));
            }
            out.printf("  posted %,d of %,d%n", Math.min(events.size(), i + BATCH), events.size());
        }
        Duration posting = Duration.between(started, Instant.now());
        out.printf("lead-service recorded %,d, %,d were there already (in %.1f s)%n", recorded, duplicates,
                posting.toMillis() / 1000.0);

        Figures generated = Figures.of(leads);
        Figures expected = recorded == events.size() ? before.plus(generated) : before;
        // a load cut short before: the rest is recorded now, and at least the whole history is to be seen
        boolean partial = recorded > 0 && recorded < events.size();
        Instant deadline = Instant.now().plus(s.patience());
        Figures seen = before;
        while (partial ? !seen.atLeast(generated) : !seen.equals(expected)) {
            if (Instant.now().isAfter(deadline)) {
                throw new LoadFailure("funnel-service and forecast-service did not show the demo history within "
                        + s.patience() + ": expected " + expected + ", seen " + seen);
            }
            Thread.sleep(1_000);
            seen = figures(s, api, from);
        }
        Duration consumed = Duration.between(started, Instant.now());
        out.printf("funnel-service and forecast-service have it all (%.1f s after the first post)%n",
                consumed.toMillis() / 1000.0);

        List<DemoTargets.Target> targets = DemoTargets.of(leads, s.today());
        boolean put = putTargets(s, api, targets, out);
        return new Result(leads.size(), events.size(), recorded, duplicates, put, targets, posting, consumed);
    }

    /** The same seed on another day gives other events under the same ids: they would mix into nonsense. */
    private static void refuseAnotherDaysHistory(Settings s, ApiClient api, DemoLead first)
            throws IOException, InterruptedException, LoadFailure {
        HttpResponse<String> answer = api.send(api.request(s.leadUrl(), "/api/leads/" + first.id()).GET());
        if (answer.statusCode() == 404) {
            return;
        }
        ok(answer, "GET /api/leads/" + first.id());
        String began = JSON.readTree(answer.body()).path("history").path(0).path("occurredAt").asText();
        if (!began.isEmpty() && !Instant.parse(began).equals(first.events().get(0).occurredAt())) {
            throw new LoadFailure("a demo history of seed " + s.seed() + " made on another day is loaded (its first"
                    + " lead began " + began + "); load another seed (--seed), or start afresh: bin/l2r down --purge,"
                    + " then bin/l2r up --demo");
        }
    }

    private static JsonNode post(Settings s, ApiClient api, List<DemoEvent> batch)
            throws IOException, InterruptedException, LoadFailure {
        StringBuilder ndjson = new StringBuilder();
        for (DemoEvent e : batch) {
            ndjson.append(JSON.writeValueAsString(e.asTransition())).append('\n');
        }
        HttpResponse<String> answer = api.send(api.request(s.leadUrl(), "/api/transitions")
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())));
        ok(answer, "POST /api/transitions");
        return JSON.readTree(answer.body());
    }

    static Figures figures(Settings s, ApiClient api, LocalDate from)
            throws IOException, InterruptedException, LoadFailure {
        String period = "from=" + from + "&to=" + s.today();
        HttpResponse<String> funnel = api.send(api.request(s.funnelUrl(), "/api/funnel?" + period).GET());
        ok(funnel, "GET /api/funnel");
        Map<String, Long> entered = new TreeMap<>();
        for (JsonNode stage : JSON.readTree(funnel.body()).path("stages")) {
            long n = stage.path("entered").asLong();
            if (n > 0) {
                entered.put(stage.path("stage").asText(), n);
            }
        }
        HttpResponse<String> kpis = api.send(api.request(s.forecastUrl(),
                "/api/forecast/kpis?" + period + "&currency=" + DemoEvent.CURRENCY).GET());
        ok(kpis, "GET /api/forecast/kpis");
        JsonNode k = JSON.readTree(kpis.body());
        return new Figures(entered, k.path("won").asLong() + k.path("lost").asLong() + k.path("noDecision").asLong());
    }

    /** Puts the demo's targets where there are none; leaves anybody else's alone (a PUT replaces them all). */
    private static boolean putTargets(Settings s, ApiClient api, List<DemoTargets.Target> targets, PrintStream out)
            throws IOException, InterruptedException, LoadFailure {
        HttpResponse<String> current = api.send(api.request(s.forecastUrl(), "/api/forecast/targets").GET());
        ok(current, "GET /api/forecast/targets");
        Set<String> there = new HashSet<>();
        JSON.readTree(current.body()).forEach(t -> there.add(key(t.path("from").asText(), t.path("to").asText(),
                t.path("amount").decimalValue(), t.path("currency").asText(), t.path("owner").asText(null))));
        Set<String> ours = new HashSet<>();
        targets.forEach(t -> ours.add(key(t.from().toString(), t.to().toString(), t.amount(), t.currency(), t.owner())));
        if (there.equals(ours)) {
            out.println("The demo's revenue targets are in place.");
            return false;
        }
        if (!there.isEmpty()) {
            out.println("Revenue targets are already set; the demo's were not put (see GET /api/forecast/targets).");
            return false;
        }
        List<Map<String, Object>> body = new ArrayList<>();
        targets.forEach(t -> body.add(t.asJson()));
        HttpResponse<String> answer = api.send(api.request(s.forecastUrl(), "/api/forecast/targets")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        ok(answer, "PUT /api/forecast/targets");
        DemoTargets.Target quarter = targets.get(0);
        out.printf("Revenue targets put: %s to %s %,.0f %s overall, and per owner; the next quarter too%n",
                quarter.from(), quarter.to(), quarter.amount(), quarter.currency());
        return true;
    }

    private static String key(String from, String to, BigDecimal amount, String currency, String owner) {
        return from + "|" + to + "|" + amount.stripTrailingZeros().toPlainString() + "|" + currency + "|" + owner;
    }

    private static void ok(HttpResponse<String> answer, String what) throws LoadFailure {
        if (answer.statusCode() / 100 != 2) {
            throw new LoadFailure(what + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
