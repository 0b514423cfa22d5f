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
             "attributes":{"channel":"paid_search","segment":"smb"},
             "history":[
              {"eventId":"5d1b8f0a-2f44-4c1e-8b7e-0c9a1d2e3f40","toStage":"MQL","kind":"ADVANCE",
               "occurredAt":"2025-03-01T10:15:30Z","recordedAt":"2025-03-01T10:15:31.020Z","source":"api",
               "sourceEventId":"crm-7781","attributes":{"channel":"paid_search","segment":"smb"}},
              {"eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","fromStage":"MQL","toStage":"OPPORTUNITY",
               "kind":"SKIP","skippedStages":["SAL","SQL"],"occurredAt":"2025-03-09T16:00:00Z",
               "recordedAt":"2025-03-09T16:00:02.114Z","source":"api","sourceEventId":"crm-7782",
               "amount":12500,"currency":"EUR"}]}""";

    static final String NOT_FOUND = """
            {"type":"https://l2r.dev/problems/404","title":"Not found","status":404,"detail":"no lead lead-43","errors":[]}""";
}
