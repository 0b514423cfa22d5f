package dev.l2r.lead.webhook;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** A webhook call as received: the raw body (what the sender signed) and what else signatures cover. */
public record WebhookRequest(String source, String method, String uri, Map<String, String> headers, byte[] body,
                             Instant receivedAt) {

    public WebhookRequest {
        Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.putAll(headers);
        headers = caseInsensitive;
    }

    public String header(String name) {
        return headers.get(name);
    }
}
