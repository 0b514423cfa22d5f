package dev.l2r.lead;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class BatchIntakeTest {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @InjectLocalInfra
    LocalInfra infra;

    @TestHTTPResource("/api/transitions")
    URI transitions;

    static String item(String lead, String stage, String at, String id) {
        return """
                {"leadId":"%s","toStage":"%s","occurredAt":"%s","source":"batch-test","sourceEventId":"%s"}"""
                .formatted(lead, stage, at, id);
    }

    @Test
    void aJsonArrayRecordsTheGoodItemsAndListsTheBadOnesByIndex() {
        String p = "batch-" + UUID.randomUUID() + "-";
        String body = "[" + String.join(",",
                item(p + "a", "MQL", "2025-01-01", p + "1"),
                item(p + "a", "SQL", "2025-01-03", p + "2"),
                item(p + "b", "PROSPECT", "2025-01-01", p + "3"),
                "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"batch-test\"}",
                "{\"leadId\":\"" + p + "c\",\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"batch-test\","
                        + "\"amount\":\"lots\",\"currency\":\"EUR\"}",
                item(p + "d", "MQL", "2999-01-01", p + "4"),
                "42",
                item(p + "a", "SQL", "2025-01-03", p + "2")) + "]";
        List<String> series = List.of("l2r_intake_accepted_total{source=\"batch-test\"}",
                "l2r_intake_duplicates_total{source=\"batch-test\"}",
                "l2r_intake_rejected_total{reason=\"unknown_stage\",source=\"api\"}",
                "l2r_intake_rejected_total{reason=\"implausible_time\",source=\"api\"}");
        List<Double> before = series.stream().map(this::metric).toList();
        given().contentType(ContentType.JSON).body(body).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(2))
                .body("duplicates", equalTo(1))
                .body("rejectedCount", equalTo(5))
                .body("rejected.index", equalTo(List.of(2, 3, 4, 5, 6)))
                .body("rejected.field", equalTo(List.of("toStage", "leadId", "amount", "occurredAt", "body")))
                .body("rejected[2].error", equalTo("expected a number"));
        given().get("/api/leads/{id}", p + "a").then().body("currentStage", equalTo("SQL"))
                .body("history[1].skippedStages", equalTo(List.of("SAL")));
        given().get("/api/leads/{id}", p + "c").then().statusCode(404);

        // the counters moved by what this batch held: two accepted, one duplicate, one unknown stage, one time in
        // the far future (the other refusals count under their own reasons)
        List<Double> after = series.stream().map(this::metric).toList();
        List<Double> moved = new java.util.ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            moved.add(after.get(i) - before.get(i));
        }
        assertThat(moved).as(String.join(", ", series)).containsExactly(2.0, 1.0, 1.0, 1.0);
    }

    /** The value of one series (name and labels as Prometheus writes them), 0 before it exists. */
    private double metric(String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series)
                + " ([0-9.eE+-]+)").matcher(given().get(metrics).asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void ndjsonListsABadLineByItsNumberAndGoesOn() {
        String p = "ndjson-" + UUID.randomUUID() + "-";
        String body = item(p + "a", "MQL", "2025-01-01", p + "1") + "\n"
                + "{\"leadId\": oops\n"
                + "\n"
                + item(p + "a", "OPPORTUNITY", "2025-01-04", p + "2") + "\n";
        given().contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8)).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(2))
                .body("rejected.line", equalTo(List.of(2)))
                .body("rejected[0].field", equalTo("body"));
        given().get("/api/leads/{id}", p + "a").then().body("currentStage", equalTo("OPPORTUNITY"));
    }

    @Test
    void tenThousandItemsInOneRequestAreAllRecordedAndPublished() {
        String p = "bulk-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String body = IntStream.range(0, 10_000)
                .mapToObj(i -> item(p + (i / 2), i % 2 == 0 ? "MQL" : "SQL", "2025-02-0" + (1 + i % 2), p + i))
                .collect(Collectors.joining(",", "[", "]"));
        given().contentType(ContentType.JSON).body(body).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(10_000)).body("rejectedCount", equalTo(0));
        given().get("/api/leads/{id}", p + "4999").then().body("currentStage", equalTo("SQL"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                        .filter(r -> r.key().startsWith(p)).count()).isEqualTo(10_000));
    }

    @Test
    void malformedOrNonArrayBodiesAreRefusedWholeAndStoreNothing() {
        String lead = "batch-bad-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body("[" + item(lead, "MQL", "2025-01-01", "x1") + ",{")
                .post("/api/transitions").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("body")).body("detail", containsString("malformed JSON"));
        given().contentType(ContentType.JSON).body(item(lead, "MQL", "2025-01-01", "x1"))
                .post("/api/transitions").then().statusCode(400).body("detail", containsString("JSON array"));
        given().contentType("text/xml").body("<a/>").post("/api/transitions").then().statusCode(415)
                .contentType("application/problem+json");
        given().get("/api/leads/{id}", lead).then().statusCode(404);
    }

    @Test
    @Timeout(120)
    void bodiesOverTheLimitAre413ProblemsWhetherDeclaredOrChunked() throws Exception {
        String lead = "batch-big-" + UUID.randomUUID();
        byte[] body = ("[" + item(lead, "MQL", "2025-01-01", "big") + " ".repeat(11 * 1024 * 1024) + "]")
                .getBytes(StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // with a Content-Length the body is refused before it is read; without one it is counted as it is read
        for (HttpRequest.BodyPublisher publisher : List.of(HttpRequest.BodyPublishers.ofByteArray(body),
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(transitions)
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .header("X-API-Key", ConfigProvider.getConfig().getValue("l2r.auth.bootstrap-key", String.class))
                    .POST(publisher).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(response.body()).contains("\"field\":\"body\"", "limit of 10485760 bytes");
        }
        given().get("/api/leads/{id}", lead).then().statusCode(404);
        assertThat(given().get(metrics).asString()).contains("reason=\"too_large\"");
    }

    @Test
    void aBatchIsAcceptedWhileKafkaIsDownAndPublishedWhenItIsBack() {
        String p = "batch-down-" + UUID.randomUUID() + "-";
        infra.kafka().stop();
        try {
            given().contentType(ContentType.JSON).body("[" + item(p + "a", "MQL", "2025-01-01", p + "1") + ","
                            + item(p + "a", "SAL", "2025-01-02", p + "2") + "]")
                    .post("/api/transitions").then().statusCode(200).body("accepted", equalTo(2));
        } finally {
            infra.kafka().restart();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                        .filter(r -> r.key().startsWith(p)).map(ConsumerRecord::value)
                        .map(EventJson::readLeadStageChanged).map(LeadStageChanged::toStage).toList())
                .containsExactly("MQL", "SAL"));
    }
}
