package dev.l2r.forecast;

import dev.l2r.infra.test.ActAsBootstrapAdmin;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole plan of 100,000 revenue targets put at once (its speed is measured by the benchmark harness, scenario
 * forecast-targets): stored exactly, an overlap in it found and named, and a body over the limit refused as a
 * 413 problem before anything is read into objects.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class TargetPlanAtScaleTest extends IntegrationTestBase {

    static final int OWNERS = 250;
    static final int DAYS = 400;
    static final LocalDate START = LocalDate.of(2031, 1, 1);

    /** One target a day for each owner (100,000), with an amount that tells them apart. */
    static List<Map<String, Object>> plan() {
        List<Map<String, Object>> targets = new ArrayList<>(OWNERS * DAYS);
        for (int o = 0; o < OWNERS; o++) {
            for (int d = 0; d < DAYS; d++) {
                String day = START.plusDays(d).toString();
                targets.add(Map.of("from", day, "to", day, "amount", o * 1000 + d, "currency", "USD",
                        "owner", "Owner Number " + o));
            }
        }
        return targets;
    }

    static String json(List<Map<String, Object>> targets) {
        StringBuilder body = new StringBuilder(targets.size() * 110).append('[');
        for (int i = 0; i < targets.size(); i++) {
            Map<String, Object> t = targets.get(i);
            body.append(i == 0 ? "" : ",").append("{\"from\":\"").append(t.get("from")).append("\",\"to\":\"")
                    .append(t.get("to")).append("\",\"amount\":").append(t.get("amount"))
                    .append(",\"currency\":\"USD\",\"owner\":\"").append(t.get("owner")).append("\"}");
        }
        return body.append(']').toString();
    }

    static Set<String> keys(List<Map<String, Object>> targets) {
        Set<String> keys = new HashSet<>();
        for (Map<String, Object> t : targets) {
            keys.add(t.get("owner") + "|" + t.get("from") + "|" + t.get("to") + "|" + t.get("amount") + "|"
                    + t.get("currency"));
        }
        return keys;
    }

    /** Plain HTTP: RestAssured keeps a printable copy of every body, which 30 MB bodies do not fit beside. */
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/forecast/targets")
    URI targets;

    /** As the bootstrap admin: plain HTTP requests do not get the key that RestAssured's carry. */
    HttpRequest.Builder request() {
        return HttpRequest.newBuilder(targets).header(ActAsBootstrapAdmin.HEADER,
                ConfigProvider.getConfig().getValue("l2r.auth.bootstrap-key", String.class));
    }

    HttpResponse<String> put(HttpRequest.BodyPublisher body) throws Exception {
        return HTTP.send(request().header("Content-Type", "application/json").PUT(body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    List<Map<String, Object>> stored() throws Exception {
        HttpResponse<String> answer = HTTP.send(request().GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return JSON.readValue(answer.body(), new TypeReference<>() { });
    }

    @Test
    void aPlanOf100000TargetsIsStoredExactlyAndAnOverlapInItIsNamed() throws Exception {
        List<Map<String, Object>> plan = plan();
        assertThat(plan).hasSize(100_000);
        HttpResponse<String> put = put(HttpRequest.BodyPublishers.ofString(json(plan)));
        assertThat(put.statusCode()).as(put.body().substring(0, Math.min(500, put.body().length()))).isEqualTo(200);
        List<Map<String, Object>> answered = JSON.readValue(put.body(), new TypeReference<>() { });
        assertThat(answered).hasSize(100_000);
        assertThat(keys(answered)).isEqualTo(keys(plan));
        assertThat(keys(stored())).isEqualTo(keys(plan));

        // owner 123's day 200 also covered by a two-day target at the end of the body: both named, nothing stored
        List<Map<String, Object>> overlapping = new ArrayList<>(plan);
        String day200 = START.plusDays(200).toString();
        overlapping.add(Map.of("from", day200, "to", START.plusDays(201).toString(), "amount", 1, "currency", "USD",
                "owner", "Owner Number 123"));
        int last = overlapping.size() - 1;
        int day201 = 123 * DAYS + 201;
        HttpResponse<String> refused = put(HttpRequest.BodyPublishers.ofString(json(overlapping)));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("field").asText()).isEqualTo("[" + day201 + "].from");
        assertThat(problem.path("errors")).hasSize(2);
        assertThat(problem.path("errors").get(0).path("message").asText())
                .isEqualTo("overlaps target [" + last + "] of the same scope");
        assertThat(problem.path("errors").get(1).path("field").asText()).isEqualTo("[" + last + "].from");
        assertThat(problem.path("errors").get(1).path("message").asText())
                .isEqualTo("overlaps target [" + (123 * DAYS + 200) + "] of the same scope");
        assertThat(keys(stored())).isEqualTo(keys(plan));

        // the forecast reads its targets from all of them
        given().queryParam("asOf", START.plusDays(10) + "T12:00:00Z").queryParam("groupBy", "owner")
                .get("/api/forecast").then().statusCode(200);
    }

    @Test
    void namesHoldingCopysDelimitersAreStoredAsGiven() throws Exception {
        // a tab, a newline, a carriage return, a backslash and "\N" itself: COPY's text format escapes each
        List<Map<String, Object>> plan = List.of(
                Map.of("from", "2031-01-01", "to", "2031-01-31", "amount", 1, "currency", "USD", "owner", "a\tb"),
                Map.of("from", "2031-01-01", "to", "2031-01-31", "amount", 2, "currency", "USD", "owner", "c\nd\re"),
                Map.of("from", "2031-01-01", "to", "2031-01-31", "amount", 3, "currency", "USD", "owner", "back\\N"),
                Map.of("from", "2031-01-01", "to", "2031-01-31", "amount", 4.5, "currency", "USD", "owner", "\\N"));
        HttpResponse<String> put = put(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(plan)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(keys(stored())).isEqualTo(keys(plan));
    }

    @Test
    void aBodyOverTheLimitIsA413ProblemWhetherItsLengthIsDeclaredOrNot() throws Exception {
        byte[] huge = ("[" + "{\"from\":\"2031-01-01\",\"to\":\"2031-01-01\",\"amount\":1,\"currency\":\"USD\"},"
                .repeat(500_000) + "]").getBytes(StandardCharsets.UTF_8);
        assertThat(huge.length).isGreaterThan(32 * 1024 * 1024);

        assertTooLarge(put(HttpRequest.BodyPublishers.ofByteArray(huge)));
        // chunked: no Content-Length, the limit is found while reading
        assertTooLarge(put(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))));
        assertThat(stored()).isEmpty();
    }

    static void assertTooLarge(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("status").asInt()).isEqualTo(413);
        assertThat(problem.path("field").asText()).isEqualTo("body");
    }
}
