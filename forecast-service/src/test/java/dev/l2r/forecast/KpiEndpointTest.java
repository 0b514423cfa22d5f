package dev.l2r.forecast;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.l2r.forecast.Scenario.at;
import static dev.l2r.forecast.Scenario.event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * GET /api/forecast/kpis over the base pipeline, days 0 to 100: closed are a (won 600 after 2 days), b (lost),
 * d (won 900 after 5 days) and f (no decision); open opportunities at the end are c (1000) and e (no amount).
 * Win rate 2/3, average deal 750, cycle 3.5 days, velocity 2 · 750 · 2/3 / 3.5 = 285.71 a day.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class KpiEndpointTest extends IntegrationTestBase {

    @Test
    void theKpisOfAPeriodWorkedByHand() {
        scenario.publishAndAwait(Scenario.base());
        given().queryParam("from", at(0)).queryParam("to", at(100)).get("/api/forecast/kpis").then().statusCode(200)
                .body("winRate", equalTo(0.666667f))
                .body("averageDealSize", equalTo(750.0f))
                .body("salesCycleDays", equalTo(3.5f))
                .body("openOpportunities", equalTo(2))
                .body("pipelineValue", equalTo(1000.0f))
                .body("opportunitiesWithoutAmount", equalTo(1))
                .body("salesVelocityPerDay", equalTo(285.71f))
                .body("won", equalTo(2)).body("lost", equalTo(1)).body("noDecision", equalTo(1))
                .body("currency", equalTo("USD"));

        // a period holding only b's loss and d's win; at its end (day 36) a and b are closed, c and e not there yet
        given().queryParam("from", at(21)).queryParam("to", at(36)).get("/api/forecast/kpis").then().statusCode(200)
                .body("winRate", equalTo(0.5f)).body("averageDealSize", equalTo(900.0f))
                .body("openOpportunities", equalTo(0)).body("salesVelocityPerDay", equalTo(0.0f));
    }

    @Test
    void groupsAndADateAloneAsTheEnd() {
        scenario.publishAndAwait(List.of(event("g1", "OPPORTUNITY", 1, "100", "smb"),
                event("g1", "CLOSED_WON", 3, null, "smb"), event("g2", "OPPORTUNITY", 1, "300", "ent"),
                event("g2", "CLOSED_LOST", 2, null, "ent"), event("g3", "OPPORTUNITY", 2, "50", "ent")));
        // 2031-01-04 as a date includes that whole day: g1's win on day 3 counts
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-01-04").queryParam("groupBy", "segment")
                .get("/api/forecast/kpis").then().statusCode(200)
                .body("winRate", equalTo(0.5f))
                .body("groups.key", equalTo(List.of("ent", "smb")))
                .body("groups[0].lost", equalTo(1)).body("groups[0].openOpportunities", equalTo(1))
                .body("groups[0].pipelineValue", equalTo(50.0f)).body("groups[0].winRate", equalTo(0.0f))
                .body("groups[1].averageDealSize", equalTo(100.0f))
                .body("groups[1].salesCycleDays", equalTo(2.0f));
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-01-02").get("/api/forecast/kpis").then()
                .statusCode(200).body("winRate", nullValue()).body("averageDealSize", nullValue())
                .body("salesVelocityPerDay", nullValue()).body("openOpportunities", equalTo(2));
    }

    @Test
    void parametersAreValidatedAndNamed() {
        given().queryParam("to", "2031-01-01").get("/api/forecast/kpis").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("from"));
        given().queryParam("from", "2031-02-01").queryParam("to", "2031-01-01").get("/api/forecast/kpis").then()
                .statusCode(400).body("field", equalTo("to"));
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-02-01").queryParam("groupBy", "region")
                .get("/api/forecast/kpis").then().statusCode(400).body("field", equalTo("groupBy"));
    }
}
