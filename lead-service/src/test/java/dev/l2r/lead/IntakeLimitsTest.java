package dev.l2r.lead;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
import static org.hamcrest.Matchers.equalTo;

/**
 * Size limits hold on every endpoint whatever the framing: a chunked body (no Content-Length) over
 * l2r.intake.max-body-size is a 413 problem also where the REST layer binds JSON itself (a single transition, the
 * funnel definition), which before read any chunked body whole. And the definition's texts have limits and take
 * no control characters (PostgreSQL's jsonb refuses a NUL: that was a 500).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class IntakeLimitsTest {

    @TestHTTPResource("/")
    URI root;

    HttpResponse<String> chunked(String method, String path, byte[] body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("X-API-Key", org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("l2r.auth.bootstrap-key", String.class))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(120)
    void chunkedBodiesOverTheLimitAre413ProblemsOnEveryEndpoint() throws Exception {
        String lead = "limits-" + UUID.randomUUID();
        byte[] huge = ("{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\",\"rawStage\":\""
                + "x".repeat(11 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        long versions = given().get("/api/funnel/definition/versions").then().extract().jsonPath().getList("$").size();
        for (String[] call : List.of(new String[]{"POST", "/api/leads/" + lead + "/transitions"},
                new String[]{"PUT", "/api/funnel/definition"}, new String[]{"POST", "/api/webhooks/generic"})) {
            HttpResponse<String> response = chunked(call[0], call[1], huge);
            assertThat(response.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(response.body()).contains("\"field\":\"body\"", "limit of 10485760 bytes");
        }
        // a chunked body under the limit is read as before
        HttpResponse<String> small = chunked("POST", "/api/leads/" + lead + "/transitions",
                "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"api\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(small.statusCode()).isEqualTo(201);
        given().get("/api/leads/{id}", lead).then().body("history.size()", equalTo(1));
        given().get("/api/funnel/definition/versions").then().body("size()", equalTo((int) versions));
    }

    static String stages(String description, String trigger) {
        return """
                {"stages":[{"key":"KNOWN","terminal":false,"outcome":"OPEN"},
                  {"key":"MQL","description":"%s","trigger":"%s","terminal":false,"outcome":"OPEN"},
                  {"key":"CLOSED_WON","terminal":true,"outcome":"WON"}]}""".formatted(description, trigger);
    }

    @Test
    void definitionTextsHaveLimitsAndTakeNoControlCharacters() {
        long versions = given().get("/api/funnel/definition/versions").then().extract().jsonPath().getList("$").size();
        given().contentType(ContentType.JSON).body(stages("a\\u0000b", "t")).put("/api/funnel/definition").then()
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("stages[1].description"));
        given().contentType(ContentType.JSON).body(stages("d", "x".repeat(501))).put("/api/funnel/definition").then()
                .statusCode(400).body("field", equalTo("stages[1].trigger"));
        given().contentType(ContentType.JSON).body(stages("d", "\\ud800")).put("/api/funnel/definition").then()
                .statusCode(400).body("field", equalTo("stages[1].trigger"));
        String manyStages = IntStream.range(0, 101).mapToObj(i -> "{\"key\":\"S" + i + "\",\"terminal\":false}")
                .collect(Collectors.joining(",", "{\"stages\":[", "]}"));
        given().contentType(ContentType.JSON).body(manyStages).put("/api/funnel/definition").then()
                .statusCode(400).body("field", equalTo("stages"));
        String badMapping = """
                {"stages":[{"key":"KNOWN","terminal":false},{"key":"CLOSED_WON","terminal":true,"outcome":"WON"}],
                 "mappings":[{"source":"crm","field":"status","value":"we\\u0000n","stage":"CLOSED_WON"},
                             {"source":"crm","field":"%s","value":"won","stage":"CLOSED_WON"}]}""".formatted("f".repeat(101));
        given().contentType(ContentType.JSON).body(badMapping).put("/api/funnel/definition").then()
                .statusCode(400).body("errors.field", equalTo(List.of("mappings[0].value", "mappings[1].field")));
        given().get("/api/funnel/definition/versions").then().body("size()", equalTo((int) versions));
    }
}
