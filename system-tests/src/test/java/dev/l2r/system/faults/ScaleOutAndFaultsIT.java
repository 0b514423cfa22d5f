package dev.l2r.system.faults;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.ServiceProcess;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.system.AsAdmin;
import dev.l2r.system.faults.Cluster.Service;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of funnel-service and of forecast-service (one of lead-service) as separate processes, each service
 * with its own PostgreSQL server, under the faults of issue 17: processes SIGKILLed in the middle of their work,
 * databases and the broker stopped under a steady stream, a record one projection cannot apply, a funnel definition
 * stored while a rebuild runs, a replica killed during a catch-up. Each test streams new leads through lead-service
 * (a channel and a month of their own), counts what lead-service accepted from its answers ({@link Ledger}), and
 * asserts afterwards that both projections count exactly that: every accepted event once, none lost, none twice.
 * Each prints its figures as a row of RELIABILITY.md's table.
 * <p>
 * Consumers run with a Kafka session timeout of 10 s (the clients' default is 45 s): a SIGKILLed consumer's
 * partitions go to another member after that long, and the test waits for it.
 */
@Tag("faults")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutAndFaultsIT {

    static final Duration EXACT_WITHIN = Duration.ofSeconds(180);
    static Cluster cluster;
    static final List<String> rows = new ArrayList<>();

    @BeforeAll
    static void startEverything() throws Exception {
        AsAdmin.everyRequest();
        Map<String, String> consumers = Map.of("KAFKA_SESSION_TIMEOUT_MS", "10000");
        Map<String, String> funnel = new HashMap<>(consumers);
        funnel.put("L2R_CATCH_UP_CHECK_INTERVAL", "1s");
        cluster = Cluster.start(Map.of(Service.LEAD, 1, Service.FUNNEL, 2, Service.FORECAST, 2), Map.of(
                // the relay publishes 100 rows at a time: a kill finds it in the middle of a backlog more often
                Service.LEAD, Map.of("L2R_OUTBOX_BATCH_SIZE", "100"),
                Service.FUNNEL, funnel,
                Service.FORECAST, consumers));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        System.out.println("\n| fault | events | accepted | lost (funnel / forecast) | counted twice (funnel / forecast) "
                + "| recovery | what happened |\n|---|---:|---:|---:|---:|---:|---|");
        rows.forEach(System.out::println);
        if (cluster != null) {
            cluster.close();
        }
    }

    // ---------------------------------------------------------------- scale out

    @Test
    @Order(1)
    void twoReplicasOfEachConsumerSharePartitionsAndRebuildOneAtATime() throws Exception {
        for (Service s : List.of(Service.FUNNEL, Service.FORECAST)) {
            awaitTrue(Duration.ofSeconds(60), s.module + ": every replica has partitions, six together", () -> {
                List<Integer> assigned = cluster.replicas(s).stream().map(ScaleOutAndFaultsIT::assignedPartitions).toList();
                return assigned.stream().allMatch(n -> n > 0) && assigned.stream().mapToInt(n -> n).sum() == 6;
            });
        }
        LeadStream stream = stream("replicas", 1, LeadStream.Shape.SINGLE, 3_000, 300, 100);
        awaitTrue(Duration.ofSeconds(30), "a third accepted", () -> stream.ledger().leads() >= 1_000);
        // both replicas asked at the same instant: one rebuild runs, the other replica answers 409
        List<Integer> answers = atOnce(cluster.replicas(Service.FUNNEL).stream().map(p -> (java.util.concurrent.Callable<Integer>) () ->
                given().baseUri(p.baseUrl()).post("/api/admin/rebuild").then().extract().statusCode()).toList());
        assertThat(answers).containsExactlyInAnyOrder(202, 409);
        stream.awaitEnd(Duration.ofSeconds(60));
        Projections done = awaitExact(stream, Set.of(), Set.of());
        awaitTrue(Duration.ofSeconds(60), "the rebuild done", () -> "DONE".equals(rebuildState()));
        for (Service s : List.of(Service.FUNNEL, Service.FORECAST)) {
            for (ServiceProcess p : cluster.replicas(s)) {
                assertThat(given().baseUri(p.baseUrl()).queryParam("from", "2024-01-01").queryParam("to", "2024-01-31")
                        .get(s == Service.FUNNEL ? "/api/funnel" : "/api/forecast/kpis").then().extract().statusCode())
                        .as("every replica answers queries").isEqualTo(200);
            }
        }
        row("none: two replicas of each consumer, a rebuild asked of both at once during the stream", stream, done,
                null, "answers to the two rebuild requests " + answers + "; both replicas of each consumer held partitions");
    }

    // ---------------------------------------------------------------- faults

    @Test
    @Order(2)
    void consumersKilledInTheMiddleOfABatchAndRestarted() throws Exception {
        LeadStream stream = stream("killed-consumers", 2, LeadStream.Shape.SINGLE, 6_000, 300, 100);
        awaitTrue(Duration.ofSeconds(30), "a quarter accepted", () -> stream.ledger().leads() >= 1_500);
        Map<Service, Integer> openAtKill = new HashMap<>();
        for (Service s : List.of(Service.FUNNEL, Service.FORECAST)) {
            openAtKill.put(s, awaitWritingTransaction(s));
            for (ServiceProcess p : cluster.replicas(s)) {
                assertThat(p.kill()).isEqualTo(137);
            }
        }
        long killed = System.nanoTime();
        Ledger.Funnel funnelThen = stream.ledger().funnel(Set.of());
        Ledger.Forecast forecastThen = stream.ledger().forecast(Set.of());
        for (Service s : List.of(Service.FUNNEL, Service.FORECAST)) {
            for (int i = 0; i < 2; i++) {
                cluster.relaunch(s, i, Map.of());
            }
        }
        cluster.awaitReady();
        Duration ready = Duration.ofNanos(System.nanoTime() - killed);
        Duration recovery = awaitCovering(stream, funnelThen, forecastThen, killed);
        stream.awaitEnd(Duration.ofSeconds(60));
        Projections done = awaitExact(stream, Set.of(), Set.of());
        row("funnel-service and forecast-service (both replicas of each) SIGKILLed in the middle of a batch, then "
                + "restarted", stream, done, recovery, String.format(Locale.ROOT, "killed with %d (funnel) and %d "
                + "(forecast) writing transactions open; the four new processes ready after %.1f s",
                openAtKill.get(Service.FUNNEL), openAtKill.get(Service.FORECAST), ready.toMillis() / 1000.0));
    }

    @Test
    @Order(3)
    void leadServiceKilledWhileTheRelayPublishes() throws Exception {
        LeadStream stream = stream("killed-lead", 3, LeadStream.Shape.SINGLE, 4_000, 400, 200);
        awaitTrue(Duration.ofSeconds(30), "a quarter accepted", () -> stream.ledger().leads() >= 1_000);
        long outbox = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection c = cluster.sql(Service.LEAD)) {
            while (outbox == 0 && System.nanoTime() < deadline) {
                outbox = count(c, "SELECT count(*) FROM outbox");
            }
        }
        assertThat(outbox).as("outbox rows waiting to be published when killed").isPositive();
        assertThat(cluster.replica(Service.LEAD, 0).kill()).isEqualTo(137);
        long killed = System.nanoTime();
        Ledger.Funnel funnelThen = stream.ledger().funnel(Set.of());
        Ledger.Forecast forecastThen = stream.ledger().forecast(Set.of());
        cluster.relaunch(Service.LEAD, 0, Map.of()).awaitReady(Duration.ofSeconds(180));
        Duration ready = Duration.ofNanos(System.nanoTime() - killed);
        Duration recovery = awaitCovering(stream, funnelThen, forecastThen, killed);
        stream.awaitEnd(Duration.ofSeconds(90));
        Projections done = awaitExact(stream, Set.of(), Set.of());
        Published published = published(stream);
        row("lead-service SIGKILLed while the relay publishes", stream, done, recovery, String.format(Locale.ROOT,
                "%d outbox rows waiting at the kill; the new process ready after %.1f s; %d requests without an "
                        + "answer, resent: %d of their events had been recorded; %d events published twice (consumers "
                        + "drop the repeat)", outbox, ready.toMillis() / 1000.0, stream.answers().getOrDefault("no answer", 0),
                stream.recordedBeforeLostAnswer(), published.twice()));
    }

    @Test
    @Order(4)
    void eachServicesDatabaseStoppedForNinetySecondsUnderASteadyStream() throws Exception {
        LeadStream stream = stream("databases-down", 4, LeadStream.Shape.SINGLE, 7_500, 50, 25);
        awaitTrue(Duration.ofSeconds(30), "the stream under way", () -> stream.ledger().leads() >= 250);
        Duration outage = Duration.ofSeconds(90);
        // the consumers' databases first, lead-service's half-way through: each down 90 s, events arriving at the
        // consumers during theirs (accepted while lead-service's is up), intake refused during lead-service's
        cluster.postgres(Service.FUNNEL).stop();
        cluster.postgres(Service.FORECAST).stop();
        long consumersDown = System.nanoTime();
        sleepUntil(consumersDown + outage.toNanos() / 2);
        cluster.postgres(Service.LEAD).stop();
        long leadDown = System.nanoTime();
        int acceptedBeforeLeadDown = stream.ledger().events();
        sleepUntil(consumersDown + outage.toNanos());
        cluster.postgres(Service.FUNNEL).restart();
        cluster.postgres(Service.FORECAST).restart();
        long consumersBack = System.nanoTime();
        Ledger.Funnel funnelThen = stream.ledger().funnel(Set.of());
        Ledger.Forecast forecastThen = stream.ledger().forecast(Set.of());
        CompletableFuture<Duration> consumersRecovered = CompletableFuture.supplyAsync(() ->
                awaitCovering(stream, funnelThen, forecastThen, consumersBack, false));
        sleepUntil(leadDown + outage.toNanos());
        int acceptedDuringLeadOutage = stream.ledger().events() - acceptedBeforeLeadDown;
        cluster.postgres(Service.LEAD).restart();
        long leadBack = System.nanoTime();
        Ledger.Funnel funnelAtLead = stream.ledger().funnel(Set.of());
        Ledger.Forecast forecastAtLead = stream.ledger().forecast(Set.of());
        Duration leadRecovery = awaitCovering(stream, funnelAtLead, forecastAtLead, leadBack);
        Duration consumersRecovery = consumersRecovered.get();
        stream.awaitEnd(Duration.ofSeconds(120));
        Projections done = awaitExact(stream, Set.of(), Set.of());
        assertThat(acceptedDuringLeadOutage).as("events accepted while lead-service's database was down").isZero();
        row("funnel-service's and forecast-service's PostgreSQL stopped 90 s, lead-service's 90 s from half-way "
                + "through, under a steady stream of 50 events/s", stream, done, consumersRecovery, String.format(Locale.ROOT,
                "each service its own server; intake answered %d × 503 while its database was down, the sender resent "
                        + "them; lead-service accepting and both projections complete %.1f s after its database was back",
                stream.answers().getOrDefault("503", 0), leadRecovery.toMillis() / 1000.0));
    }

    @Test
    @Order(5)
    void kafkaStoppedForSixtySecondsDuringATenThousandEventStream() throws Exception {
        LeadStream stream = stream("kafka-down", 5, LeadStream.Shape.SINGLE, 10_000, 140, 70);
        awaitTrue(Duration.ofSeconds(30), "the stream under way", () -> stream.ledger().leads() >= 500);
        long down = System.nanoTime();
        cluster.kafka().stop();
        int acceptedAtStop = stream.ledger().events();
        sleepUntil(down + Duration.ofSeconds(60).toNanos());
        int acceptedDuringOutage = stream.ledger().events() - acceptedAtStop;
        cluster.kafka().restart();
        long back = System.nanoTime();
        Ledger.Funnel funnelThen = stream.ledger().funnel(Set.of());
        Ledger.Forecast forecastThen = stream.ledger().forecast(Set.of());
        Duration recovery = awaitCovering(stream, funnelThen, forecastThen, back);
        stream.awaitEnd(Duration.ofSeconds(120));
        Projections done = awaitExact(stream, Set.of(), Set.of());
        Published published = published(stream);
        row("Kafka stopped 60 s during a 10,000-event stream (140 events/s)", stream, done, recovery,
                String.format(Locale.ROOT, "lead-service accepted %d events while the broker was down (kept in its "
                        + "outbox); %d published twice", acceptedDuringOutage, published.twice()));
    }

    @Test
    @Order(6)
    void aRecordOneProjectionCannotApplyIsDeadLetteredAndTheRestApplied() throws Exception {
        // valid events, readable by every consumer, that one projection's database refuses every time (a
        // constraint added for the test, as a schema drift or a bad value would): SQLSTATE 23514
        String funnelPoison = "poison-funnel-1";
        String forecastPoison = "poison-forecast-1";
        execute(Service.FUNNEL, "ALTER TABLE event_log ADD CONSTRAINT fault_poison CHECK (lead_id <> '" + funnelPoison + "') NOT VALID");
        execute(Service.FORECAST, "ALTER TABLE event_log ADD CONSTRAINT fault_poison CHECK (lead_id <> '" + forecastPoison + "') NOT VALID");
        LeadStream stream = stream("poison", 6, LeadStream.Shape.SINGLE, 1_000, 200, 50);
        try {
            awaitTrue(Duration.ofSeconds(30), "half accepted", () -> stream.ledger().leads() >= 500);
            Ledger.Lead a = new Ledger.Lead(funnelPoison, List.of("OPPORTUNITY"), new java.math.BigDecimal("777"));
            Ledger.Lead b = new Ledger.Lead(forecastPoison, List.of("CLOSED_WON"), new java.math.BigDecimal("888"));
            String body = "[" + stream.item(a, "OPPORTUNITY", YearMonth.of(2024, 6).atDay(10).atStartOfDay()
                    .toInstant(java.time.ZoneOffset.UTC)) + "," + stream.item(b, "CLOSED_WON", YearMonth.of(2024, 6)
                    .atDay(11).atStartOfDay().toInstant(java.time.ZoneOffset.UTC)) + "]";
            given().baseUri(cluster.url(Service.LEAD)).contentType(ContentType.JSON).body(body).post("/api/transitions")
                    .then().statusCode(200).body("recorded", org.hamcrest.Matchers.equalTo(2));
            stream.ledger().accept(List.of(a, b));
            long sent = System.nanoTime();
            stream.awaitEnd(Duration.ofSeconds(60));
            Projections done = awaitExact(stream, Set.of(funnelPoison), Set.of(forecastPoison));
            Duration settled = Duration.ofNanos(System.nanoTime() - sent);
            assertThat(deadLettered("lead-stage-changed-dlq-funnel", funnelPoison)).as("funnel's dead letters").isEqualTo(1);
            assertThat(deadLettered("lead-stage-changed-dlq-forecast", forecastPoison)).as("forecast's dead letters").isEqualTo(1);
            // an operator sees each where it was set aside, removes the cause and replays it: then counted once
            Map<Service, Long> letters = new HashMap<>();
            for (Map.Entry<Service, String> poison : Map.of(Service.FUNNEL, funnelPoison, Service.FORECAST, forecastPoison).entrySet()) {
                JsonPath page = given().baseUri(cluster.url(poison.getKey())).get("/api/admin/dead-letters").then()
                        .statusCode(200).extract().jsonPath();
                List<Map<String, Object>> open = page.getList("deadLetters.findAll { it.record.leadId == '" + poison.getValue() + "' }");
                assertThat(open).as(poison.getKey().module + "'s dead letters for " + poison.getValue()).hasSize(1);
                assertThat(String.valueOf(open.get(0).get("detail"))).contains("23514");
                letters.put(poison.getKey(), ((Number) open.get(0).get("id")).longValue());
            }
            execute(Service.FUNNEL, "ALTER TABLE event_log DROP CONSTRAINT fault_poison");
            execute(Service.FORECAST, "ALTER TABLE event_log DROP CONSTRAINT fault_poison");
            for (Map.Entry<Service, Long> letter : letters.entrySet()) {
                given().baseUri(cluster.url(letter.getKey())).post("/api/admin/dead-letters/{id}/replay", letter.getValue())
                        .then().statusCode(200).body("outcome", org.hamcrest.Matchers.equalTo("applied"));
            }
            awaitExact(stream, Set.of(), Set.of());
            row("a valid record one projection cannot apply (a CHECK constraint refuses it: SQLSTATE 23514), one for "
                    + "each projection, amid 1,000 others", stream.events() + 2, stream, Set.of(funnelPoison),
                    Set.of(forecastPoison), done, settled, "each dead-lettered by the projection that cannot apply it "
                    + "(after its attempts), counted by the other; every other event applied; time from sending them "
                    + "until both projections were exact; replayed through the admin API once the constraint was "
                    + "dropped: then counted once by both");
        } finally {
            execute(Service.FUNNEL, "ALTER TABLE event_log DROP CONSTRAINT IF EXISTS fault_poison");
            execute(Service.FORECAST, "ALTER TABLE event_log DROP CONSTRAINT IF EXISTS fault_poison");
            stream.close();
        }
    }

    @Test
    @Order(7)
    void aNewFunnelDefinitionStoredWhileARebuildRuns() throws Exception {
        LeadStream stream = stream("definition", 7, LeadStream.Shape.SKIP, 2_000, 200, 100);
        awaitTrue(Duration.ofSeconds(30), "a quarter accepted", () -> stream.ledger().leads() >= 500);
        double forecastRebuildsBefore = sum(Service.FORECAST, "l2r_forecast_rebuilds_total");
        given().baseUri(cluster.url(Service.FUNNEL)).post("/api/admin/rebuild").then().statusCode(202);
        awaitTrue(Duration.ofSeconds(30), "the rebuild under way", () -> "RUNNING".equals(rebuildState()));

        // a DEMO stage between SQL and OPPORTUNITY: every lead of this stream skips through it
        JsonPath current = given().baseUri(cluster.url(Service.LEAD)).get("/api/funnel/definition").then()
                .statusCode(200).extract().jsonPath();
        List<Map<String, Object>> stages = new ArrayList<>(current.getList("stages"));
        int opportunity = stages.stream().map(s -> s.get("key")).toList().indexOf("OPPORTUNITY");
        stages.add(opportunity, Map.of("key", "DEMO", "description", "demo held", "trigger", "demo meeting",
                "terminal", false, "outcome", "OPEN"));
        long version = ((Number) given().baseUri(cluster.url(Service.LEAD)).contentType(ContentType.JSON)
                .body(Map.of("stages", stages)).put("/api/funnel/definition").then().statusCode(200)
                .extract().path("version")).longValue();
        String[] storedDuring = new String[1];
        awaitTrue(Duration.ofSeconds(30), "funnel-service stored the definition", () -> {
            try (Connection c = cluster.sql(Service.FUNNEL); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT d.version, r.state, r.reason, r.phase FROM funnel_definition d, "
                         + "rebuild_status r")) {
                if (rs.next() && rs.getLong(1) == version) {
                    storedDuring[0] = rs.getString(2) + " (" + rs.getString(3) + ", phase: " + rs.getString(4) + ")";
                    return true;
                }
                return false;
            }
        });
        assertThat(storedDuring[0]).as("the rebuild when the definition was stored").startsWith("RUNNING (requested over the API");
        stream.awaitEnd(Duration.ofSeconds(60));
        awaitTrue(Duration.ofSeconds(120), "a rebuild under the new definition done", () -> {
            JsonPath r = given().baseUri(cluster.url(Service.FUNNEL)).get("/api/admin/rebuild").then().extract().jsonPath();
            return "DONE".equals(r.getString("state")) && ("funnel definition version " + version).equals(r.getString("reason"));
        });
        Projections done = awaitExact(stream, Set.of(), Set.of());
        JsonPath funnel = given().baseUri(cluster.url(Service.FUNNEL)).queryParam("from", "2024-07-01")
                .queryParam("to", "2024-07-31").queryParam("channel", stream.channel).queryParam("includeSkipped", "true")
                .get("/api/funnel").then().statusCode(200).extract().jsonPath();
        assertThat(funnel.getString("stages.find { it.stage == 'SQL' }.nextStage")).isEqualTo("DEMO");
        assertThat(funnel.getInt("stages.find { it.stage == 'DEMO' }.entered")).isEqualTo(stream.ledger().leads());
        double forecastRebuilds = sum(Service.FORECAST, "l2r_forecast_rebuilds_total") - forecastRebuildsBefore;
        assertThat(forecastRebuilds).as("forecast rebuilds for one new definition, over both replicas").isEqualTo(1);
        row("a new funnel definition (a stage added) stored while a funnel rebuild runs, under a stream", stream, done,
                null, "stored while the rebuild was " + storedDuring[0] + "; a second rebuild under version " + version
                        + " followed; forecast-service rebuilt once over its two replicas");
    }

    @Test
    @Order(8)
    void oneReplicaOfTwoKilledDuringACatchUp() throws Exception {
        for (ServiceProcess p : cluster.replicas(Service.FUNNEL)) {
            assertThat(p.stop()).isIn(0, 143);
        }
        // a backlog of 12,000 while no funnel replica runs, then both back with a watch that replays at once
        LeadStream stream = stream("catch-up", 8, LeadStream.Shape.SINGLE, 12_000, 6_000, 500);
        stream.awaitEnd(Duration.ofSeconds(60));
        awaitTrue(Duration.ofSeconds(60), "the outbox published", () -> {
            try (Connection c = cluster.sql(Service.LEAD)) {
                return count(c, "SELECT count(*) FROM outbox") == 0;
            }
        });
        Map<String, String> replaySoon = Map.of("L2R_CATCH_UP_MIN_LAG", "2000", "L2R_CATCH_UP_MIN_SHARE", "0.1");
        for (int i = 0; i < 2; i++) {
            cluster.relaunch(Service.FUNNEL, i, replaySoon);
        }
        String[] phase = new String[1];
        awaitTrue(Duration.ofSeconds(120), "a catch-up replay past its start", () -> {
            // read in the database: the replicas may not answer HTTP yet, the watch looks as they start
            try (Connection c = cluster.sql(Service.FUNNEL); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT state, reason, phase FROM rebuild_status")) {
                phase[0] = rs.next() && rs.getString(1).equals("RUNNING") && rs.getString(2).startsWith("catching up")
                        && !rs.getString(3).equals("starting") && !rs.getString(3).startsWith("waiting")
                        ? rs.getString(3) : null;
                return phase[0] != null;
            }
        });
        List<Integer> replaying = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            if (cluster.replica(Service.FUNNEL, i).log().contains("catching up: ")) {
                replaying.add(i);
            }
        }
        assertThat(replaying).as("replicas that started a replay").hasSize(1);
        assertThat(cluster.replica(Service.FUNNEL, replaying.get(0)).kill()).isEqualTo(137);
        long killed = System.nanoTime();
        Projections done = awaitExact(stream, Set.of(), Set.of());
        Duration recovery = Duration.ofNanos(System.nanoTime() - killed);
        awaitTrue(Duration.ofSeconds(60), "the rebuild status no longer running", () -> !"RUNNING".equals(rebuildState()));
        // caught up, the survivor replays no more: the group commits some seconds after the consumer has passed the
        // replay point, and its watch (every second here) must not take that for a backlog
        Thread.sleep(8_000);
        ServiceProcess survivor = cluster.replica(Service.FUNNEL, 1 - replaying.get(0));
        long replays = survivor.log().lines().filter(l -> l.contains("catching up: ")).count();
        assertThat(replays).as("replays the survivor started").isLessThanOrEqualTo(1);
        JsonPath status = given().baseUri(survivor.baseUrl()).get("/api/admin/rebuild").then().extract().jsonPath();
        assertThat(status.getString("state")).isNotEqualTo("RUNNING");
        String after = status.getString("state") + " (" + status.getString("reason") + ")";
        row("one funnel-service replica of two SIGKILLed during a catch-up replay (a backlog of 12,000)", stream, done,
                recovery, "killed in the phase \"" + phase[0] + "\"; the survivor started " + replays
                        + " replay of its own; the last rebuild afterwards: " + after);
    }

    // ---------------------------------------------------------------- helpers

    static LeadStream stream(String channel, int month, LeadStream.Shape shape, int leads, double perSecond, int perRequest) {
        return new LeadStream(() -> cluster.url(Service.LEAD), channel, YearMonth.of(2024, month), shape, leads,
                perSecond, perRequest).start();
    }

    static YearMonth month(LeadStream stream) {
        return YearMonth.of(2024, switch (stream.channel) {
            case "replicas" -> 1;
            case "killed-consumers" -> 2;
            case "killed-lead" -> 3;
            case "databases-down" -> 4;
            case "kafka-down" -> 5;
            case "poison" -> 6;
            case "definition" -> 7;
            default -> 8;
        });
    }

    static Projections read(LeadStream stream) {
        return Projections.read(cluster.url(Service.FUNNEL), cluster.url(Service.FORECAST), stream.channel, month(stream));
    }

    /** Waits until both projections count exactly what was accepted (less the leads each is to leave out). */
    static Projections awaitExact(LeadStream stream, Set<String> notInFunnel, Set<String> notInForecast) throws Exception {
        Ledger.Funnel funnel = stream.ledger().funnel(notInFunnel);
        Ledger.Forecast forecast = stream.ledger().forecast(notInForecast);
        long deadline = System.nanoTime() + EXACT_WITHIN.toNanos();
        Projections last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = read(stream);
                if (last.matches(funnel, forecast)) {
                    return last;
                }
            } catch (Exception | AssertionError notNow) {
                // a replica restarting, a database coming back (RestAssured throws ConnectException unchecked)
            }
            Thread.sleep(250);
        }
        throw new AssertionError(stream.channel + ": the projections did not come to count exactly what was accepted "
                + "within " + EXACT_WITHIN + ": expected " + funnel + " " + forecast + ", last read " + last);
    }

    static Duration awaitCovering(LeadStream stream, Ledger.Funnel funnel, Ledger.Forecast forecast, long since) {
        return awaitCovering(stream, funnel, forecast, since, true);
    }

    /**
     * The recovery time: from {@code since} (the end of a fault) until both projections count at least every event
     * accepted by then and, when {@code intakeToo}, lead-service has accepted a request again.
     */
    static Duration awaitCovering(LeadStream stream, Ledger.Funnel funnel, Ledger.Forecast forecast, long since,
                                  boolean intakeToo) {
        long deadline = since + EXACT_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if ((!intakeToo || stream.lastAcceptedNanos() > since) && read(stream).covers(funnel, forecast)) {
                    return Duration.ofNanos(System.nanoTime() - since);
                }
            } catch (Exception | AssertionError notNow) {
                // not answering yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(stream.channel + ": not recovered within " + EXACT_WITHIN + "; expected at least "
                + funnel + " " + forecast);
    }

    /** One row of RELIABILITY.md's table, printed now and again at the end. */
    static void row(String fault, LeadStream stream, Projections done, Duration recovery, String what) {
        row(fault, stream.events(), stream, Set.of(), Set.of(), done, recovery, what);
    }

    /**
     * @param events what was sent; {@code notInFunnel}, {@code notInForecast}: leads each projection was to set
     *               aside (dead-lettered), not lost
     */
    static void row(String fault, int events, LeadStream stream, Set<String> notInFunnel, Set<String> notInForecast,
                    Projections done, Duration recovery, String what) {
        Ledger.Funnel funnel = stream.ledger().funnel(notInFunnel);
        Ledger.Forecast forecast = stream.ledger().forecast(notInForecast);
        String row = String.format(Locale.ROOT, "| %s | %,d | %,d | %d / %d | %d / %d | %s | %s |", fault,
                events, stream.ledger().events(), done.funnelLost(funnel), done.forecastLost(forecast),
                done.funnelTwice(funnel), done.forecastTwice(forecast),
                recovery == null ? "–" : String.format(Locale.ROOT, "%.1f s", recovery.toMillis() / 1000.0), what);
        System.out.println("FAULT " + row);
        rows.add(row);
    }

    record Published(int records, int distinctEvents) {
        int twice() {
            return records - distinctEvents;
        }
    }

    /** The stream's events on the topic: each accepted change once at least, and recorded once (one event id). */
    static Published published(LeadStream stream) {
        String prefix = stream.channel + "-";
        List<LeadStageChanged> events = TopicProbe.readAll(cluster.kafka().bootstrapServers(), LeadStageChanged.TOPIC)
                .stream().map(ConsumerRecord::value).map(EventJson::readLeadStageChanged)
                .filter(e -> e.leadId().startsWith(prefix)).toList();
        Set<java.util.UUID> ids = events.stream().map(LeadStageChanged::eventId).collect(Collectors.toSet());
        Set<String> changes = events.stream().map(e -> e.leadId() + "/" + e.toStage()).collect(Collectors.toSet());
        Set<String> accepted = new HashSet<>();
        stream.ledger().accepted().forEach(l -> l.stages().forEach(s -> accepted.add(l.id() + "/" + s)));
        assertThat(changes).as("changes published").isEqualTo(accepted);
        assertThat(ids).as("event ids published: one per accepted change").hasSize(accepted.size());
        return new Published(events.size(), ids.size());
    }

    static long deadLettered(String topic, String leadId) {
        return TopicProbe.readAll(cluster.kafka().bootstrapServers(), topic).stream()
                .filter(r -> r.value() != null && r.value().contains("\"" + leadId + "\"")).count();
    }

    /** Waits for a transaction of the service that has written (an xid) and is not committed yet; returns how many. */
    static int awaitWritingTransaction(Service s) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection c = cluster.sql(s)) {
            while (System.nanoTime() < deadline) {
                long open = count(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL");
                if (open > 0) {
                    return (int) open;
                }
            }
        }
        throw new AssertionError(s.module + " had no transaction in progress within 20 s");
    }

    static int assignedPartitions(ServiceProcess p) {
        String metrics = given().baseUri(p.managementUrl()).get("/q/metrics").then().extract().asString();
        return (int) metrics.lines().filter(l -> l.startsWith("kafka_consumer_coordinator_assigned_partitions{")
                        && l.contains("lead-stage-changed"))
                .mapToDouble(l -> Double.parseDouble(sample(l))).sum();
    }

    /** A counter summed over a service's replicas. */
    static double sum(Service s, String counter) {
        double total = 0;
        for (ServiceProcess p : cluster.replicas(s)) {
            String metrics = given().baseUri(p.managementUrl()).get("/q/metrics").then().extract().asString();
            total += metrics.lines().filter(l -> l.startsWith(counter + "{") || l.startsWith(counter + " "))
                    .mapToDouble(l -> Double.parseDouble(sample(l))).sum();
        }
        return total;
    }

    static String rebuildState() {
        return given().baseUri(cluster.url(Service.FUNNEL)).get("/api/admin/rebuild").then().extract().path("state");
    }

    static void execute(Service s, String sql) throws SQLException {
        try (Connection c = cluster.sql(s); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static <T> List<T> atOnce(List<java.util.concurrent.Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(calls.size());
            List<Future<T>> futures = new ArrayList<>();
            for (java.util.concurrent.Callable<T> call : calls) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static void awaitTrue(Duration timeout, String what, CheckedCondition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                last = e instanceof Exception ex ? ex : new RuntimeException(e);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + timeout + ": " + what, last);
    }

    @FunctionalInterface
    interface CheckedCondition {
        boolean holds() throws Exception;
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** The value of a Prometheus sample line, without an OpenMetrics exemplar ({@code … 3 # {trace_id="…"} 1 1.7e9}). */
    static String sample(String line) {
        int exemplar = line.indexOf(" # ");
        String sample = exemplar < 0 ? line : line.substring(0, exemplar);
        return sample.substring(sample.lastIndexOf(' ') + 1);
    }
}
