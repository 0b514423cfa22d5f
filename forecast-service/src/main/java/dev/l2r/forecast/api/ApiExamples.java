package dev.l2r.forecast.api;

/** Examples for the OpenAPI document (/q/openapi, Swagger UI). */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String FROM = "2025-01-01";
    static final String TO = "2025-12-31";

    static final String KPIS = """
            {"from":"2025-01-01T00:00:00Z","to":"2026-01-01T00:00:00Z","currency":"USD","winRate":0.631501,
             "averageDealSize":2360.91,"salesCycleDays":51.782,"openOpportunities":1589,"pipelineValue":231500.00,
             "opportunitiesWithoutAmount":1402,"opportunitiesInOtherCurrencies":0,"salesVelocityPerDay":45750.76,
             "won":4238,"lost":2473,"noDecision":0,"wonRevenue":10005534.00,"wonWithoutAmount":0,
             "wonInOtherCurrencies":0}""";
}
