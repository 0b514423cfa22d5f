package dev.l2r.funnel.api;

/** Examples for the OpenAPI document (/q/openapi, Swagger UI). */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String FROM = "2025-03-01";
    static final String TO = "2025-03-31";

    static final String FUNNEL = """
            {"from":"2025-03-01T00:00:00Z","to":"2025-04-01T00:00:00Z","includeSkipped":true,"filters":{},"stages":[
             {"stage":"MQL","entered":120,"nextStage":"SAL","reachedNext":64,"conversionToNext":0.533333,
              "reachedWon":5,"conversionToWon":0.041667,
              "velocityToNextDays":{"count":64,"mean":4.218750,"median":2.500000,"p90":10.000000}},
             {"stage":"CLOSED_WON","entered":5,"nextStage":null,"reachedNext":null,"conversionToNext":null,
              "reachedWon":5,"conversionToWon":1.000000,
              "velocityToNextDays":{"count":0,"mean":null,"median":null,"p90":null}}]}""";

    static final String INVALID = """
            {"type":"https://l2r.dev/problems/400","title":"Invalid input","status":400,
             "detail":"from: is required (ISO-8601 date or date-time)","field":"from",
             "errors":[{"field":"from","message":"is required (ISO-8601 date or date-time)"}]}""";
}
