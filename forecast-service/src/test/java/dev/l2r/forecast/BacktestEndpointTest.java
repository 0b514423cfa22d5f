package dev.l2r.forecast;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.l2r.forecast.Scenario.at;
import static dev.l2r.forecast.Scenario.day;
import static dev.l2r.forecast.Scenario.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * GET /api/forecast/backtest over the base pipeline followed further (c wins 1000 on day 104, e is lost on day 112,
 * h enters on 105 with 2000 and wins on 115), in weeks from day 100. Each period's forecast must be the forecast
 * the API gives as of the instant before the period starts, and the actuals what was won in it.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class BacktestEndpointTest extends IntegrationTestBase {

    static String justBefore(double d) {
        return day(d).minus(1, ChronoUnit.MICROS).toString();
    }

    @Test
    void eachPeriodIsTheForecastAsOfItsStartScoredAgainstWhatWasWon() {
        scenario.publishAndAwait(scenario.with(Scenario.base(), event("c", "CLOSED_WON", 104, null, null),
                event("e", "CLOSED_LOST", 112, null, "x"), event("h", "OPPORTUNITY", 105, "2000", null),
                event("h", "CLOSED_WON", 115, null, null)));
        JsonPath b = given().queryParam("from", at(100)).queryParam("to", at(120)).queryParam("interval", "week")
                .get("/api/forecast/backtest").then().statusCode(200).extract().jsonPath();
        assertThat(b.getList("periods.period")).containsExactly("2031-04-11", "2031-04-18", "2031-04-25");
        assertThat(b.getList("periods.actual", Float.class)).containsExactly(1000f, 0f, 2000f);
        assertThat(b.getList("periods.horizonDays", Float.class)).containsExactly(7f, 7f, 6f);
        assertThat(b.getList("periods.runRate", Float.class)).containsExactly(0f, 1000f, 0f);
        assertThat(b.getInt("periodsScored")).isEqualTo(2);
        assertThat(b.getString("note")).contains("1 period");

        double[][] starts = {{100, 7}, {107, 7}, {114, 6}};
        for (int i = 0; i < starts.length; i++) {
            JsonPath f = given().queryParam("asOf", justBefore(starts[i][0]))
                    .queryParam("horizonDays", String.valueOf(starts[i][1])).get("/api/forecast").then()
                    .statusCode(200).extract().jsonPath();
            assertThat(b.getFloat("periods[" + i + "].forecast")).isEqualTo(f.getFloat("expectedRevenue"));
            assertThat(b.getFloat("periods[" + i + "].p90")).isEqualTo(f.getFloat("p90"));
        }
        double forecast1 = b.getDouble("periods[0].forecast");
        double forecast3 = b.getDouble("periods[2].forecast");
        double mape = (Math.abs(forecast1 - 1000) / 1000 + Math.abs(forecast3 - 2000) / 2000) / 2;
        assertThat(b.getDouble("mape")).isCloseTo(mape, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(b.getList("baselines.name")).containsExactly("run-rate", "weighted-pipeline");
        assertThat(b.getDouble("baselines[0].mape")).isEqualTo(1.0);
    }

    @Test
    void monthsByDefault() {
        scenario.publishAndAwait(Scenario.base());
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").get("/api/forecast/backtest").then()
                .statusCode(200).body("interval", equalTo("month"))
                .body("periods.period", equalTo(List.of("2031-01", "2031-02", "2031-03", "2031-04")))
                // a's 600 on day 12 and d's 900 on day 35
                .body("periods.actual", equalTo(List.of(600.0f, 900.0f, 0.0f, 0.0f)));
    }

    /** groupBy scores each group; the overall figures are the same as without it, and bias comes with them. */
    @Test
    void groupsAndSeasonalityAreAskedByParameter() {
        scenario.publishAndAwait(scenario.with(Scenario.base(), event("c", "CLOSED_WON", 104, null, null),
                event("e", "CLOSED_LOST", 112, null, "x"), event("h", "OPPORTUNITY", 105, "2000", null),
                event("h", "CLOSED_WON", 115, null, null)));
        JsonPath plain = given().queryParam("from", at(100)).queryParam("to", at(120)).queryParam("interval", "week")
                .get("/api/forecast/backtest").then().statusCode(200).extract().jsonPath();
        JsonPath grouped = given().queryParam("from", at(100)).queryParam("to", at(120))
                .queryParam("interval", "week").queryParam("groupBy", "owner").queryParam("seasonality", "off")
                .get("/api/forecast/backtest").then().statusCode(200).extract().jsonPath();
        assertThat(grouped.getString("groupBy")).isEqualTo("owner");
        assertThat(grouped.getDouble("mape")).isEqualTo(plain.getDouble("mape"));
        double bias = 0;
        for (int i : new int[]{0, 2}) {
            double actual = plain.getDouble("periods[" + i + "].actual");
            bias += (plain.getDouble("periods[" + i + "].forecast") - actual) / actual / 2;
        }
        assertThat(plain.getDouble("bias")).isCloseTo(bias, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(plain.getList("groups")).isNull();
        // every group's period forecasts add up to the period's
        for (int i = 0; i < 3; i++) {
            double sum = grouped.getList("periods[" + i + "].groups.forecast", Float.class).stream()
                    .mapToDouble(Float::doubleValue).sum();
            assertThat(sum).isCloseTo(grouped.getDouble("periods[" + i + "].forecast"),
                    org.assertj.core.api.Assertions.within(0.05));
        }
        assertThat(grouped.getList("groups.key")).isNotEmpty();
    }

    @Test
    void groupBySeasonalityAndTrendAreValidatedAndNamed() {
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").queryParam("groupBy", "rep")
                .get("/api/forecast/backtest").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("groupBy"));
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").queryParam("seasonality", "on")
                .get("/api/forecast/backtest").then().statusCode(400).body("field", equalTo("seasonality"));
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").queryParam("trend", "yes")
                .get("/api/forecast/backtest").then().statusCode(400).body("field", equalTo("trend"));
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").queryParam("trend", "off")
                .get("/api/forecast/backtest").then().statusCode(200);
    }

    @Test
    void parametersAreValidatedAndNamed() {
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").queryParam("interval", "day")
                .get("/api/forecast/backtest").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("interval"));
        given().queryParam("from", "2031-01-01").queryParam("to", "2040-01-01").queryParam("interval", "week")
                .get("/api/forecast/backtest").then().statusCode(400).body("field", equalTo("to"));
        given().queryParam("from", "2031-01-01").queryParam("to", "2031-04-30").queryParam("horizonDays", "-3")
                .get("/api/forecast/backtest").then().statusCode(400).body("field", equalTo("horizonDays"));
        given().queryParam("to", "2031-04-30").get("/api/forecast/backtest").then().statusCode(400)
                .body("field", equalTo("from"));
    }
}
