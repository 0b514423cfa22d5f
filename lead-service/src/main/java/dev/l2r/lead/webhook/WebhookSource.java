package dev.l2r.lead.webhook;

import dev.l2r.lead.intake.IntakeReport;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * One sender of webhooks: how it proves who it is, and how its payload reads as stage changes. Implementations
 * are beans; the resource finds them by {@link #name()}.
 */
public interface WebhookSource {

    /** The path segment and the {@code source} of what it records ({@code hubspot}...). */
    String name();

    /** Checks the sender's signature or credentials against the raw request; a 401 problem when they fail. */
    void authenticate(WebhookRequest request);

    /** Reads the payload; a body that cannot be read at all is a 400 problem, a bad item is refused on its own. */
    void read(WebhookRequest request, WebhookItems items);

    /**
     * The answer once a delivery is taken: the report as JSON. A sender that expects an acknowledgement of its own
     * (Salesforce's SOAP {@code Ack}) answers with it, or throws a problem when the delivery is not to be acknowledged.
     */
    default Response answer(IntakeReport report) {
        return Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
