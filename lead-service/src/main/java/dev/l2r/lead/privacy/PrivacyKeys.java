package dev.l2r.lead.privacy;

import dev.l2r.platform.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * The keyed hashes under {@code L2R_IDENTITY_KEY} (property {@code l2r.identity.key}, which the identity registry
 * owns and documents). Without the key nothing can be erased: an erasure that kept its dedup keys unkeyed would
 * keep something a guessed id could be checked against.
 */
@ApplicationScoped
public class PrivacyKeys {

    @ConfigProperty(name = "l2r.identity.key")
    Optional<String> key;

    private KeyedHashes hashes;

    @PostConstruct
    void init() {
        hashes = key.filter(k -> !k.isBlank()).map(KeyedHashes::new).orElse(null);
    }

    /** Whether a key is set (without one, nothing was ever erased). */
    public boolean present() {
        return hashes != null;
    }

    /** The hashes, or a 503 problem naming the missing setting. */
    public KeyedHashes required() {
        if (hashes == null) {
            throw new ProblemException(503, "Service unavailable", null,
                    "L2R_IDENTITY_KEY is not set: erasure keeps keyed hashes only, and needs the key", null);
        }
        return hashes;
    }
}
