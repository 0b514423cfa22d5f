package dev.l2r.forecast.api;

/** Examples for the OpenAPI document (/q/openapi, Swagger UI). */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String FROM = "2025-01-01";
    static final String TO = "2025-12-31";

    static final String KPIS = """
            {"openOpportunities":18,"pipelineValue":231500.00}""";
}
