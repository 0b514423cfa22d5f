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

/** The three packaged services as separate processes on a real broker and database: one lead end to end. */
class LeadToRevenueIT {

    static LocalInfra infra;
    static ServiceProcess lead;
    static ServiceProcess funnel;
    static ServiceProcess forecast;

    @BeforeAll
    static void startEverything() throws Exception {
        infra = LocalInfra.startTemporary();
        lead = start("lead-service", "l2r_lead");
        funnel = start("funnel-service", "l2r_funnel");
        forecast = start("forecast-service", "l2r_forecast");
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            s.awaitReady(Duration.ofSeconds(120));
        }
    }

    static ServiceProcess start(String module, String database) throws Exception {
        return ServiceProcess.start(Path.of(System.getProperty("l2r.repo.root", "..")), module,
                ServiceProcess.envFor(infra, database), List.of("-Xmx512m"));
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
