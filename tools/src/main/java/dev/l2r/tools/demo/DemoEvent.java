package dev.l2r.tools.demo;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One generated stage change, shaped as an item of lead-service's {@code POST /api/transitions} (docs/api.md,
 * "Many at once"). {@code amount} is null where the stage carries none.
 */
public record DemoEvent(String leadId, String toStage, Instant occurredAt, String sourceEventId, BigDecimal amount,
                        Map<String, String> attributes) {

    /** Not a signed webhook's source (docs/security.md), so the admin key may write it through the REST API. */
    public static final String SOURCE = "demo";
    public static final String CURRENCY = "EUR";

    /** The item as lead-service takes it, fields in the contract's order. */
    public Map<String, Object> asTransition() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("leadId", leadId);
        item.put("toStage", toStage);
        item.put("occurredAt", occurredAt.toString());
        item.put("source", SOURCE);
        item.put("sourceEventId", sourceEventId);
        if (amount != null) {
            item.put("amount", amount);
            item.put("currency", CURRENCY);
        }
        item.put("attributes", attributes);
        return item;
    }
}
