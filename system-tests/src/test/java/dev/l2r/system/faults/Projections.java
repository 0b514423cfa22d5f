package dev.l2r.system.faults;

import io.restassured.path.json.JsonPath;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * What the two projections answer for one channel and month, read as a user reads them: GET /api/funnel (leads that
 * entered MQL, OPPORTUNITY and CLOSED_WON) and GET /api/forecast/kpis grouped by channel (wins and their revenue,
 * opportunities open at the month's end and their value).
 */
record Projections(Ledger.Funnel funnel, Ledger.Forecast forecast) {

    static Projections read(String funnelUrl, String forecastUrl, String channel, YearMonth month) {
        JsonPath f = given().baseUri(funnelUrl).queryParam("from", month.atDay(1).toString())
                .queryParam("to", month.atEndOfMonth().toString()).queryParam("channel", channel)
                .get("/api/funnel").then().statusCode(200).extract().jsonPath();
        Ledger.Funnel funnel = new Ledger.Funnel(entered(f, "MQL"), entered(f, "OPPORTUNITY"), entered(f, "CLOSED_WON"));
        JsonPath k = given().baseUri(forecastUrl).queryParam("from", month.atDay(1).toString())
                .queryParam("to", month.atEndOfMonth().toString()).queryParam("groupBy", "channel")
                .queryParam("currency", "USD").get("/api/forecast/kpis").then().statusCode(200).extract().jsonPath();
        Map<String, Object> group = k.getMap("groups.find { it.key == '" + channel + "' }");
        Ledger.Forecast forecast = group == null ? new Ledger.Forecast(0, BigDecimal.ZERO, 0, BigDecimal.ZERO)
                : new Ledger.Forecast(((Number) group.get("won")).intValue(), money(group.get("wonRevenue")),
                ((Number) group.get("openOpportunities")).intValue(), money(group.get("pipelineValue")));
        return new Projections(funnel, forecast);
    }

    private static int entered(JsonPath funnel, String stage) {
        Integer n = funnel.get("stages.find { it.stage == '" + stage + "' }.entered");
        return n == null ? 0 : n;
    }

    private static BigDecimal money(Object value) {
        return value == null ? BigDecimal.ZERO : new BigDecimal(value.toString()).stripTrailingZeros();
    }

    /** Exactly these figures (amounts compared as numbers). */
    boolean matches(Ledger.Funnel f, Ledger.Forecast k) {
        return funnel.equals(f) && forecast.won() == k.won() && forecast.openOpportunities() == k.openOpportunities()
                && forecast.wonRevenue().compareTo(k.wonRevenue()) == 0
                && forecast.pipelineValue().compareTo(k.pipelineValue()) == 0;
    }

    /** At least these counts: every event they count is in. */
    boolean covers(Ledger.Funnel f, Ledger.Forecast k) {
        return funnel.mql() >= f.mql() && funnel.opportunity() >= f.opportunity() && funnel.won() >= f.won()
                && forecast.won() >= k.won() && forecast.openOpportunities() >= k.openOpportunities();
    }

    /** Accepted events the funnel does not count (MQL, OPPORTUNITY and CLOSED_WON entries missing). */
    int funnelLost(Ledger.Funnel expected) {
        return Math.max(0, expected.mql() - funnel.mql()) + Math.max(0, expected.opportunity() - funnel.opportunity())
                + Math.max(0, expected.won() - funnel.won());
    }

    int funnelTwice(Ledger.Funnel expected) {
        return Math.max(0, funnel.mql() - expected.mql()) + Math.max(0, funnel.opportunity() - expected.opportunity())
                + Math.max(0, funnel.won() - expected.won());
    }

    /** Accepted deals the forecast does not count (wins and open opportunities missing). */
    int forecastLost(Ledger.Forecast expected) {
        return Math.max(0, expected.won() - forecast.won())
                + Math.max(0, expected.openOpportunities() - forecast.openOpportunities());
    }

    int forecastTwice(Ledger.Forecast expected) {
        return Math.max(0, forecast.won() - expected.won())
                + Math.max(0, forecast.openOpportunities() - expected.openOpportunities());
    }
}
