package dev.l2r.events;

import java.time.Instant;
import java.util.List;

/**
 * An API key as every service must know it, published by lead-service on topic {@value #TOPIC} (compacted, keyed
 * by {@code keyId}) when a key is made and again when it is revoked. It carries the key's SHA-256 hash, never the
 * key: a service that reads the topic can check a presented key but cannot recover one.
 *
 * @param scopes  {@code read}, {@code write}, {@code admin}
 * @param sources the {@code source} values the key may write; empty means any source it may write at all
 * @param revokedAt set once the key is revoked; a revoked key opens nothing
 */
public record ApiKeyChanged(int schemaVersion, String keyId, String name, List<String> scopes, List<String> sources,
                            String keyHash, Instant createdAt, Instant revokedAt) {

    public static final String TOPIC = "api-keys";
    public static final int SCHEMA_VERSION = 1;
    public static final String SCHEMA_RESOURCE = "/schema/api-key-changed-v1.schema.json";

    public ApiKeyChanged {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
