package dev.l2r.system;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.ServiceProcess;
import dev.l2r.tools.ApiClient;
import dev.l2r.tools.demo.DemoEvent;
import dev.l2r.tools.demo.DemoHistory;
import dev.l2r.tools.demo.DemoLead;
import dev.l2r.tools.demo.DemoLoad;
import dev.l2r.tools.demo.DemoTargets;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's demo load against the three packaged services on a real Kafka and PostgreSQL: the loader's history
 * shows in funnel-service stage by stage as counted here from the generated events, forecast-service forecasts
 * revenue from it with an interval, and measures attainment against the target the loader put; a second load is all
 * duplicates and changes nothing.
 */
class DemoLoadIT {

    static final long SEED = 7;
    static final int LEADS = 600;
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    static LocalInfra infra;
    static ServiceProcess lead;
    static ServiceProcess funnel;
    static ServiceProcess forecast;

    @BeforeAll
    static void startEverything() throws Exception {
        AsAdmin.everyRequest();
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
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            if (s != null) {
                s.stop();
            }
        }
        if (infra != null) {
            infra.close();
        }
    }

    static DemoLoad.Result load(ByteArrayOutputStream printed) throws Exception {
        DemoLoad.Settings settings = new DemoLoad.Settings(lead.baseUrl(), funnel.baseUrl(), forecast.baseUrl(),
                SEED, LEADS, TODAY, Duration.ofSeconds(120));
        return DemoLoad.load(settings, new ApiClient(ServiceProcess.ADMIN_KEY),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoShowsInTheFunnelAndGivesAForecastWithAttainmentAndLoadsOnce() throws Exception {
        long started = System.nanoTime();
        DemoLoad.Result first = load(new ByteArrayOutputStream());
        System.out.printf("DemoLoadIT: %d leads, %d events loaded and consumed in %.1f s%n", first.leads(),
                first.events(), (System.nanoTime() - started) / 1e9);

        // what the funnel must show, counted here from the generated events: leads entering each stage
        List<DemoLead> leads = DemoHistory.generate(SEED, TODAY, LEADS);
        Map<String, Integer> entered = new HashMap<>();
        int events = 0;
        for (DemoLead l : leads) {
            for (DemoEvent e : l.events()) {
                entered.merge(e.toStage(), 1, Integer::sum);
                events++;
            }
        }
        assertThat(first.events()).isEqualTo(events);
        assertThat(first.recorded()).isEqualTo(events);
        assertThat(first.targetsPut()).isTrue();

        JsonPath f = given().baseUri(funnel.baseUrl()).queryParam("from", TODAY.minusYears(2).toString())
                .queryParam("to", TODAY.toString()).get("/api/funnel").then().statusCode(200).extract().jsonPath();
        for (String stage : FunnelDefinition.canonical().stages().stream().map(s -> s.key()).toList()) {
            assertThat(f.getInt("stages.find { it.stage == '" + stage + "' }.entered")).as(stage)
                    .isEqualTo(entered.getOrDefault(stage, 0));
        }
        assertThat(entered.get(FunnelDefinition.CLOSED_WON)).isPositive();

        // the forecast is not zero, has an interval, and is measured against the demo's quarter target
        DemoTargets.Target quarter = DemoTargets.of(leads, TODAY).get(0);
        JsonPath fc = given().baseUri(forecast.baseUrl()).queryParam("horizonDays", 90).get("/api/forecast")
                .then().statusCode(200).extract().jsonPath();
        assertThat(fc.getDouble("expectedRevenue")).isPositive();
        assertThat(fc.getDouble("p10")).isLessThan(fc.getDouble("p90"));
        assertThat(fc.getString("currency")).isEqualTo("EUR");
        assertThat(fc.getDouble("target.target")).isEqualTo(quarter.amount().doubleValue());
        assertThat(fc.getString("target.from")).isEqualTo(quarter.from() + "T00:00:00Z");
        // won so far in the quarter, counted here
        double wonThisQuarter = leads.stream().filter(l -> l.stage().equals(FunnelDefinition.CLOSED_WON))
                .filter(l -> !l.last().occurredAt().atZone(ZoneOffset.UTC).toLocalDate().isBefore(quarter.from()))
                .mapToDouble(l -> l.last().amount().doubleValue()).sum();
        assertThat(fc.getDouble("target.attainmentSoFar")).isEqualTo(wonThisQuarter);
        assertThat(fc.getDouble("target.expectedAttainment")).isGreaterThan(wonThisQuarter);
        assertThat(fc.getDouble("target.gap")).isEqualTo(quarter.amount().doubleValue()
                - fc.getDouble("target.expectedAttainment"), org.assertj.core.data.Offset.offset(0.01));
        given().baseUri(forecast.baseUrl()).get("/api/forecast/targets").then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(DemoTargets.of(leads, TODAY).size()));

        // a second load is all duplicates: the same figures, targets left as they are
        DemoLoad.Result second = load(new ByteArrayOutputStream());
        assertThat(second.recorded()).isZero();
        assertThat(second.duplicates()).isEqualTo(events);
        assertThat(second.targetsPut()).isFalse();
        JsonPath after = given().baseUri(funnel.baseUrl()).queryParam("from", TODAY.minusYears(2).toString())
                .queryParam("to", TODAY.toString()).get("/api/funnel").then().statusCode(200).extract().jsonPath();
        assertThat(after.getList("stages.entered")).isEqualTo(f.getList("stages.entered"));
    }
}
