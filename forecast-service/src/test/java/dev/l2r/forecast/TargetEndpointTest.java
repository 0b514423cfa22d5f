package dev.l2r.forecast;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static dev.l2r.forecast.Scenario.at;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Revenue targets and attainment. Target 3000 for January to April 2031 (days 0–119): won so far by day 100 is
 * 600 + 900; the remaining 20 days add c and e (781.25) and new arrivals 6/90 · ∫_0^20 F_won · 750 with
 * ∫_0^20 F_won = 3 · 1/6 + 15 · 23/48 = 7.6875, i.e. 384.375.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class TargetEndpointTest extends IntegrationTestBase {

    static final String TARGETS = """
            [{"from": "2031-01-01", "to": "2031-04-30", "amount": 3000, "currency": "USD"},
             {"from": "2031-01-01", "to": "2031-04-30", "amount": 400, "currency": "USD", "segment": "x"},
             {"from": "2031-05-01", "to": "2031-05-31", "amount": 9000, "currency": "USD"}]""";

    @Test
    void theForecastShowsAttainmentSoFarExpectedAttainmentAndTheGap() {
        scenario.publishAndAwait(Scenario.base());
        given().contentType(ContentType.JSON).body(TARGETS).put("/api/forecast/targets").then().statusCode(200)
                .body("", hasSize(3));
        given().get("/api/forecast/targets").then().statusCode(200).body("[1].segment", equalTo("x"))
                .body("[0].amount", equalTo(3000));

        JsonPath f = given().queryParam("asOf", at(100)).queryParam("horizonDays", "3")
                .get("/api/forecast").then().statusCode(200).extract().jsonPath();
        assertThat(f.getDouble("target.target")).isEqualTo(3000.0);
        assertThat(f.getDouble("target.attainmentSoFar")).isEqualTo(1500.0);
        assertThat(f.getDouble("target.expectedAttainment")).isCloseTo(1500 + 781.25 + 384.375, within(0.011));
        assertThat(f.getDouble("target.gap")).isCloseTo(3000 - 2665.625, within(0.011));
        assertThat(f.getDouble("target.probabilityToReach")).isBetween(0.0, 1.0);
        assertThat(f.getDouble("target.expectedAttainmentP10"))
                .isLessThanOrEqualTo(f.getDouble("target.expectedAttainmentP90"));

        // per segment: x has won nothing yet; e (3/8 of 750 within 20 days, no later wins) plus x's arrival share
        JsonPath bySegment = given().queryParam("asOf", at(100)).queryParam("horizonDays", "3")
                .queryParam("groupBy", "segment").get("/api/forecast").then().statusCode(200).extract().jsonPath();
        assertThat(bySegment.getDouble("groups.find { it.key == 'x' }.target.attainmentSoFar")).isEqualTo(0.0);
        assertThat(bySegment.getDouble("groups.find { it.key == 'x' }.target.expectedAttainment"))
                .isCloseTo(281.25 + 384.375 / 6, within(0.011));
        assertThat(bySegment.getString("groups.find { it.key == null }.target")).isNull();

        // as of a moment no target covers, there is none
        assertThat(given().queryParam("asOf", at(200)).get("/api/forecast").then().statusCode(200).extract()
                .jsonPath().getString("target")).isNull();
    }

    @Test
    void targetsAreValidated() {
        given().contentType(ContentType.JSON).body("""
                [{"from": "2031-02-01", "to": "2031-01-01", "amount": 1, "currency": "USD"}]""")
                .put("/api/forecast/targets").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("[0].to"));
        given().contentType(ContentType.JSON).body("""
                [{"from": "2031-01-01", "to": "2031-03-31", "amount": 1, "currency": "USD", "owner": "ann"},
                 {"from": "2031-03-01", "to": "2031-04-30", "amount": 1, "currency": "USD", "owner": "ann"}]""")
                .put("/api/forecast/targets").then().statusCode(400).body("field", equalTo("[1].from"));
        given().contentType(ContentType.JSON).body("""
                [{"from": "2031-01-01", "to": "2031-03-31", "amount": -5, "currency": "usd"}]""")
                .put("/api/forecast/targets").then().statusCode(400)
                .body("errors.field", equalTo(java.util.List.of("[0].amount", "[0].currency")));
        given().contentType(ContentType.JSON).body("""
                [{"from": "March", "to": "2031-03-31", "amount": 1, "currency": "USD"}]""")
                .put("/api/forecast/targets").then().statusCode(400).body("field", equalTo("[0].from"));
        given().contentType(ContentType.JSON).body("""
                [{"to": "2031-03-31", "amount": 1, "currency": "USD", "owner": "a", "segment": "b"}]""")
                .put("/api/forecast/targets").then().statusCode(400).body("field", equalTo("[0].from"));
        // nothing was stored by the refused requests
        given().get("/api/forecast/targets").then().statusCode(200).body("", hasSize(0));
    }
}
