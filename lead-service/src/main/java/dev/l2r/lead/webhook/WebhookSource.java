package dev.l2r.lead.webhook;

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
}
