package dev.l2r.forecast.rebuild;

import dev.l2r.events.LeadEvent;
import dev.l2r.forecast.RandomLeads;
import dev.l2r.forecast.Scenario;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.KeysOnTopic;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.Tries;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * POST /api/admin/rebuild replays the topic into shadow tables and swaps them in: the forecast, KPIs and backtest
 * answer exactly as before it. The topic also holds other test classes' events (their tables were emptied, the
 * topic was not), so this test's leads live in 1990, before all of those, and every question is asked as of then;
 * the other tests here publish theirs in 2090.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class RebuildTest {

    static final Instant START = Instant.parse("1990-01-01T00:00:00Z");
    /** Leads of this class that must not be in the history of a question about 1990. */
    static final Instant LATER = Instant.parse("2090-01-01T00:00:00Z");
    // in USD, the leads' currency: other classes leave amounts in other currencies in the shared database
    static final List<String> QUESTIONS = List.of(
            "/api/forecast?asOf=1990-05-01T00:00:00Z&horizonDays=60&currency=USD",
            "/api/forecast?asOf=1990-07-20T00:00:00Z&horizonDays=90&groupBy=owner&currency=USD",
            "/api/forecast/kpis?from=1990-01-01&to=1990-06-30&groupBy=owner&currency=USD",
            "/api/forecast/backtest?from=1990-03-01&to=1990-07-31&interval=month&currency=USD");

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URI root;

    Scenario scenario;

    @BeforeEach
    void start() throws Exception {
        scenario = new Scenario(infra, dataSource);
        scenario.reset();
    }

    @AfterEach
    void close() {
        scenario.close();
    }

    @Test
    void theRebuiltTablesAnswerEveryQuestionAsTheLiveOnesDid() throws Exception {
        RandomLeads leads = new RandomLeads(new Random(Tries.seed()), "rebuilt-", 60, START);
        List<LeadEvent> all = new ArrayList<>(leads.first);
        all.addAll(leads.second);
        scenario.publishKindsAndAwait(all);
        List<String> before = answers();
        long rows = rows();

        given().post("/api/admin/rebuild").then().statusCode(202).body("state", equalTo("RUNNING"));
        awaitDone();

        assertThat(answers()).isEqualTo(before);
        // every row of this test's leads is back (the other classes' leads came back from the topic as well)
        assertThat(rows()).isEqualTo(rows);
        // and the live consumer goes on into the swapped-in tables
        RandomLeads more = new RandomLeads(new Random(Tries.seed() + 1), "after-", 5, LATER);
        scenario.publishKindsAndAwait(more.first);
    }

    @Test
    void aSecondRebuildWhileOneRunsIsRefusedHereAndAcrossReplicas() throws Exception {
        scenario.publishKindsAndAwait(new RandomLeads(new Random(Tries.seed()), "busy-", 5, LATER).first);
        try (Connection holder = dataSource.getConnection(); Statement s = holder.createStatement()) {
            // as a live poll would, hold the projection state: the rebuild waits at its swap, still running
            holder.setAutoCommit(false);
            s.executeQuery("SELECT 1 FROM projection_state WHERE id = 1 FOR SHARE").close();
            given().post("/api/admin/rebuild").then().statusCode(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> "swapping the tables in".equals(
                    given().get("/api/admin/rebuild").then().statusCode(200).extract().path("phase")));
            given().post("/api/admin/rebuild").then().statusCode(409).body("status", equalTo(409));
            holder.commit();
        }
        awaitDone();
        // another replica's rebuild holds the advisory lock
        try (Connection other = dataSource.getConnection(); Statement s = other.createStatement()) {
            s.executeQuery("SELECT pg_advisory_lock(" + Rebuilder.LOCK_KEY + ")").close();
            given().post("/api/admin/rebuild").then().statusCode(409)
                    .body("detail", equalTo("a rebuild is running in another replica"));
            s.executeQuery("SELECT pg_advisory_unlock(" + Rebuilder.LOCK_KEY + ")").close();
        }
        given().get("/api/admin/rebuild").then().statusCode(200).body("state", equalTo("DONE"));
    }

    @Test
    void onlyAnAdminMayRebuildOrWatchOne() throws Exception {
        String servers = infra.kafka().bootstrapServers();
        String reader = KeysOnTopic.publish(servers, "forecastrebr", List.of("read"));
        String writer = KeysOnTopic.publish(servers, "forecastrebw", List.of("write"));
        await().atMost(Duration.ofSeconds(10)).until(() -> EndpointAccess.send(root, "GET",
                "/api/forecast/kpis?from=2025-01-01&to=2025-03-31", Map.of("X-API-Key", reader)).statusCode() == 200);
        for (String method : List.of("POST", "GET")) {
            assertThat(EndpointAccess.send(root, method, "/api/admin/rebuild", Map.of()).statusCode())
                    .as(method + " without a key").isEqualTo(401);
            for (String weak : List.of(reader, writer)) {
                assertThat(EndpointAccess.send(root, method, "/api/admin/rebuild", Map.of("X-API-Key", weak))
                        .statusCode()).as(method + " with a weaker key").isEqualTo(403);
            }
        }
        given().get("/api/admin/rebuild").then().statusCode(200);
    }

    private static void awaitDone() {
        await().atMost(Duration.ofSeconds(120)).until(() -> !"RUNNING".equals(
                given().get("/api/admin/rebuild").then().statusCode(200).extract().path("state")));
        given().get("/api/admin/rebuild").then().statusCode(200).body("state", equalTo("DONE"));
    }

    private static List<String> answers() {
        return QUESTIONS.stream().map(q -> given().get(q).then().statusCode(200).extract().asString()).toList();
    }

    /** This test's rows, in all four projected tables. */
    private long rows() throws Exception {
        long n = 0;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String t : List.of("lead_state", "stage_spell", "lead_close", "lead_arrival")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t + " WHERE lead_id LIKE 'rebuilt-%'")) {
                    rs.next();
                    n += rs.getLong(1);
                }
            }
        }
        return n;
    }
}
