package dev.l2r.forecast;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static dev.l2r.forecast.Scenario.at;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** POST /api/forecast/plan over the base pipeline: the numbers of ReversePlanTest, through the service. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class PlanEndpointTest extends IntegrationTestBase {

    @Test
    void theReverseFunnelWorkedByHand() {
        scenario.publishAndAwait(Scenario.base());
        given().contentType(ContentType.JSON).body("""
                        {"targetRevenue": 5000, "periodStart": "%s", "periodEnd": "%s", "asOf": "%s"}"""
                        .formatted(at(0), at(130), at(100)))
                .post("/api/forecast/plan").then().statusCode(200)
                .body("wonSoFar", equalTo(1500.0f))
                .body("expectedFromPipeline", equalTo(781.25f))
                .body("gap", equalTo(2718.75f))
                .body("averageDealSize", equalTo(750.0f))
                .body("dealsNeeded", equalTo(3.625f))
                .body("currency", equalTo("USD"))
                .body("stages.find { it.stage == 'OPPORTUNITY' }.newLeadsNeeded", equalTo(8))
                .body("stages.find { it.stage == 'OPPORTUNITY' }.winWithinPeriod", equalTo(0.479167f))
                .body("stages.find { it.stage == 'OPPORTUNITY' }.medianDaysToWin", equalTo(3.5f))
                .body("stages.find { it.stage == 'OPPORTUNITY' }.enterBy", equalTo("2031-05-07T12:00:00Z"))
                .body("stages.find { it.stage == 'MQL' }.newLeadsNeeded", nullValue())
                .body("stages.find { it.stage == 'MQL' }.level", equalTo("NO_HISTORY"));
    }

    /**
     * Levers through the API: 20% bigger deals scale everything still expected in the period by 1.2, and leave
     * what is already won alone; a limit gives the cheapest mix.
     */
    @Test
    void leversAreAnsweredWithTheForecastRecomputedUnderThem() {
        scenario.publishAndAwait(Scenario.base());
        io.restassured.path.json.JsonPath p = given().contentType(ContentType.JSON).body("""
                        {"targetRevenue": 5000, "periodStart": "%s", "periodEnd": "%s", "asOf": "%s",
                         "levers": [{"lever": "dealSize", "change": 0.2},
                                    {"lever": "conversion", "stage": "OPPORTUNITY", "change": 0.1}],
                         "limits": [{"lever": "dealSize", "change": 0.5}]}"""
                        .formatted(at(0), at(130), at(100)))
                .post("/api/forecast/plan").then().statusCode(200)
                .body("gap", equalTo(2718.75f)).extract().jsonPath();
        double won = p.getDouble("wonSoFar");
        double expected = p.getDouble("expectedAttainment");
        assertThat(expected).isGreaterThan(won);
        assertThat(p.getDouble("levers[0].expectedAttainment"))
                .isCloseTo(won + 1.2 * (expected - won), org.assertj.core.api.Assertions.within(0.02));
        assertThat(p.getDouble("levers[1].expectedAttainment")).isGreaterThan(expected);
        assertThat(p.getString("levers[1].stage")).isEqualTo("OPPORTUNITY");
        // 5000 is out of reach of deals at most 50% bigger: the mix goes to the limit and says so
        assertThat(p.getDouble("cheapestMix.changes[0].change")).isEqualTo(0.5);
        assertThat(p.getBoolean("cheapestMix.reachesTarget")).isFalse();
        assertThat(p.getDouble("cheapestMix.expectedAttainment"))
                .isCloseTo(won + 1.5 * (expected - won), org.assertj.core.api.Assertions.within(0.02));
    }

    @Test
    void leversAreValidatedAndNamed() {
        String[][] bad = {
                {"[{\"lever\": \"luck\", \"change\": 0.1}]", "levers[0].lever"},
                {"[{\"change\": 0.1}]", "levers[0].lever"},
                {"[{\"lever\": \"dealSize\"}]", "levers[0].change"},
                {"[{\"lever\": \"dealSize\", \"change\": 0}]", "levers[0].change"},
                {"[{\"lever\": \"cycle\", \"change\": 1}]", "levers[0].change"},
                {"[{\"lever\": \"dealSize\", \"stage\": \"SQL\", \"change\": 0.1}]", "levers[0].stage"},
                {"[{\"lever\": \"conversion\", \"channel\": \"web\", \"change\": 0.1}]",
                        "levers[0].channel"}};
        for (String[] b : bad) {
            given().contentType(ContentType.JSON).body("{\"targetRevenue\": 10, \"periodEnd\": \"2031-05-01\", "
                            + "\"asOf\": \"2031-04-01\", \"levers\": " + b[0] + "}")
                    .post("/api/forecast/plan").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo(b[1]));
        }
        given().contentType(ContentType.JSON).body("{\"targetRevenue\": 10, \"periodEnd\": \"2031-05-01\", "
                        + "\"asOf\": \"2031-04-01\", \"limits\": [{\"lever\": \"cycle\", \"change\": 0.1}, "
                        + "{\"lever\": \"cycle\", \"change\": 0.2}]}")
                .post("/api/forecast/plan").then().statusCode(400).body("field", equalTo("limits[1].lever"));
    }

    @Test
    void theRequestIsValidated() {
        String[][] bad = {
                {"{\"periodEnd\": \"2031-05-01\"}", "targetRevenue"},
                {"{\"targetRevenue\": 0, \"periodEnd\": \"2031-05-01\"}", "targetRevenue"},
                {"{\"targetRevenue\": \"lots\", \"periodEnd\": \"2031-05-01\"}", "targetRevenue"},
                {"{\"targetRevenue\": 10}", "periodEnd"},
                {"{\"targetRevenue\": 10, \"periodEnd\": \"soon\"}", "periodEnd"},
                {"{\"targetRevenue\": 10, \"periodEnd\": \"2031-05-01\", \"asOf\": \"2031-06-01\"}", "periodEnd"},
                {"{\"targetRevenue\": 10, \"periodEnd\": \"2031-05-01\", \"asOf\": \"2031-04-01\", "
                        + "\"periodStart\": \"2031-06-01\"}", "periodStart"},
                {"{\"targetRevenue\": 10, \"periodEnd\": \"2031-05-01\", \"currency\": \"dollars\"}", "currency"},
                {"[]", "body"}};
        for (String[] b : bad) {
            given().contentType(ContentType.JSON).body(b[0]).post("/api/forecast/plan").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo(b[1]));
        }
        given().contentType(ContentType.JSON).post("/api/forecast/plan").then().statusCode(400)
                .body("field", equalTo("body"));
    }
}
