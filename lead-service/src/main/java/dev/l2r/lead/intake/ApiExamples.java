package dev.l2r.lead.intake;

/** Examples for the OpenAPI document (/q/openapi, Swagger UI): what a client sends and gets back. */
final class ApiExamples {

    private ApiExamples() {
    }

    static final String LEAD_ID = "lead-42";

    static final String RECORDED = """
            {"eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","leadId":"lead-42","fromStage":"MQL",
             "toStage":"OPPORTUNITY","kind":"SKIP","skippedStages":["SAL","SQL"],
             "occurredAt":"2025-03-09T16:00:00Z","recordedAt":"2025-03-09T16:00:02.114Z","source":"api",
             "sourceEventId":"crm-7782","status":"recorded"}""";

    static final String DUPLICATE = """
            {"eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","leadId":"lead-42","fromStage":"MQL",
             "toStage":"OPPORTUNITY","kind":"SKIP","skippedStages":["SAL","SQL"],
             "occurredAt":"2025-03-09T16:00:00Z","recordedAt":"2025-03-09T16:00:02.114Z","source":"api",
             "sourceEventId":"crm-7782","status":"duplicate"}""";

    static final String INVALID = """
            {"type":"https://l2r.dev/problems/400","title":"Invalid input","status":400,
             "detail":"currency: is required when amount is given","field":"currency",
             "errors":[{"field":"currency","message":"is required when amount is given"}]}""";

    static final String LEAD = """
            {"leadId":"lead-42","currentStage":"OPPORTUNITY","currentSince":"2025-03-09T16:00:00Z",
             "firstSeenAt":"2025-03-01T10:15:30Z","firstTouchChannel":"paid_search","lastTouchChannel":"paid_search",
             "attributes":{"channel":"paid_search","segment":"smb","owner":"bob"},"amount":13900,"currency":"EUR",
             "history":[
              {"eventId":"5d1b8f0a-2f44-4c1e-8b7e-0c9a1d2e3f40","toStage":"MQL","kind":"ADVANCE",
               "occurredAt":"2025-03-01T10:15:30Z","recordedAt":"2025-03-01T10:15:31.020Z","source":"api",
               "sourceEventId":"crm-7781","attributes":{"channel":"paid_search","segment":"smb"}},
              {"eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","fromStage":"MQL","toStage":"OPPORTUNITY",
               "kind":"SKIP","skippedStages":["SAL","SQL"],"occurredAt":"2025-03-09T16:00:00Z",
               "recordedAt":"2025-03-09T16:00:02.114Z","source":"api","sourceEventId":"crm-7782",
               "amount":12500,"currency":"EUR"}],
             "details":[
              {"eventId":"a9d8e1f0-2b3c-4d5e-8f90-1a2b3c4d5e6f","occurredAt":"2025-03-12T09:00:00Z",
               "recordedAt":"2025-03-12T09:00:00.870Z","source":"hubspot","sourceEventId":"1200117",
               "amount":13900,"currency":"EUR","attributes":{"owner":"bob"},"deliveryId":311}]}""";

    static final String NOT_FOUND = """
            {"type":"https://l2r.dev/problems/404","title":"Not found","status":404,"detail":"no lead with this id","errors":[]}""";

    static final String BATCH = """
            [{"leadId":"lead-42","toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api",
              "sourceEventId":"crm-7781","attributes":{"channel":"paid_search","segment":"smb"}},
             {"leadId":"lead-43","toStage":"PROSPECT","occurredAt":"2025-03-02T08:00:00Z","source":"api"}]""";

    static final String BATCH_NDJSON = """
            {"leadId":"lead-42","toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api","sourceEventId":"crm-7781"}
            {"leadId":"lead-43","toStage":"PROSPECT","occurredAt":"2025-03-02T08:00:00Z","source":"api"}""";

    static final String CSV = """
            lead_id,stage,occurred_at,amount,currency,channel,source_event_id
            lead-42,MQL,2025-03-01T10:15:30Z,,,paid_search,row-1
            lead-42,OPPORTUNITY,2025-03-09,12500,EUR,,row-2
            lead-43,PROSPECT,2025-03-02,,,,row-3""";

    static final String SOURCE = "crm-export";

    static final String REPORT_BY_INDEX = """
            {"accepted":1,"recorded":1,"unchanged":0,"duplicates":0,"rejectedCount":1,
             "rejected":[{"index":1,"field":"toStage","error":"unknown stage 'PROSPECT'; the funnel's stages are [ANONYMOUS, KNOWN, ENGAGED, MQL, SAL, SQL, OPPORTUNITY, CLOSED_WON, CLOSED_LOST, NO_DECISION]"}]}""";

    static final String REPORT_BY_LINE = """
            {"accepted":2,"recorded":2,"unchanged":0,"duplicates":0,"rejectedCount":1,
             "rejected":[{"line":4,"field":"toStage","error":"unknown stage 'PROSPECT'; the funnel's stages are [ANONYMOUS, KNOWN, ENGAGED, MQL, SAL, SQL, OPPORTUNITY, CLOSED_WON, CLOSED_LOST, NO_DECISION]"}]}""";
}
