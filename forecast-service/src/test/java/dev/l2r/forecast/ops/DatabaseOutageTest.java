package dev.l2r.forecast.ops;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forecast queries while the real PostgreSQL is stopped: 503 with Retry-After and a problem that gives nothing away
 * (reads and writes alike), then normal answers once it is back.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class DatabaseOutageTest {

    static final List<String> QUERIES = List.of(
            "/api/forecast?asOf=2031-04-01&horizonDays=30",
            "/api/forecast/leads?asOf=2031-04-01&horizonDays=30",
            "/api/forecast/kpis?from=2031-01-01&to=2031-03-31",
            "/api/forecast/targets",
            "/api/forecast/backtest?from=2031-01-01&to=2031-03-31");

    @InjectLocalInfra
    LocalInfra infra;

    @Test
    void queriesAnswer503WithRetryAfterWhileTheDatabaseIsDownAndAnswerOnceItIsBack() {
        for (String query : QUERIES) {
            assertThat(given().get(query).statusCode()).as(query).isEqualTo(200);
        }
        infra.postgres().stop();
        try {
            for (String query : QUERIES) {
                // twice: on a pooled connection the stop broke, then on a new one the server refuses
                for (int attempt = 1; attempt <= 2; attempt++) {
                    String id = "forecast-outage-" + attempt;
                    assertUnavailable(query, given().header("X-Request-Id", id).get(query), id);
                }
            }
            // writing targets, and the reverse funnel's question
            assertUnavailable("PUT targets", given().contentType("application/json").header("X-Request-Id", "put-1")
                    .body("[{\"from\":\"2031-01-01\",\"to\":\"2031-03-31\",\"amount\":1,\"currency\":\"USD\"}]")
                    .put("/api/forecast/targets"), "put-1");
            assertUnavailable("plan", given().contentType("application/json").header("X-Request-Id", "plan-1")
                    .body("{\"targetRevenue\":1000,\"periodEnd\":\"2031-06-30\",\"asOf\":\"2031-04-01\"}")
                    .post("/api/forecast/plan"), "plan-1");
        } finally {
            infra.postgres().restart();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200));
        for (String query : QUERIES) {
            assertThat(given().get(query).statusCode()).as(query).isEqualTo(200);
        }
    }

    void assertUnavailable(String what, Response answer, String requestId) {
        String body = answer.asString();
        assertThat(answer.statusCode()).as(what + ": " + body).isEqualTo(503);
        assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
        long retryAfter = ConfigProvider.getConfig().getValue("l2r.db.retry-after", Duration.class).toSeconds();
        assertThat(answer.header("Retry-After")).as(what).isEqualTo(String.valueOf(retryAfter));
        Map<String, Object> problem = answer.jsonPath().getMap("");
        assertThat(problem).as(what).containsEntry("status", 503).containsEntry("requestId", requestId);
        String shown = body.toLowerCase();
        for (String secret : List.of("localhost", "127.0.0.1", String.valueOf(infra.postgres().port()), "postgres",
                "jdbc", "sql", "agroal", "refused", "l2r_forecast", "exception", "select")) {
            assertThat(shown).as(what + " shows " + secret).doesNotContain(secret);
        }
    }
}
