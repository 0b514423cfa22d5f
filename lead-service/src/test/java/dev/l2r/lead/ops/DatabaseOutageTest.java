package dev.l2r.lead.ops;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Intake while the real PostgreSQL is stopped: every intake path answers 503 with Retry-After and a problem that
 * gives nothing away, records nothing, and records normally once the database is back (a webhook sender's retry
 * of the very same delivery then succeeds).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class DatabaseOutageTest {

    static final String OCCURRED = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

    @InjectLocalInfra
    LocalInfra infra;

    /** One request per intake path, each about its own new lead. */
    record Intake(String name, String lead, Function<RequestSpecification, Response> send) {
    }

    static List<Intake> intakes(String run) {
        String single = "outage-single-" + run;
        String batch = "outage-batch-" + run;
        String imported = "outage-import-" + run;
        String hooked = "outage-hook-" + run;
        String webhook = """
                {"leadId":"%s","toStage":"SQL","occurredAt":"%s","source":"crm","sourceEventId":"hook-%s"}"""
                .formatted(hooked, OCCURRED, run);
        return List.of(
                new Intake("single", single, r -> r.contentType(ContentType.JSON).body("""
                        {"toStage":"MQL","occurredAt":"%s","source":"api"}""".formatted(OCCURRED))
                        .post("/api/leads/{id}/transitions", single)),
                new Intake("batch", batch, r -> r.contentType(ContentType.JSON).body("""
                        [{"leadId":"%s","toStage":"MQL","occurredAt":"%s","source":"api"}]""".formatted(batch, OCCURRED))
                        .post("/api/transitions")),
                new Intake("import", imported, r -> r.contentType("text/csv")
                        .body("lead_id,stage,occurred_at\n" + imported + ",MQL," + OCCURRED + "\n")
                        .post("/api/imports?source=outage")),
                new Intake("webhook", hooked, r -> r.contentType(ContentType.JSON)
                        .header("X-L2R-Signature", sign(webhook)).body(webhook.getBytes(StandardCharsets.UTF_8))
                        .post("/api/webhooks/generic")));
    }

    static String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("test-generic-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the answer must not show: where the database is, who logs in, what was asked of it. */
    List<String> secrets() {
        return List.of("localhost", "127.0.0.1", String.valueOf(infra.postgres().port()), "postgres", "jdbc",
                "sql", "psql", "agroal", "hibernate", "refused", "l2r_lead", "exception");
    }

    static long configuredRetryAfter() {
        return ConfigProvider.getConfig().getValue("l2r.db.retry-after", Duration.class).toSeconds();
    }

    @Test
    void everyIntakePathAnswers503WithRetryAfterWhileTheDatabaseIsDownAndRecordsOnceItIsBack() {
        String run = UUID.randomUUID().toString();
        // a recorded change first, so that the pool holds connections the stop will break
        List<Intake> warmUp = intakes("warm-" + run);
        assertThat(warmUp.get(0).send().apply(given()).statusCode()).isEqualTo(201);

        List<Intake> during = intakes(run);
        infra.postgres().stop();
        try {
            for (Intake intake : during) {
                // twice: once on a pooled connection the stop broke, once on a new one the server refuses
                for (int attempt = 1; attempt <= 2; attempt++) {
                    Response answer = intake.send().apply(given().header("X-Request-Id", "outage-" + attempt));
                    assertUnavailable(intake.name() + " #" + attempt, answer, "outage-" + attempt);
                }
            }
            // reads too, whatever wraps the failure: a plain SQLException (a lead's history), an
            // IllegalStateException (the funnel definition's versions)
            assertUnavailable("GET lead", given().header("X-Request-Id", "read-1")
                    .get("/api/leads/{id}", warmUp.get(0).lead()), "read-1");
            assertUnavailable("GET versions", given().header("X-Request-Id", "read-2")
                    .get("/api/funnel/definition/versions"), "read-2");
        } finally {
            infra.postgres().restart();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200));

        // nothing of the refused requests was recorded ...
        for (Intake intake : during) {
            given().get("/api/leads/{id}", intake.lead()).then().statusCode(404);
        }
        // ... and the same requests, sent again, are recorded now: a sender's retry is all it takes
        for (Intake intake : during) {
            Response answer = intake.send().apply(given());
            assertThat(answer.statusCode()).as(intake.name() + ": " + answer.asString()).isIn(200, 201);
            given().get("/api/leads/{id}", intake.lead()).then().statusCode(200);
        }
    }

    void assertUnavailable(String what, Response answer, String requestId) {
        String body = answer.asString();
        assertThat(answer.statusCode()).as(what + ": " + body).isEqualTo(503);
        assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
        assertThat(answer.header("Retry-After")).as(what).isEqualTo(String.valueOf(configuredRetryAfter()));
        Map<String, Object> problem = answer.jsonPath().getMap("");
        assertThat(problem).as(what).containsEntry("status", 503).containsEntry("title", "Service unavailable")
                .containsEntry("type", "https://l2r.dev/problems/503").containsEntry("requestId", requestId);
        assertThat(answer.header("X-Request-Id")).isEqualTo(requestId);
        String shown = (problem.get("title") + " " + problem.get("detail")).toLowerCase();
        for (String secret : secrets()) {
            assertThat(shown).as(what + " shows " + secret).doesNotContain(secret);
        }
    }
}
