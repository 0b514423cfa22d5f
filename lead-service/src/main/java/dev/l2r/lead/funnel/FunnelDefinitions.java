package dev.l2r.lead.funnel;

import dev.l2r.events.funnel.FunnelDefinition;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Optional;

/** The funnel in force, and how a stage named by a client is checked against it. */
@ApplicationScoped
public class FunnelDefinitions {

    private volatile FunnelDefinition current = FunnelDefinition.canonical();

    public FunnelDefinition current() {
        return current;
    }

    /** The funnel's key for a stage a client named (case-insensitive), if there is one. */
    public Optional<String> stageKey(String stage) {
        String key = stage == null ? "" : stage.trim().toUpperCase(Locale.ROOT);
        return current.contains(key) ? Optional.of(key) : Optional.empty();
    }
}
