package dev.l2r.forecast;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every date and number the forecast API reads, at and beyond its edges, over the hand-worked pipeline: the
 * widest legal values are answered, the ones beyond are a 400 naming the parameter or field, never a 500.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class QueryEdgesTest extends IntegrationTestBase {

    static final String LAST_INSTANT = "9999-12-31T23:59:59.999999999Z";

    static void answered(String path, Map<String, String> query) {
        Response r = given().queryParams(query).get(path);
        assertThat(r.statusCode()).as(path + " " + query + ": " + r.asString()).isEqualTo(200);
    }

    static void refused(String path, Map<String, String> query, String field) {
        Response r = given().queryParams(query).get(path);
        assertThat(r.statusCode()).as(path + " " + query + ": " + r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("field")).as(path + " " + query).isEqualTo(field);
    }

    static Map<String, String> q(String... nameValue) {
        Map<String, String> query = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            query.put(nameValue[i], nameValue[i + 1]);
        }
        return query;
    }

    @Test
    void theWidestValuesAreAnsweredAndTheOnesBeyondRefused() {
        scenario.publishAndAwait(Scenario.base());

        answered("/api/forecast", q("asOf", LAST_INSTANT, "horizonDays", "3660", "simulations", "100"));
        answered("/api/forecast", q("asOf", "1583-01-01", "horizonDays", "3660", "groupBy", "segment"));
        answered("/api/forecast", q("asOf", "2031-04-01", "simulations", "100000", "seed", "-9223372036854775808"));
        answered("/api/forecast/leads", q("asOf", LAST_INSTANT, "horizonDays", "0.000001", "limit", "100000"));
        answered("/api/forecast/kpis", q("from", "1583-01-01", "to", "9999-12-31", "groupBy", "owner"));
        answered("/api/forecast/backtest", q("from", "2031-01-01", "to", "2040-12-31", "interval", "month",
                "horizonDays", "3660"));

        for (String asOf : new String[]{"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z", "1582-12-31", "0001-01-01"}) {
            refused("/api/forecast", q("asOf", asOf), "asOf");
            refused("/api/forecast/leads", q("asOf", asOf), "asOf");
        }
        for (String days : new String[]{"NaN", "Infinity", "-Infinity", "1e308", "0", "-0", "-1", "3661", "1e-400",
                "0x"}) {
            refused("/api/forecast", q("horizonDays", days), "horizonDays");
            refused("/api/forecast/backtest", q("from", "2031-01-01", "to", "2031-03-31", "horizonDays", days),
                    "horizonDays");
        }
        for (String n : new String[]{"99", "100001", "2147483648", "-2147483649", "1.5", "1e3"}) {
            refused("/api/forecast", q("simulations", n), "simulations");
        }
        refused("/api/forecast", q("seed", "9223372036854775808"), "seed");
        for (String n : new String[]{"0", "100001", "2147483648"}) {
            refused("/api/forecast/leads", q("limit", n), "limit");
        }
        refused("/api/forecast/kpis", q("from", "-999999999-01-01T00:00:00Z", "to", "2031-01-01"), "from");
        refused("/api/forecast/kpis", q("from", "2031-01-01", "to", "+999999999-12-31T23:59:59Z"), "to");
        // ten thousand years of weeks is refused before a single period is made
        Response r = given().queryParams(q("from", "1583-01-01", "to", "9999-12-31", "interval", "week"))
                .get("/api/forecast/backtest");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("field")).isEqualTo("to");
        assertThat(r.jsonPath().getString("detail")).contains("more than 120 week periods");
        refused("/api/forecast/backtest", q("from", "2031-01-01", "to", "2031-03-31", "interval", "day"), "interval");
    }

    @Test
    void bodiesWithDatesAndAmountsBeyondTheirRangeAreRefusedNamingTheField() {
        String plan = """
                {"targetRevenue": %s, "periodEnd": "%s", "asOf": "%s"}""";
        given().contentType(ContentType.JSON).body(plan.formatted("1000", "9999-12-31", "1583-01-01"))
                .post("/api/forecast/plan").then().statusCode(200);
        planRefused(plan.formatted("1e400", "2031-06-30", "2031-04-01"), "targetRevenue");
        planRefused(plan.formatted("1e-400", "2031-06-30", "2031-04-01"), "targetRevenue");
        planRefused(plan.formatted("1000", "+999999999-12-31", "2031-04-01"), "periodEnd");
        planRefused(plan.formatted("1000", "2031-06-30", "+999999999-12-31T00:00:00Z"), "asOf");

        String target = """
                [{"from": "%s", "to": "%s", "amount": %s, "currency": "USD"}]""";
        given().contentType(ContentType.JSON).body(target.formatted("1583-01-01", "9999-12-31", "999999999999999.999999"))
                .put("/api/forecast/targets").then().statusCode(200);
        targetRefused(target.formatted("+999999999-01-01", "+999999999-12-31", "1"), "[0].from");
        targetRefused(target.formatted("2031-01-01", "+10000-01-01", "1"), "[0].to");
        targetRefused(target.formatted("1582-12-31", "2031-01-01", "1"), "[0].from");
        targetRefused(target.formatted("2031-01-01", "2031-03-31", "1e400"), "[0].amount");
        targetRefused(target.formatted("2031-01-01", "2031-03-31", "1e-400"), "[0].amount");
        targetRefused(target.formatted("2031-01-01", "2031-03-31", "1000000000000000"), "[0].amount");
        // the refused plans left the accepted one in place
        given().get("/api/forecast/targets").then().statusCode(200)
                .body("[0].from", org.hamcrest.Matchers.equalTo("1583-01-01"))
                .body("[0].to", org.hamcrest.Matchers.equalTo("9999-12-31"));
        // and the forecast reads it
        answered("/api/forecast", q("asOf", "2031-04-01"));
    }

    static void planRefused(String body, String field) {
        Response r = given().contentType(ContentType.JSON).body(body).post("/api/forecast/plan");
        assertThat(r.statusCode()).as(body + ": " + r.asString()).isEqualTo(400);
        assertThat(r.jsonPath().getString("field")).as(body).isEqualTo(field);
    }

    static void targetRefused(String body, String field) {
        Response r = given().contentType(ContentType.JSON).body(body).put("/api/forecast/targets");
        assertThat(r.statusCode()).as(body + ": " + r.asString()).isEqualTo(400);
        assertThat(r.jsonPath().getString("field")).as(body).isEqualTo(field);
    }
}
