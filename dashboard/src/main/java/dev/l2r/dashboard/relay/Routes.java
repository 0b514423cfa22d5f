package dev.l2r.dashboard.relay;

import java.util.Optional;

/**
 * Which service answers a path under {@code /api}, as docs/api.md assigns them: funnel-service owns
 * {@code /api/funnel/**} except the funnel definition, which lead-service keeps; forecast-service
 * {@code /api/forecast/**}; lead-service the leads, intake and identity links. The admin paths
 * ({@code /api/admin/**}) exist on all three services under the same names, and webhooks are for senders, not
 * browsers: neither is relayed (docs/DECISIONS.md "The dashboard relays the read API").
 */
public record Routes(Upstream lead, Upstream funnel, Upstream forecast) {

    public Optional<Upstream> route(String path) {
        if (under(path, "/api/funnel/definition")) {
            return Optional.of(lead);
        }
        if (under(path, "/api/funnel")) {
            return Optional.of(funnel);
        }
        if (under(path, "/api/forecast")) {
            return Optional.of(forecast);
        }
        if (under(path, "/api/leads") || under(path, "/api/transitions") || under(path, "/api/imports")
                || under(path, "/api/identity")) {
            return Optional.of(lead);
        }
        return Optional.empty();
    }

    /** The prefix itself or a path below it; {@code /api/funnelx} is not under {@code /api/funnel}. */
    static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
