package dev.l2r.funnel.api;

/** Examples for the OpenAPI document (/q/openapi, Swagger UI). */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String FROM = "2025-03-01";
    static final String TO = "2025-03-31";

    static final String FUNNEL = """
            {"from":"2025-03-01T00:00:00Z","to":"2025-04-01T00:00:00Z","stages":[
             {"stage":"ANONYMOUS","entered":0},{"stage":"KNOWN","entered":0},{"stage":"ENGAGED","entered":0},
             {"stage":"MQL","entered":120},{"stage":"SAL","entered":64},{"stage":"SQL","entered":41},
             {"stage":"OPPORTUNITY","entered":18},{"stage":"CLOSED_WON","entered":5},{"stage":"CLOSED_LOST","entered":7},
             {"stage":"NO_DECISION","entered":1}]}""";

    static final String INVALID = """
            {"type":"https://l2r.dev/problems/400","title":"Invalid input","status":400,
             "detail":"from: is required (ISO-8601 date or date-time)","field":"from",
             "errors":[{"field":"from","message":"is required (ISO-8601 date or date-time)"}]}""";
}
