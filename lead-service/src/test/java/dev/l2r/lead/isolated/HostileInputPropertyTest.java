package dev.l2r.lead.isolated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.lead.text.TextRules;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input against every intake endpoint of a running lead-service with its real broker and database:
 * {@value #DEFAULT_CASES} generated requests (seeded; {@code -Dl2r.hostile.seed}, {@code -Dl2r.hostile.cases})
 * from {@link HostileCases}, sent eight at a time. It checks, per answer: no 5xx; every 4xx an RFC 7807 problem
 * (a 400 naming a field); every forged webhook refused 401 and every correctly signed one not; no invalid
 * funnel definition stored; a replay records nothing new. And, over the run: the stage_transition rows added are
 * exactly the items the answers said were recorded, each published exactly once on the topic; the webhook
 * deliveries stored are exactly the ones answered with a delivery id; leads of refused items do not exist and
 * leads of accepted ones do; the funnel definition is the one it started with. A failing case is shrunk
 * ({@link Shrinker}) and printed with its seed. Tagged "property"; it runs once per build, in its own profile.
 */
@QuarkusTest
@TestProfile(IsolatedProfile.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
@Tag("property")
class HostileInputPropertyTest {

    static final int DEFAULT_CASES = 10_000;
    static final long SEED = Long.getLong("l2r.hostile.seed", 20_250_301L);
    static final int CASES = Integer.getInteger("l2r.hostile.cases", DEFAULT_CASES);
    static final int WORKERS = 8;
    /** Every this many cases one is a body over the 10 MB limit (costly, so few). */
    static final int OVERSIZE_EVERY = 2_500;

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URI root;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What the answers said, summed. */
    static final class Tally {
        final Map<HostileCases.Kind, long[]> byKind = new EnumMap<>(HostileCases.Kind.class);
        final Map<Integer, Long> statuses = new TreeMap<>();
        long requests;
        long recorded;
        long unchanged;
        long duplicates;
        long rejectedItems;
        long forgedSent;
        long forgedRefused;
        long replays;
        long oversize;
        long definitionsStored;
        final Set<Long> deliveries = new HashSet<>();
        final Set<String> acceptedLeads = new HashSet<>();
        final Map<String, String> acceptedBy = new java.util.HashMap<>();
        final Set<String> refusedLeads = new HashSet<>();

        synchronized void count(HostileCases.Kind kind, int status) {
            requests++;
            statuses.merge(status, 1L, Long::sum);
            long[] k = byKind.computeIfAbsent(kind, x -> new long[4]);
            k[0]++;
            k[status >= 500 ? 3 : status >= 400 ? 2 : 1]++;
        }
    }

    record Answer(int status, String contentType, JsonNode body) {
    }

    record Failure(int index, List<Integer> choices, String violation, String request) {
    }

    Answer send(HostileCases.Case c, boolean chunked) {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(c.path())).timeout(Duration.ofSeconds(60))
                .header("X-API-Key", org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("l2r.auth.bootstrap-key", String.class))
                .header("Content-Type", c.contentType());
        c.headers().forEach(request::header);
        HttpRequest.BodyPublisher body = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()))
                : HttpRequest.BodyPublishers.ofByteArray(c.body());
        try {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.method(c.method(), body).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.io.IOException e) {
                // a pooled connection the server had closed (it closes one after a 414 or a 413): the request was
                // never read; sent once more on a new connection
                response = http.send(request.method(c.method(), body).build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            JsonNode parsed;
            try {
                parsed = response.body().length == 0 ? null : json.readTree(response.body());
            } catch (Exception e) {
                parsed = null;
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), parsed);
        } catch (Exception e) {
            return new Answer(-1, "", json.getNodeFactory().textNode(String.valueOf(e)));
        }
    }

    /** Sends a case (twice for a replay), checks each answer, adds to the tally; the violation found, or null. */
    String run(HostileCases.Case c, Tally tally, boolean chunked) {
        Answer first = send(c, chunked);
        tally.count(c.kind(), first.status());
        String violation = check(c, first);
        if (violation != null) {
            return violation;
        }
        account(c, first, tally);
        if (c.replay()) {
            Answer again = send(c, chunked);
            tally.count(c.kind(), again.status());
            synchronized (tally) {
                tally.replays++;
            }
            violation = check(c, again);
            if (violation != null) {
                return "replay: " + violation;
            }
            if (again.status() == 201 || (again.status() == 200 && again.body() != null
                    && again.body().path("recorded").asLong(0) > 0)) {
                return "a replay recorded again: " + again.body();
            }
            account(c, again, tally);
        }
        return null;
    }

    static String check(HostileCases.Case c, Answer a) {
        if (a.status() < 0 || a.status() >= 500) {
            return "answered " + a.status() + ": " + a.body();
        }
        if (c.forged() && a.status() != 401) {
            return "a forged delivery was answered " + a.status() + ": " + a.body();
        }
        if (c.signed() && a.status() == 401) {
            return "a correctly signed delivery was refused 401: " + a.body();
        }
        if (c.kind() == HostileCases.Kind.DEFINITION && a.status() < 300) {
            return "an invalid funnel definition was stored: " + a.body();
        }
        if (a.status() >= 400) {
            if (a.status() == 414) {
                return null; // a request line over Vert.x's 4 KB: refused by the HTTP layer before any route runs
            }
            if (!a.contentType().startsWith("application/problem+json") || a.body() == null) {
                return a.status() + " without a problem body (" + a.contentType() + ")";
            }
            if (a.status() == 400 && a.body().path("field").isMissingNode() && a.body().path("errors").isEmpty()) {
                return "a 400 naming no field: " + a.body();
            }
        }
        return null;
    }

    static void account(HostileCases.Case c, Answer a, Tally tally) {
        synchronized (tally) {
            if (c.forged()) {
                tally.forgedSent++;
                if (a.status() == 401) {
                    tally.forgedRefused++;
                    c.leads().stream().filter(l -> l != null).forEach(tally.refusedLeads::add);
                }
                return;
            }
            if (c.kind() == HostileCases.Kind.SINGLE) {
                String lead = c.leads().get(0);
                if (a.status() == 201) {
                    tally.recorded++;
                    tally.acceptedLeads.add(lead);
                } else if (a.status() == 200) {
                    String status = a.body().path("status").asText();
                    if ("duplicate".equals(status)) {
                        tally.duplicates++;
                    } else {
                        tally.unchanged++;
                    }
                } else if (!c.replay() || !tally.acceptedLeads.contains(lead)) {
                    tally.rejectedItems++;
                    tally.refusedLeads.add(lead);
                }
                return;
            }
            if (a.status() != 200 || a.body() == null) {
                if (c.leads() != null && c.kind() != HostileCases.Kind.DEFINITION) {
                    c.leads().stream().filter(l -> l != null).forEach(tally.refusedLeads::add);
                }
                return;
            }
            JsonNode r = a.body();
            tally.recorded += r.path("recorded").asLong();
            tally.unchanged += r.path("unchanged").asLong();
            tally.duplicates += r.path("duplicates").asLong();
            tally.rejectedItems += r.path("rejectedCount").asLong();
            if (r.hasNonNull("deliveryId")) {
                tally.deliveries.add(r.get("deliveryId").asLong());
            }
            boolean positional = c.kind() == HostileCases.Kind.BATCH || c.kind() == HostileCases.Kind.NDJSON
                    || c.kind() == HostileCases.Kind.CSV;
            if (positional && c.leads() != null) {
                Set<Long> refused = new HashSet<>();
                r.path("rejected").forEach(x -> refused.add(x.has("index") ? x.get("index").asLong()
                        : x.get("line").asLong() - (c.kind() == HostileCases.Kind.CSV ? 2 : 1)));
                for (int i = 0; i < c.leads().size(); i++) {
                    String lead = c.leads().get(i);
                    if (lead != null) {
                        (refused.contains((long) i) ? tally.refusedLeads : tally.acceptedLeads).add(lead);
                        tally.acceptedBy.putIfAbsent(lead, c.kind() + " item " + i + " of " + c.describe() + " answered " + r);
                    }
                }
            }
        }
    }

    long scalar(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many of these lead ids are stored (ids PostgreSQL could not even compare are skipped: none is). */
    long storedLeads(Collection<String> leads) throws SQLException {
        return stored(leads).size();
    }

    /** The ones of these lead ids that are stored, as stored. */
    Set<String> stored(Collection<String> leads) throws SQLException {
        // intake strips white space around an id (strip(): Unicode white space, never a control character)
        List<String> comparable = leads.stream().filter(l -> TextRules.nameProblem(l, Integer.MAX_VALUE) == null)
                .map(String::strip).toList();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT lead_id FROM lead WHERE lead_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", comparable.toArray()));
            Set<String> found = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        }
    }

    Set<String> publishedEventIds(List<ConsumerRecord<String, String>> records) {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> r : records) {
            try {
                ids.add(json.readTree(r.value()).path("eventId").asText());
            } catch (Exception e) {
                ids.add("unreadable:" + r.offset());
            }
        }
        return ids;
    }

    JsonNode definition() throws java.io.IOException {
        return json.readTree(io.restassured.RestAssured.given().get("/api/funnel/definition")
                .then().statusCode(200).extract().asString());
    }

    @Test
    @Timeout(600)
    void hostileInputNeverBreaksIntakeAndChangesNothingForWhatItRefuses() throws Exception {
        String bootstrap = infra.kafka().bootstrapServers();
        JsonNode current = definition();
        ObjectNode original = json.createObjectNode();
        original.set("stages", current.get("stages"));
        original.set("mappings", current.get("mappings"));
        long rows0 = scalar("SELECT count(*) FROM stage_transition");
        long published0 = scalar("SELECT count(*) FROM stage_transition WHERE published");
        long deliveries0 = scalar("SELECT count(*) FROM webhook_delivery");
        long versions0 = scalar("SELECT count(*) FROM funnel_definition");
        Set<String> events0 = publishedEventIds(TopicProbe.readAll(bootstrap, LeadStageChanged.TOPIC));

        String runId = UUID.randomUUID().toString().substring(0, 8);
        HostileCases cases = new HostileCases(runId, Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
                root.resolve("/api/webhooks/hubspot").toString(), original);
        Tally tally = new Tally();
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        for (int i = 0; i < CASES; i++) {
            int index = i;
            pool.submit(() -> {
                Tape tape = Tape.random(SEED * 1_000_003L + index);
                HostileCases.Case c = cases.generate(tape);
                boolean chunked = index % 3 == 0;
                if (index % OVERSIZE_EVERY == 1) {
                    c = oversize(c);
                    synchronized (tally) {
                        tally.oversize++;
                    }
                }
                String violation = run(c, tally, chunked);
                if (violation != null) {
                    failures.add(new Failure(index, tape.drawn(), violation, c.describe()));
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(500, TimeUnit.SECONDS)).as("the run ended").isTrue();
        double seconds = (System.nanoTime() - started) / 1e9;

        // the one valid definition of the run: the original, stored again as a new version
        HostileCases.Case restore = new HostileCases.Case(HostileCases.Kind.DEFINITION, "PUT", "/api/funnel/definition",
                "application/json", Map.of(), json.writeValueAsBytes(original), null, false, false, false);
        assertThat(send(restore, false).status()).isEqualTo(200);

        if (!failures.isEmpty()) {
            Failure first = failures.stream().min((a, b) -> Integer.compare(a.index, b.index)).orElseThrow();
            List<Integer> shrunk = Shrinker.shrink(first.choices, choices ->
                    run(cases.generate(Tape.replay(choices)), new Tally(), false) != null, 60);
            HostileCases.Case minimal = cases.generate(Tape.replay(shrunk));
            throw new AssertionError(failures.size() + " of " + CASES + " cases broke a rule (seed " + SEED + "); first: case "
                    + first.index + ": " + first.violation + "\n  request: " + first.request
                    + "\n  shrunk to choices " + shrunk + ": " + minimal.describe()
                    + "\n  which answers: " + run(minimal, new Tally(), false));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> scalar("SELECT count(*) FROM outbox") == 0);
        List<ConsumerRecord<String, String>> records = TopicProbe.readAll(bootstrap, LeadStageChanged.TOPIC);
        Set<String> events = publishedEventIds(records);
        events.removeAll(events0);
        long newRecords = records.stream().filter(r -> {
            try {
                return !events0.contains(json.readTree(r.value()).path("eventId").asText());
            } catch (Exception e) {
                return true;
            }
        }).count();
        long rows = scalar("SELECT count(*) FROM stage_transition") - rows0;
        long published = scalar("SELECT count(*) FROM stage_transition WHERE published") - published0;
        long deliveries = scalar("SELECT count(*) FROM webhook_delivery") - deliveries0;
        long versions = scalar("SELECT count(*) FROM funnel_definition") - versions0;
        long refusedStored = storedLeads(tally.refusedLeads);
        long acceptedStored = storedLeads(tally.acceptedLeads);
        JsonNode after = definition();

        String report = """
                hostile input run: seed %d, %d cases, %d requests in %.1f s (%d workers)
                  by endpoint (requests / 2xx / 4xx / 5xx): %s
                  statuses: %s
                  items recorded %d, unchanged %d, duplicates %d, refused %d; replays %d; oversize bodies %d
                  forged webhook deliveries %d, refused 401: %d
                  stage_transition rows added %d (published %d), events newly on the topic %d (records %d)
                  webhook deliveries stored %d, answered with a delivery id %d
                  leads of refused items stored: %d of %d; leads of accepted items stored: %d of %d
                  funnel definition versions added %d (the restore), definition unchanged: %b"""
                .formatted(SEED, CASES, tally.requests, seconds, WORKERS,
                        tally.byKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + "/"
                                + e.getValue()[1] + "/" + e.getValue()[2] + "/" + e.getValue()[3])
                                .collect(Collectors.joining(", ")),
                        tally.statuses, tally.recorded, tally.unchanged, tally.duplicates, tally.rejectedItems,
                        tally.replays, tally.oversize, tally.forgedSent, tally.forgedRefused, rows, published,
                        events.size(), newRecords, deliveries, tally.deliveries.size(), refusedStored,
                        tally.refusedLeads.size(), acceptedStored, tally.acceptedLeads.size(), versions,
                        after.get("stages").equals(original.get("stages"))
                                && after.get("mappings").equals(original.get("mappings")));
        System.out.println(report);

        assertThat(tally.requests).as(report).isGreaterThanOrEqualTo(CASES);
        assertThat(tally.statuses.keySet()).as(report).allMatch(s -> s < 500);
        assertThat(tally.forgedRefused).as(report).isEqualTo(tally.forgedSent).isPositive();
        assertThat(tally.recorded).as(report).isPositive();
        assertThat(tally.rejectedItems).as(report).isPositive();
        assertThat(rows).as("rows added = items recorded; " + report).isEqualTo(tally.recorded);
        assertThat(published).as(report).isEqualTo(tally.recorded);
        assertThat((long) events.size()).as("each recorded item published; " + report).isEqualTo(tally.recorded);
        assertThat(newRecords).as("each published once; " + report).isEqualTo(tally.recorded);
        assertThat(deliveries).as(report).isEqualTo(tally.deliveries.size());
        assertThat(refusedStored).as(report).isZero();
        Set<String> missing = new HashSet<>(tally.acceptedLeads.stream().map(String::strip).toList());
        missing.removeAll(stored(tally.acceptedLeads));
        assertThat(missing.stream().map(l -> escaped(l) + " <- " + tally.acceptedBy.get(l)).sorted().toList())
                .as("leads of accepted items not stored; " + report).isEmpty();
        assertThat(versions).as(report).isEqualTo(1);
        assertThat(after.get("stages")).isEqualTo(original.get("stages"));
        assertThat(after.get("mappings")).isEqualTo(original.get("mappings"));
        assertThat(seconds).as("run time").isLessThan(110);
    }

    static String escaped(String s) {
        return s.chars().mapToObj(ch -> ch < 32 || ch > 126 ? String.format("\\u%04x", ch) : String.valueOf((char) ch))
                .collect(Collectors.joining());
    }

    /** The same request with a body over the 10 MB limit (its own content, padded). */
    static HostileCases.Case oversize(HostileCases.Case c) {
        byte[] body = new byte[10 * 1024 * 1024 + 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        System.arraycopy(c.body(), 0, body, 0, Math.min(c.body().length, body.length));
        // refused 413 before anything else (its signature is not even looked at); an import may be this large
        boolean bodyLimited = !c.path().startsWith("/api/imports");
        return new HostileCases.Case(c.kind(), c.method(), c.path(), c.contentType(), Map.of(), body,
                bodyLimited ? c.leads() : null, false, false, false);
    }
}
