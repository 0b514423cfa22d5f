package dev.l2r.lead.funnel.api;

/** Examples for the OpenAPI document of the funnel definition endpoints. */
final class FunnelApiExamples {

    private FunnelApiExamples() {
    }

    static final String VERSION = """
            {"version":2,"changedAt":"2025-03-01T09:00:00Z",
             "stages":[{"key":"KNOWN","terminal":false,"outcome":"OPEN"},
                       {"key":"MQL","description":"reached the lead-score threshold","trigger":"score >= 100",
                        "terminal":false,"outcome":"OPEN"},
                       {"key":"SQL","terminal":false,"outcome":"OPEN"},
                       {"key":"OPPORTUNITY","terminal":false,"outcome":"OPEN"},
                       {"key":"CLOSED_WON","terminal":true,"outcome":"WON"},
                       {"key":"CLOSED_LOST","terminal":true,"outcome":"LOST"}],
             "mappings":[{"source":"hubspot","field":"lifecyclestage","value":"marketingqualifiedlead","stage":"MQL"},
                         {"source":"hubspot","field":"lifecyclestage","value":"customer","stage":"CLOSED_WON"}]}""";

    static final String BODY = """
            {"stages":[{"key":"KNOWN","terminal":false,"outcome":"OPEN"},
                       {"key":"MQL","terminal":false,"outcome":"OPEN"},
                       {"key":"SQL","terminal":false,"outcome":"OPEN"},
                       {"key":"OPPORTUNITY","terminal":false,"outcome":"OPEN"},
                       {"key":"CLOSED_WON","terminal":true,"outcome":"WON"},
                       {"key":"CLOSED_LOST","terminal":true,"outcome":"LOST"}],
             "mappings":[{"source":"hubspot","field":"lifecyclestage","value":"marketingqualifiedlead","stage":"MQL"}]}""";

    static final String VERSIONS = """
            [{"version":1,"changedAt":"2025-01-10T08:00:00Z","stages":10,"mappings":42},
             {"version":2,"changedAt":"2025-03-01T09:00:00Z","stages":6,"mappings":2}]""";

    static final String INVALID = """
            {"type":"https://l2r.dev/problems/400","title":"Invalid input","status":400,
             "detail":"stages[1].key: duplicate stage MQL","field":"stages[1].key",
             "errors":[{"field":"stages[1].key","message":"duplicate stage MQL"}]}""";
}
