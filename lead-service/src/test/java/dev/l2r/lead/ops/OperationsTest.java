package dev.l2r.lead.ops;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Health as Kubernetes probes see it, against the real broker and database: readiness goes DOWN while
 * PostgreSQL is unreachable and UP again after, but not while Kafka is (the outbox holds intake; Kafka is a
 * wellness check), liveness stays UP throughout, and the startup check reports
 * the schema version Flyway applied. Plus the request id every response carries.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class OperationsTest {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    /** A probe that does not answer within this counts as failed, as a Kubernetes probe with timeoutSeconds. */
    static final RestAssuredConfig PROBE = RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.socket.timeout", 10_000).setParam("http.connection.timeout", 2_000));

    @InjectLocalInfra
    LocalInfra infra;

    static Response probe(String path) {
        return given().config(PROBE).get(path);
    }

    static String checkStatus(Response health, String check) {
        List<String> status = health.jsonPath().getList("checks.findAll { it.name == '" + check + "' }.status");
        assertThat(status).as("check %s in %s", check, health.asString()).hasSize(1);
        return status.get(0);
    }

    double metric(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)(?: # .*)?$")
                .matcher(given().get(metrics).asString());
        assertThat(m.find()).as("metric %s", name).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /**
     * The outbox holds intake while Kafka is away, so a Kafka outage does not take lead-service out of its
     * Service: readiness stays UP, Kafka is reported DOWN at /q/health/well, transitions are still taken, and the
     * relay's lag shows in the metrics until the broker is back and the rows are published.
     */
    @Test
    void aKafkaOutageLeavesLeadServiceReadyAndShowsAsWellnessAndRelayLag() {
        assertThat(probe("/q/health/ready").statusCode()).isEqualTo(200);
        assertThat(checkStatus(probe("/q/health/well"), "Kafka cluster reachable")).isEqualTo("UP");
        String lead = "ops-outage-" + UUID.randomUUID();
        infra.kafka().stop();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Response well = probe("/q/health/well");
                assertThat(well.statusCode()).isEqualTo(503);
                assertThat(checkStatus(well, "Kafka cluster reachable")).isEqualTo("DOWN");
            });
            Response ready = probe("/q/health/ready");
            assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
            assertThat(ready.jsonPath().getList("checks.name")).doesNotContain("Kafka cluster reachable");
            given().contentType(ContentType.JSON).body("""
                    {"toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api"}""")
                    .post("/api/leads/{id}/transitions", lead).then().statusCode(201);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(metric("l2r_outbox_backlog")).isGreaterThanOrEqualTo(1);
                assertThat(metric("l2r_outbox_oldest_age_seconds")).isGreaterThan(1);
            });
            assertThat(probe("/q/health/live").statusCode()).isEqualTo(200);
        } finally {
            infra.kafka().restart();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(probe("/q/health/well").statusCode()).isEqualTo(200);
            assertThat(metric("l2r_outbox_backlog")).isZero();
            assertThat(metric("l2r_outbox_oldest_age_seconds")).isZero();
        });
        assertThat(probe("/q/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void readinessFollowsTheDatabaseWhileLivenessStaysUp() {
        assertThat(probe("/q/health/ready").statusCode()).isEqualTo(200);
        infra.postgres().stop();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Response ready = probe("/q/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(checkStatus(ready, "Database connections health check")).isEqualTo("DOWN");
            });
            assertThat(probe("/q/health/live").statusCode()).isEqualTo(200);
        } finally {
            infra.postgres().restart();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(probe("/q/health/ready").statusCode()).isEqualTo(200));
        assertThat(probe("/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void startedReportsTheSchemaVersionFlywayApplied() throws IOException {
        given().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name == 'Database schema migrated' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Database schema migrated' }.data.version",
                        equalTo(newestMigration(Path.of("src/main/resources/db/migration"))));
    }

    /** The highest V{n}__ version among the migration scripts, read from the files rather than from Flyway. */
    static String newestMigration(Path dir) throws IOException {
        Pattern versioned = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*\\.sql");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> versioned.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1).replace('_', '.'))
                    .max((a, b) -> compareVersions(a, b)).orElseThrow();
        }
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Long.compare(i < x.length ? Long.parseLong(x[i]) : 0, i < y.length ? Long.parseLong(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Test
    void everyResponseCarriesARequestIdAndKeepsTheCallersPlainOne() {
        String lead = "ops-" + UUID.randomUUID();
        String body = """
                {"toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api"}""";
        given().header("X-Request-Id", "gateway-1234").contentType(ContentType.JSON).body(body)
                .post("/api/leads/{id}/transitions", lead).then().statusCode(201)
                .header("X-Request-Id", "gateway-1234");
        String generated = given().header("X-Request-Id", "not plain\tvalue").get("/api/leads/{id}", lead)
                .then().statusCode(200).extract().header("X-Request-Id");
        assertThat(UUID.fromString(generated)).isNotNull();
        // problems carry one as well
        String problem = given().get("/api/leads/{id}", "no-such-" + UUID.randomUUID())
                .then().statusCode(404).extract().header("X-Request-Id");
        assertThat(problem).isNotBlank();
    }

    @Test
    void metricsShowTheOutboxRelayProducerAndRouteLatencyTaggedByWebhookSource() {
        given().contentType(ContentType.JSON).body("""
                {"toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api"}""")
                .post("/api/leads/{id}/transitions", "ops-" + UUID.randomUUID()).then().statusCode(201);
        String text = given().get(metrics).then().statusCode(200).extract().asString();
        assertThat(text).contains("l2r_outbox_backlog").contains("l2r_outbox_oldest_age_seconds");
        assertThat(text).containsPattern(
                "http_server_requests_seconds_count\\{[^}]*uri=\"/api/leads/\\{leadId}/transitions\"[^}]*webhook_source=\"none\"");
        assertThat(text).containsPattern("kafka_producer_[a-z_]+\\{[^}]*client_id=\"lead-service-outbox\"");
    }

    @Test
    void metricsAreOnlyOnTheManagementPortWhileHealthAndOpenApiStayOnTheHttpPort() {
        assertThat(metrics.getPort()).isPositive().isNotEqualTo(RestAssured.port);
        given().get(metrics).then().statusCode(200);
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200);
        given().get("/q/swagger-ui/").then().statusCode(200);
        // and the management interface serves nothing but metrics
        given().get(metrics.toString().replace("/q/metrics", "/q/health/ready")).then().statusCode(404);
        given().get(metrics.toString().replace("/q/metrics", "/api/funnel/definition")).then().statusCode(404);
    }
}
