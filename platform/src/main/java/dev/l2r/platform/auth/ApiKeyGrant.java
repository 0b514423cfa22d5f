package dev.l2r.platform.auth;

import java.util.Set;

/**
 * What one API key may do: its scopes (implied ones included) and, when not empty, the only {@code source}
 * values it may write.
 */
public record ApiKeyGrant(String id, String name, Set<Scope> scopes, Set<String> sources) {

    public ApiKeyGrant {
        scopes = Set.copyOf(Scope.granted(scopes));
        sources = Set.copyOf(sources);
    }

    /** Whether this key may write events of {@code source} (reserved sources are refused elsewhere). */
    public boolean mayWrite(String source) {
        return sources.isEmpty() || sources.contains(source);
    }
}
