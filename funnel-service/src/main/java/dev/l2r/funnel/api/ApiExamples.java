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

    static final String CONVERSION = """
            {"fromStage":"MQL","toStage":"CLOSED_WON","from":"2025-03-01T00:00:00Z","to":"2025-04-01T00:00:00Z",
             "includeSkipped":true,"filters":{},"interval":"month","groupBy":"channel",
             "overall":{"cohortSize":120,"converted":5,"rate":0.041667,
              "velocityDays":{"count":5,"mean":31.400000,"median":28.000000,"p90":55.500000}},
             "cohorts":[{"period":"2025-03","periodStart":"2025-03-01","cohortSize":120,"converted":5,"rate":0.041667}],
             "groups":[{"key":"paid_search","cohortSize":70,"converted":4,"rate":0.057143,
              "velocityDays":{"count":4,"mean":27.250000,"median":25.000000,"p90":40.000000}}]}""";

    static final String VOLUME = """
            {"stage":"CLOSED_WON","from":"2025-03-01T00:00:00Z","to":"2025-04-01T00:00:00Z","interval":"month","total":5,
             "periods":[{"period":"2025-03","periodStart":"2025-03-01","entered":5}]}""";

    static final String WIP = """
            {"asOf":"2025-04-01T00:00:00Z","filters":{},"stages":[{"stage":"MQL","leads":56,
              "ageDays":{"count":56,"mean":12.300000,"median":9.000000,"p90":30.000000},"staleAfterDays":21.000000,"stale":9}],
             "staleLeads":[{"leadId":"lead-42","stage":"MQL","since":"2025-01-10T09:00:00Z","ageDays":80.625000}]}""";

    static final String BASELINE = """
            {"asOf":"2025-04-01T00:00:00Z","months":12,
             "current":{"from":"2024-04-01T00:00:00Z","to":"2025-04-01T00:00:00Z","includeSkipped":true,"filters":{},
              "stages":[{"stage":"MQL","entered":1400,"nextStage":"SAL","reachedNext":700,"conversionToNext":0.500000,
               "reachedWon":60,"conversionToWon":0.042857,
               "velocityToNextDays":{"count":700,"mean":5.100000,"median":3.000000,"p90":12.000000}}]},
             "changes":[{"stage":"MQL","enteredChange":200,"enteredChangeRate":0.166667,"conversionToNextChange":0.020000,
              "conversionToWonChange":-0.003000,"velocityToNextMedianChangeDays":-0.500000}]}""";

    static final String CATCH_UP = """
            {"lookedAt":"2026-12-03T10:50:39Z","backlog":1010608,"retained":5340594,"share":0.1892,
             "rebuildRunning":false,"replay":true,"why":"catching up: the consumer was 1,010,608 events behind (18.9 % \
            of the 5,340,594 the topic holds); replaying the topic takes an estimated 199 s at the last rebuild's \
            26,772 events/s, applying them poll by poll 315 s at the consumer's measured 3,213 events/s",
             "consumerEventsPerSecond":3213.0,"lastRebuildEventsPerSecond":26772.0,"applyingSeconds":314.5,
             "replayingSeconds":199.5}""";

    static final String INVALID = """
            {"type":"https://l2r.dev/problems/400","title":"Invalid input","status":400,
             "detail":"from: is required (ISO-8601 date or date-time)","field":"from",
             "errors":[{"field":"from","message":"is required (ISO-8601 date or date-time)"}]}""";
}
