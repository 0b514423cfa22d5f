package dev.l2r.forecast.api;

/** Examples for the OpenAPI document (/q/openapi, Swagger UI), shaped like real answers on the Maven CRM data. */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String FROM = "2025-01-01";
    static final String TO = "2025-12-31";
    static final String AS_OF = "2025-11-15";
    static final String HORIZON_DAYS = "30";
    static final String GROUP_BY = "owner";
    static final String CURRENCY = "USD";
    static final String SIMULATIONS = "2000";
    static final String SEED = "20250301";
    static final String INTERVAL = "month";
    static final String STAGE = "OPPORTUNITY";
    static final String LIMIT = "20";

    static final String KPIS = """
            {"from":"2025-01-01T00:00:00Z","to":"2026-01-01T00:00:00Z","currency":"USD","winRate":0.631501,
             "averageDealSize":2360.91,"salesCycleDays":51.782,"openOpportunities":1589,"pipelineValue":231500.00,
             "opportunitiesWithoutAmount":1402,"opportunitiesInOtherCurrencies":0,"salesVelocityPerDay":45750.76,
             "won":4238,"lost":2473,"noDecision":0,"wonRevenue":10005534.00,"wonWithoutAmount":0,
             "wonInOtherCurrencies":0}""";

    static final String FORECAST = """
            {"asOf":"2025-11-15T00:00:00Z","horizonDays":30.0,"currency":"USD","expectedRevenue":993071.60,
             "p10":774269.04,"p50":967234.36,"p90":1399510.75,"expectedWonDeals":433.2408,
             "byStage":[{"stage":"OPPORTUNITY","openLeads":2388,"pipelineValue":0.00,"expectedRevenue":747387.33,
               "expectedWonDeals":333.1,"p10":690112.20,"p90":805031.75,"meanWinProbability":0.139,
               "levels":{"SEGMENT":2310,"ALL_SEGMENTS":78}}],
             "newLeads":{"windowDays":90.0,"leadsInWindow":2048,"perDay":22.7556,"expectedLeads":682.67,
               "expectedWonDeals":100.4042,"expectedRevenue":245684.27},
             "model":{"estimator":"Aalen-Johansen cumulative incidence of CLOSED_WON per stage ...",
               "trainedSpells":7711,"closedSpells":6122,"wonDealsForValues":3857,
               "levels":{"SEGMENT":2310,"ALL_SEGMENTS":78},"thinTail":10,"values":{"SEGMENT_AVERAGE":2388},
               "excludedOtherCurrency":0,"minClosedPerCell":30,"minAtRiskPerCell":10,"minWonPerSegment":5,
               "simulations":2000,"seed":20250301,"interval":"P10/P50/P90 of simulated won revenue ...",
               "intervalCalibrationRatios":[0.7394,0.708,0.6516,0.7664,0.9335,1.1087,1.2123,1.0922]},
             "target":{"from":"2025-10-01T00:00:00Z","to":"2026-01-01T00:00:00Z","target":3000000,"currency":"USD",
               "attainmentSoFar":1248325.00,"expectedAttainment":2690406.88,"expectedAttainmentP10":2495847.39,
               "expectedAttainmentP90":2882621.37,"gap":309593.12,"probabilityToReach":0.0135}}""";

    static final String LEADS = """
            {"asOf":"2025-11-15T00:00:00Z","horizonDays":30.0,"leads":[{"leadId":"0FJUPX5M","stage":"OPPORTUNITY",
             "stageSince":"2025-10-29T00:00:00Z","ageDays":17.0,"winProbability":0.311402,"level":"SEGMENT",
             "thinTail":false,"value":5489.88,"valueSource":"SEGMENT_AVERAGE","expectedRevenue":1709.57,
             "group":null}]}""";

    static final String BACKTEST = """
            {"from":"2025-04-01T00:00:00Z","to":"2026-01-01T00:00:00Z","interval":"month","currency":"USD",
             "periods":[{"period":"2025-04","start":"2025-04-01T00:00:00Z","asOf":"2025-03-31T23:59:59.999999Z",
               "horizonDays":30.0,"forecast":557666.81,"p10":506159.10,"p50":557430.00,"p90":609794.30,
               "actual":721932.00,"actualWonDeals":285,"actualWonWithoutAmount":0,"withinInterval":false,
               "runRate":1085321.00,"weightedPipeline":2454915.69,"openLeads":1330}],
             "mape":0.281263,"coverage":0.5556,"periodsScored":9,
             "baselines":[{"name":"run-rate","mape":0.397085,
               "description":"revenue won in the horizon-long window just before each period"},
               {"name":"weighted-pipeline","mape":2.262524,
               "description":"open pipeline at each period's start, ..."}]}""";

    static final String PLAN_REQUEST = """
            {"targetRevenue":3000000,"periodStart":"2025-10-01","periodEnd":"2025-12-31","asOf":"2025-11-15"}""";

    static final String PLAN = """
            {"asOf":"2025-11-15T00:00:00Z","periodStart":"2025-10-01T00:00:00Z","periodEnd":"2026-01-01T00:00:00Z",
             "currency":"USD","targetRevenue":3000000.00,"wonSoFar":1248325.00,"expectedFromPipeline":997693.75,
             "gap":753981.25,"averageDealSize":2396.87,"dealsNeeded":314.5691,
             "stages":[{"stage":"OPPORTUNITY","level":"ALL_SEGMENTS","conversionToWon":0.622638,
               "winWithinPeriod":0.219788,"medianDaysToWin":49.0,"newLeadsNeeded":1432,
               "enterBy":"2025-11-13T00:00:00Z","late":true,"reachable":true}],"notes":[]}""";

    static final String TARGETS = """
            [{"from":"2025-10-01","to":"2025-12-31","amount":3000000,"currency":"USD"},
             {"from":"2025-10-01","to":"2025-12-31","owner":"Darcel Schlecht","amount":400000,"currency":"USD"}]""";
}
