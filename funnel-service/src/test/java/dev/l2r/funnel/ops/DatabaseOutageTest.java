package dev.l2r.funnel.ops;

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
 * Funnel queries while the real PostgreSQL is stopped: 503 with Retry-After and a problem that gives nothing away
 * (JSON and CSV alike), then normal answers once it is back.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class DatabaseOutageTest {

    static final List<String> QUERIES = List.of(
            "/api/funnel?from=2021-03-01&to=2021-03-31",
            "/api/funnel/conversion?fromStage=MQL&toStage=CLOSED_WON&from=2021-01-01&to=2021-12-31&groupBy=channel",
            "/api/funnel/volume?stage=MQL&from=2021-01-01&to=2021-12-31&interval=month",
            "/api/funnel/wip?asOf=2021-04-10",
            "/api/funnel/baseline?asOf=2021-04-01&months=3");

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
                    String id = "funnel-outage-" + attempt;
                    assertUnavailable(query, given().header("X-Request-Id", id).get(query), id);
                }
            }
            // a CSV client gets the same problem, not a half-written table
            assertUnavailable("csv", given().accept("text/csv").header("X-Request-Id", "csv-1").get(QUERIES.get(0)),
                    "csv-1");
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
                "jdbc", "sql", "agroal", "refused", "l2r_funnel", "exception", "select")) {
            assertThat(shown).as(what + " shows " + secret).doesNotContain(secret);
        }
    }
}
