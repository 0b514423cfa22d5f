package dev.l2r.forecast;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.l2r.forecast.Scenario.at;
import static dev.l2r.forecast.Scenario.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

/**
 * GET /api/forecast and /api/forecast/leads over events sent through the real broker. With the test profile's
 * thresholds the stage curve of the base pipeline is the one worked by hand in ForecastModelTest: over 3 days from
 * day 100, c wins with 1/2 (1000) and e with 3/8 (750), 781.25; the six arrivals of the last 90 days add
 * 6/90 · ∫_0^3 F_won · 750 = 6/90 · 1/6 · 750 = 8.33.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class ForecastEndpointTest extends IntegrationTestBase {

    static JsonPath forecast(double asOfDay, String horizonDays, String... more) {
        var request = given().queryParam("asOf", at(asOfDay)).queryParam("horizonDays", horizonDays);
        for (int i = 0; i < more.length; i += 2) {
            request = request.queryParam(more[i], more[i + 1]);
        }
        return request.get("/api/forecast").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theForecastIsTheHandWorkedOneEvenWithClosesDeliveredFirstAndEventsTwice() {
        List<LeadStageChanged> events = new ArrayList<>(Scenario.base());
        scenario.publishAndAwait(events);
        // the same events again: a redelivery changes nothing (waited for until the consumer has read past them)
        scenario.redeliverAndAwait(events);

        JsonPath f = forecast(100, "3");
        assertThat(f.getDouble("expectedRevenue")).isCloseTo(789.58, within(0.001));
        assertThat(f.getDouble("expectedWonDeals")).isCloseTo(0.8861, within(1e-9));
        assertThat(f.getString("currency")).isEqualTo("USD");
        assertThat(f.getInt("byStage.find { it.stage == 'OPPORTUNITY' }.openLeads")).isEqualTo(2);
        assertThat(f.getDouble("byStage.find { it.stage == 'OPPORTUNITY' }.expectedRevenue")).isEqualTo(781.25);
        assertThat(f.getInt("byStage.find { it.stage == 'OPPORTUNITY' }.levels.ALL_SEGMENTS")).isEqualTo(2);
        assertThat(f.getInt("byStage.find { it.stage == 'MQL' }.openLeads")).isZero();
        assertThat(f.getDouble("newLeads.expectedRevenue")).isEqualTo(8.33);
        assertThat(f.getInt("newLeads.leadsInWindow")).isEqualTo(6);
        assertThat(f.getInt("model.closedSpells")).isEqualTo(4);
        assertThat(f.getInt("model.values.AMOUNT")).isEqualTo(1);
        assertThat(f.getInt("model.values.OVERALL_AVERAGE")).isEqualTo(1);
        assertThat(f.getString("model.estimator")).contains("Aalen-Johansen");
        assertThat(f.getDouble("p10")).isLessThanOrEqualTo(f.getDouble("p50"));
        assertThat(f.getDouble("p50")).isLessThanOrEqualTo(f.getDouble("p90"));

        JsonPath grouped = forecast(100, "3", "groupBy", "segment");
        assertThat(grouped.getDouble("groups.find { it.key == 'x' }.expectedRevenue")).isCloseTo(281.25 + 1.39,
                within(0.011));

        JsonPath leads = given().queryParam("asOf", at(100)).queryParam("horizonDays", "3")
                .get("/api/forecast/leads").then().statusCode(200).extract().jsonPath();
        assertThat(leads.getList("leads.leadId")).containsExactly("c", "e");
        assertThat(leads.getDouble("leads[0].winProbability")).isEqualTo(0.5);
        assertThat(leads.getDouble("leads[1].winProbability")).isEqualTo(0.375);
        assertThat(leads.getString("leads[1].valueSource")).isEqualTo("OVERALL_AVERAGE");
    }

    @Test
    void aPastForecastComesOutTheSameWhateverHappenedAfterIt() {
        scenario.publishAndAwait(Scenario.base());
        String before = given().queryParam("asOf", at(100)).queryParam("horizonDays", "30")
                .queryParam("groupBy", "segment").get("/api/forecast").then().statusCode(200).extract().asString();

        // c wins, e changes segment, new leads come and go, and an old lead's event is recorded late: all after asOf
        scenario.publishAndAwait(List.of(event("c", "CLOSED_WON", 104, null, null),
                event("e", "OPPORTUNITY", 101, "4000", "y"), event("h", "OPPORTUNITY", 105, "2000", "x"),
                event("h", "CLOSED_WON", 115, null, "x"), event("b", "OPPORTUNITY", 130, null, null),
                event("late", "SQL", 100.5, null, null)));
        String after = given().queryParam("asOf", at(100)).queryParam("horizonDays", "30")
                .queryParam("groupBy", "segment").get("/api/forecast").then().statusCode(200).extract().asString();
        assertThat(after).isEqualTo(before);

        // an event that happened before asOf, even if it arrives now, does change it
        scenario.publishAndAwait(List.of(event("z", "OPPORTUNITY", 99, "5000", null)));
        String changed = given().queryParam("asOf", at(100)).queryParam("horizonDays", "30")
                .queryParam("groupBy", "segment").get("/api/forecast").then().statusCode(200).extract().asString();
        assertThat(changed).isNotEqualTo(before);
    }

    /**
     * d (won 900 on day 35) is corrected to 1500 on day 60: a forecast as of before the correction comes out as it
     * did, to the cent; the KPIs of the close's period, and a forecast as of after it, see 1500 (average deal
     * (600 + 1500) / 2 = 1050).
     */
    @Test
    void aWonDealsValueCorrectedAfterTheCloseCountsFromTheCorrectionOn() {
        scenario.publishAndAwait(Scenario.base());
        String before = given().queryParam("asOf", at(50)).queryParam("horizonDays", "30")
                .get("/api/forecast").then().statusCode(200).extract().asString();
        String laterBefore = given().queryParam("asOf", at(100)).queryParam("horizonDays", "30")
                .get("/api/forecast").then().statusCode(200).extract().asString();
        given().queryParam("from", at(0)).queryParam("to", at(100)).get("/api/forecast/kpis").then()
                .body("averageDealSize", equalTo(750.0f));

        scenario.publishDetailsAndAwait(List.of(Scenario.details("d", 60, "1500", null)));
        given().queryParam("from", at(0)).queryParam("to", at(100)).get("/api/forecast/kpis").then()
                .statusCode(200).body("averageDealSize", equalTo(1050.0f)).body("won", equalTo(2))
                .body("winRate", equalTo(0.666667f));
        assertThat(given().queryParam("asOf", at(50)).queryParam("horizonDays", "30").get("/api/forecast").then()
                .statusCode(200).extract().asString()).isEqualTo(before);
        assertThat(given().queryParam("asOf", at(100)).queryParam("horizonDays", "30").get("/api/forecast").then()
                .statusCode(200).extract().asString()).isNotEqualTo(laterBefore);
        // an open deal's value changed before asOf is its value then
        scenario.publishDetailsAndAwait(List.of(Scenario.details("c", 99, "3000", "zoe")));
        JsonPath f = forecast(100, "30");
        assertThat(f.getDouble("byStage.find { it.stage == 'OPPORTUNITY' }.pipelineValue")).isEqualTo(3000.0);
    }

    @Test
    void amountsInSeveralCurrenciesAreNeverAddedUp() {
        scenario.publishAndAwait(scenario.with(Scenario.base(), event("eur", "OPPORTUNITY", 99, "5000", "EUR", null)));
        given().queryParam("asOf", at(100)).get("/api/forecast").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("currency"));
        JsonPath usd = forecast(100, "3", "currency", "USD");
        assertThat(usd.getInt("model.excludedOtherCurrency")).isEqualTo(1);
        assertThat(usd.getDouble("byStage.find { it.stage == 'OPPORTUNITY' }.expectedRevenue")).isEqualTo(781.25);
        // the lead still counts as an arrival at the top of the funnel (7 in 90 days), valued at the USD average
        assertThat(usd.getDouble("newLeads.expectedRevenue")).isEqualTo(9.72);
    }

    @Test
    void everyParameterIsValidatedAndNamed() {
        String[][] bad = {
                {"horizonDays", "abc"}, {"horizonDays", "0"}, {"horizonDays", "99999"}, {"asOf", "yesterday"},
                {"groupBy", "color"}, {"currency", "usd"}, {"simulations", "5"}, {"seed", "x"}};
        for (String[] p : bad) {
            given().queryParam(p[0], p[1]).get("/api/forecast").then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo(p[0]));
        }
        given().queryParam("limit", "0").get("/api/forecast/leads").then().statusCode(400)
                .body("field", equalTo("limit"));
    }
}
