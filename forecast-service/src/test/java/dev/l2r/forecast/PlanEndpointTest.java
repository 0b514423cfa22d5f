package dev.l2r.forecast;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static dev.l2r.forecast.Scenario.at;
import static io.restassured.RestAssured.given;
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
