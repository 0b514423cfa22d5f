package dev.l2r.lead.funnel;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;

/** The funnel in force, and how a stage named by a client is checked against it. */
@ApplicationScoped
public class FunnelDefinitions {

    private volatile FunnelDefinition current = FunnelDefinition.canonical();

    public FunnelDefinition current() {
        return current;
    }

    /** The canonical key for a stage a client named (case-insensitive), or a 400 naming {@code field}. */
    public String requireStage(String field, String stage) {
        String key = stage == null ? "" : stage.trim().toUpperCase(Locale.ROOT);
        if (!current.contains(key)) {
            throw ProblemException.badRequest(field, "unknown stage '" + stage + "'; the funnel's stages are "
                    + current.stages().stream().map(s -> s.key()).toList());
        }
        return key;
    }
}
