package dev.l2r.funnel;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every date and number the funnel API reads, at and beyond its edges: the widest legal values are answered, the
 * ones beyond are a 400 naming the parameter, never a 500; and a range is not cut into more periods than allowed.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class QueryEdgesTest {

    static final String LAST_INSTANT = "9999-12-31T23:59:59.999999999Z";

    static Response get(String path, Map<String, String> query, String accept) {
        return given().accept(accept).queryParams(query).get(path);
    }

    static void answered(String path, Map<String, String> query) {
        for (String accept : new String[]{"application/json", "text/csv"}) {
            Response r = get(path, query, accept);
            assertThat(r.statusCode()).as(path + " " + query + " as " + accept + ": " + r.asString()).isEqualTo(200);
        }
    }

    static void refused(String path, Map<String, String> query, String field) {
        for (String accept : new String[]{"application/json", "text/csv"}) {
            Response r = get(path, query, accept);
            assertThat(r.statusCode()).as(path + " " + query + " as " + accept + ": " + r.asString()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getString("field")).as(path + " " + query).isEqualTo(field);
        }
    }

    @Test
    void theWidestDatesAreAnswered() {
        answered("/api/funnel", Map.of("from", "1583-01-01", "to", "9999-12-31"));
        answered("/api/funnel", Map.of("from", "1583-01-01T00:00:00Z", "to", LAST_INSTANT));
        answered("/api/funnel/conversion", Map.of("fromStage", "MQL", "toStage", "CLOSED_WON", "from", "1583-01-01",
                "to", "9999-12-31", "groupBy", "channel"));
        answered("/api/funnel/conversion", Map.of("fromStage", "MQL", "toStage", "SAL", "from", "1583-01-01",
                "to", "9999-12-31", "withinDays", "100000", "owner", "ann"));
        answered("/api/funnel/wip", Map.of("asOf", LAST_INSTANT, "limit", "1000"));
        answered("/api/funnel/wip", Map.of("asOf", "1583-01-01"));
        answered("/api/funnel/baseline", Map.of("asOf", "1583-01-01", "months", "120", "compareAsOf", LAST_INSTANT));
        // the most periods allowed: 10,000 weeks, 10,000 months
        answered("/api/funnel/volume", Map.of("stage", "MQL", "from", "1900-01-01", "to", "2091-08-26",
                "interval", "week"));
        answered("/api/funnel/conversion", Map.of("fromStage", "MQL", "toStage", "SQL", "from", "1583-01-01",
                "to", "2416-04-30", "interval", "month"));
    }

    @Test
    void datesBeyondTheYears1583To9999AreRefusedNamingTheParameter() {
        refused("/api/funnel/wip", Map.of("asOf", "+999999999-12-31T23:59:59Z"), "asOf");
        refused("/api/funnel/wip", Map.of("asOf", "-999999999-01-01T00:00:00Z"), "asOf");
        refused("/api/funnel/baseline", Map.of("asOf", "+10000-01-01T00:00:00Z"), "asOf");
        refused("/api/funnel/baseline", Map.of("compareAsOf", "-999999999-01-01T00:00:00Z"), "compareAsOf");
        refused("/api/funnel", Map.of("from", "1582-12-31T23:59:59Z", "to", "2021-01-01"), "from");
        refused("/api/funnel", Map.of("from", "0001-01-01", "to", "2021-01-01"), "from");
        refused("/api/funnel", Map.of("from", "2021-01-01", "to", "+999999999-12-31T23:59:59.999999999Z"), "to");
        refused("/api/funnel/conversion", Map.of("fromStage", "MQL", "toStage", "SQL", "from", "2021-01-01",
                "to", "+10000-01-01T01:00:00+01:00"), "to");
    }

    @Test
    void aRangeCutIntoTooManyPeriodsIsRefusedNamingTo() {
        refused("/api/funnel/conversion", Map.of("fromStage", "MQL", "toStage", "SQL", "from", "1583-01-01",
                "to", "9999-12-31", "interval", "week"), "to");
        refused("/api/funnel/volume", Map.of("stage", "MQL", "from", "1583-01-01", "to", "9999-12-31",
                "interval", "month"), "to");
        // one day into a period past the most
        refused("/api/funnel/volume", Map.of("stage", "MQL", "from", "1900-01-01", "to", "2091-08-27",
                "interval", "week"), "to");
        refused("/api/funnel/conversion", Map.of("fromStage", "MQL", "toStage", "SQL", "from", "1583-01-01",
                "to", "2416-05-01", "interval", "month"), "to");
        Response r = get("/api/funnel/volume", Map.of("stage", "MQL", "from", "1583-01-01", "to", "9999-12-31",
                "interval", "week"), "application/json");
        assertThat(r.jsonPath().getString("detail")).contains("439179 weeks").contains("at most 10000");
    }

    @Test
    void numbersBeyondTheirRangeAreRefusedNamingTheParameter() {
        Map<String, String> conversion = Map.of("fromStage", "MQL", "toStage", "SQL", "from", "2021-01-01",
                "to", "2021-12-31");
        for (String n : new String[]{"-1", "100001", "2147483648", "9223372036854775808", "1e3", "NaN"}) {
            refused("/api/funnel/conversion", with(conversion, "withinDays", n), "withinDays");
        }
        for (String n : new String[]{"-1", "1001", "2147483648", "99999999999999999999"}) {
            refused("/api/funnel/wip", Map.of("limit", n), "limit");
        }
        for (String n : new String[]{"0", "121", "-2147483649", "4294967296"}) {
            refused("/api/funnel/baseline", Map.of("months", n), "months");
        }
    }

    static Map<String, String> with(Map<String, String> query, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(query);
        more.put(name, value);
        return more;
    }
}
