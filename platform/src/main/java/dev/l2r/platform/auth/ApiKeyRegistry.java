package dev.l2r.platform.auth;

import dev.l2r.events.ApiKeyChanged;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys this service accepts, by hash: the bootstrap key given at start-up and every key made through
 * lead-service, as the {@code api-keys} topic tells. A revoked key stays revoked whatever arrives after its
 * revocation (a create delivered twice cannot bring it back).
 */
public final class ApiKeyRegistry {

    public static final String BOOTSTRAP_ID = "bootstrap";

    private final Map<String, ApiKeyGrant> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashById = new ConcurrentHashMap<>();
    private final Set<String> revokedIds = ConcurrentHashMap.newKeySet();

    /** Adds the key given at start-up as an admin key; refuses a key too short to be a secret. */
    public void addBootstrap(String key) {
        if (key == null || key.length() < ApiKeys.MIN_LENGTH || !ApiKeys.plausible(key)) {
            throw new IllegalArgumentException("the bootstrap API key must be at least " + ApiKeys.MIN_LENGTH
                    + " printable ASCII characters without spaces");
        }
        put(ApiKeys.hash(key), new ApiKeyGrant(BOOTSTRAP_ID, "bootstrap", Set.of(Scope.ADMIN), Set.of()));
    }

    /** Applies a key made or revoked; unknown scopes are ignored rather than widened. */
    public void apply(ApiKeyChanged change) {
        // the bootstrap key is configuration: nothing on the topic may replace or revoke it
        if (change == null || change.keyId() == null || change.keyHash() == null
                || BOOTSTRAP_ID.equals(change.keyId())) {
            return;
        }
        if (change.revoked()) {
            revokedIds.add(change.keyId());
            String hash = hashById.remove(change.keyId());
            if (hash != null) {
                byHash.remove(hash);
            }
            byHash.computeIfPresent(change.keyHash(), (h, grant) -> grant.id().equals(change.keyId()) ? null : grant);
            return;
        }
        ApiKeyGrant holder = byHash.get(change.keyHash());
        // a revoked id stays revoked; a key already held under another id keeps its first grant
        if (revokedIds.contains(change.keyId()) || (holder != null && !holder.id().equals(change.keyId()))) {
            return;
        }
        Set<Scope> scopes = new HashSet<>();
        change.scopes().forEach(s -> Scope.of(s).ifPresent(scopes::add));
        put(change.keyHash(), new ApiKeyGrant(change.keyId(), change.name(), scopes,
                new LinkedHashSet<>(change.sources())));
    }

    /** The grant of a presented key, if it is one this service accepts. */
    public Optional<ApiKeyGrant> find(String presented) {
        if (!ApiKeys.plausible(presented)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byHash.get(ApiKeys.hash(presented)));
    }

    /** Keys accepted now, the bootstrap key included. */
    public int size() {
        return byHash.size();
    }

    private void put(String hash, ApiKeyGrant grant) {
        String previous = hashById.put(grant.id(), hash);
        if (previous != null && !previous.equals(hash)) {
            byHash.remove(previous);
        }
        byHash.put(hash, grant);
    }
}
