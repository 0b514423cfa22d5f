package dev.l2r.lead.keys;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * A key as listed: never its secret. {@code key} is filled only in the answer to the request that made it, the
 * one time it can be seen.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyView(String id, String name, List<String> scopes, List<String> sources, Instant createdAt,
                      String createdBy, Instant revokedAt, String revokedBy,
                      @Schema(description = "the key; only in the answer that made it") String key) {

    KeyView withKey(String key) {
        return new KeyView(id, name, scopes, sources, createdAt, createdBy, revokedAt, revokedBy, key);
    }
}
