package dev.l2r.bench.scenario;

import dev.l2r.events.EventJson;

import java.io.UncheckedIOException;

/**
 * What started funnel-service's latest rebuild, read from {@code GET /api/admin/rebuild}: the harness reports a
 * backlog as "replayed" only when the consumer's catch-up watch started it. The watch's reasons begin with
 * {@value #CATCH_UP}; a rebuild asked for over the API, or by a definition or schema change, says otherwise.
 */
final class RebuildReason {

    /** How funnel-service's catch-up policy begins the reason of a rebuild it starts. */
    static final String CATCH_UP = "catching up: ";

    private RebuildReason() {
    }

    /** Whether the rebuild status names a replay started by the consumer to catch up. */
    static boolean startedToCatchUp(String rebuildStatus) {
        try {
            String reason = EventJson.mapper().readTree(rebuildStatus).path("reason").asText("");
            return reason.startsWith(CATCH_UP);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("not a rebuild status: " + rebuildStatus, e);
        }
    }
}
