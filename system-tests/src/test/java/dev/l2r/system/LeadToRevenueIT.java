package dev.l2r.system;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.ServiceProcess;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The three packaged services as separate processes on a real broker and database: one lead end to end, and its
 * trace, exported by OTLP/HTTP to a receiver in this test.
 */
class LeadToRevenueIT {

    static LocalInfra infra;
    static ServiceProcess lead;
    static ServiceProcess funnel;
    static ServiceProcess forecast;
    static OtlpReceiver traces;

    @BeforeAll
    static void startEverything() throws Exception {
        AsAdmin.everyRequest();
        infra = LocalInfra.startTemporary();
        traces = new OtlpReceiver();
        lead = start("lead-service", "l2r_lead");
        funnel = start("funnel-service", "l2r_funnel");
        forecast = start("forecast-service", "l2r_forecast");
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            s.awaitReady(Duration.ofSeconds(120));
        }
    }

    static ServiceProcess start(String module, String database) throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(ServiceProcess.envFor(infra, database));
        // tracing on, as in Kubernetes, to this test's receiver; spans sent every 200 ms rather than 5 s
        env.put("L2R_OTEL_SDK_DISABLED", "false");
        env.put("L2R_OTEL_EXPORTER_OTLP_ENDPOINT", traces.endpoint());
        env.put("L2R_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
        return ServiceProcess.start(Path.of(System.getProperty("l2r.repo.root", "..")), module, env,
                List.of("-Xmx512m"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        int[] exits = new int[3];
        ServiceProcess[] all = {lead, funnel, forecast};
        for (int i = 0; i < all.length; i++) {
            exits[i] = all[i] == null ? 0 : all[i].stop();
        }
        if (infra != null) {
            infra.close();
        }
        if (traces != null) {
            traces.close();
        }
        // SIGTERM is a clean shutdown for a JVM: 143 is 128 + 15
        assertThat(java.util.Arrays.stream(exits).boxed().toList()).allMatch(code -> code == 0 || code == 143);
    }

    @Test
    void oneLeadFromRestIntakeToFunnelAndForecast() {
        String body = """
                {"toStage":"OPPORTUNITY","occurredAt":"2025-02-10T09:30:00Z","source":"api",
                 "sourceEventId":"sys-1","amount":4200,"currency":"USD","attributes":{"channel":"referral"}}""";
        given().baseUri(lead.baseUrl()).contentType(ContentType.JSON).body(body)
                .post("/api/leads/sys-lead-1/transitions").then().statusCode(201).body("kind", equalTo("ADVANCE"));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().baseUri(funnel.baseUrl()).queryParam("from", "2025-02-01").queryParam("to", "2025-02-28")
                        .get("/api/funnel").then().statusCode(200)
                        .body("stages.find { it.stage == 'OPPORTUNITY' }.entered", equalTo(1))
                        .body("stages.find { it.stage == 'MQL' }.entered", equalTo(0)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().baseUri(forecast.baseUrl()).queryParam("from", "2025-01-01").queryParam("to", "2025-12-31")
                        .get("/api/forecast/kpis").then().statusCode(200)
                        .body("openOpportunities", equalTo(1))
                        .body("pipelineValue", equalTo(4200.0f)));

        given().baseUri(lead.baseUrl()).contentType(ContentType.JSON).body(body.replace("OPPORTUNITY", "CLOSED_WON")
                        .replace("sys-1", "sys-2").replace("2025-02-10", "2025-03-01"))
                .post("/api/leads/sys-lead-1/transitions").then().statusCode(201).body("kind", equalTo("CLOSE"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().baseUri(forecast.baseUrl()).queryParam("from", "2025-01-01").queryParam("to", "2025-12-31")
                        .get("/api/forecast/kpis").then().body("openOpportunities", equalTo(0)));
    }

    @Test
    void oneStageChangeIsOneTraceThroughTheThreeServices() {
        String traceId = dev.l2r.infra.test.TracedRecords.hex(16);
        String callerSpan = dev.l2r.infra.test.TracedRecords.hex(8);
        String eventId = given().baseUri(lead.baseUrl()).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .contentType(ContentType.JSON).body("""
                        {"toStage":"MQL","occurredAt":"2025-04-02T08:00:00Z","source":"api","sourceEventId":"sys-trace-1"}""")
                .post("/api/leads/sys-traced/transitions").then().statusCode(201).extract().path("eventId");

        // the request, the relay's publication, and one apply in each consumer, all in the caller's trace
        List<OtlpReceiver.Span> trace = await().atMost(Duration.ofSeconds(30)).until(
                () -> traces.spans().stream().filter(s -> s.traceId().equals(traceId)).toList(),
                spans -> spans.stream().filter(s -> s.kind() == 5).count() == 2);
        OtlpReceiver.Span request = trace.stream().filter(s -> s.kind() == 2).findFirst().orElseThrow();
        assertThat(request.service()).isEqualTo("lead-service");
        assertThat(request.parentSpanId()).isEqualTo(callerSpan);
        assertThat(request.name()).isEqualTo("POST /api/leads/{leadId}/transitions");
        OtlpReceiver.Span publish = trace.stream().filter(s -> s.kind() == 4).findFirst().orElseThrow();
        assertThat(publish.service()).isEqualTo("lead-service");
        assertThat(publish.parentSpanId()).isEqualTo(request.spanId());
        assertThat(publish.attributes()).containsEntry("l2r.event.id", eventId);
        List<OtlpReceiver.Span> applies = trace.stream().filter(s -> s.kind() == 5).toList();
        assertThat(applies).extracting(OtlpReceiver.Span::service)
                .containsExactlyInAnyOrder("funnel-service", "forecast-service");
        assertThat(applies).allSatisfy(apply -> {
            assertThat(apply.parentSpanId()).isEqualTo(publish.spanId());
            assertThat(apply.name()).isEqualTo("lead-stage-changed process");
            assertThat(apply.attributes()).containsEntry("l2r.event.id", eventId).containsEntry("l2r.outcome", "applied");
        });
    }

    /** HTTP status of a GET with exactly these headers (no key added). */
    static int status(String url, java.util.Map<String, String> headers) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url));
        headers.forEach(request::header);
        return java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aKeyMadeInLeadServiceOpensAllThreeServicesAndItsRevocationClosesThem() throws Exception {
        String funnelQuery = funnel.baseUrl() + "/api/funnel?from=2025-01-01&to=2025-01-31";
        String forecastQuery = forecast.baseUrl() + "/api/forecast/kpis?from=2025-01-01&to=2025-01-31";
        String leadQuery = lead.baseUrl() + "/api/funnel/definition";
        for (String url : List.of(funnelQuery, forecastQuery, leadQuery)) {
            assertThat(status(url, java.util.Map.of())).as(url).isEqualTo(401);
        }
        // the packaged services run in the prod profile: their API documents need a credential too, health not
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            assertThat(status(s.baseUrl() + "/q/openapi", java.util.Map.of())).isEqualTo(401);
            assertThat(status(s.baseUrl() + "/q/swagger-ui/", java.util.Map.of())).isEqualTo(401);
            assertThat(status(s.baseUrl() + "/q/openapi", java.util.Map.of("X-API-Key", ServiceProcess.ADMIN_KEY)))
                    .isEqualTo(200);
            assertThat(status(s.baseUrl() + "/q/health/ready", java.util.Map.of())).isEqualTo(200);
        }
        var made = given().baseUri(lead.baseUrl()).contentType(ContentType.JSON)
                .body("{\"name\":\"dashboard\",\"scopes\":[\"read\"]}").post("/api/admin/keys")
                .then().statusCode(201).extract();
        java.util.Map<String, String> key = java.util.Map.of("X-API-Key", made.path("key"));
        long made0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String url : List.of(funnelQuery, forecastQuery, leadQuery)) {
                assertThat(status(url, key)).as(url).isEqualTo(200);
            }
        });
        System.out.printf("a new key opened all three services %d ms after it was made%n",
                (System.nanoTime() - made0) / 1_000_000);
        assertThat(status(lead.baseUrl() + "/api/admin/keys", key)).isEqualTo(403);

        given().baseUri(lead.baseUrl()).delete("/api/admin/keys/{id}", (String) made.path("id"))
                .then().statusCode(200).body("revokedAt", org.hamcrest.Matchers.notNullValue());
        long revoked0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String url : List.of(funnelQuery, forecastQuery, leadQuery)) {
                assertThat(status(url, key)).as(url).isEqualTo(401);
            }
        });
        System.out.printf("its revocation closed all three %d ms after it was made%n",
                (System.nanoTime() - revoked0) / 1_000_000);
    }

    @Test
    void everyServiceServesHealthMetricsAndOpenApi() {
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            given().baseUri(s.baseUrl()).get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            given().baseUri(s.baseUrl()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
            // metrics only on the management interface: never on the port an Ingress exposes
            given().baseUri(s.managementUrl()).get("/q/metrics").then().statusCode(200)
                    .body(containsString("jvm_memory_used_bytes"));
            given().baseUri(s.baseUrl()).get("/q/metrics").then().statusCode(404);
            given().baseUri(s.managementUrl()).get("/q/health/ready").then().statusCode(404);
            given().baseUri(s.baseUrl()).accept("application/json").get("/q/openapi").then().statusCode(200);
        }
    }
}
