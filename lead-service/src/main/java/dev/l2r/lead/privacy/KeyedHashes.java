package dev.l2r.lead.privacy;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * HMAC-SHA256 under {@code L2R_IDENTITY_KEY} of what erasure keeps: the dedup keys of an erased lead's changes and
 * the erased lead's id in the audit. Keyed, so that a table dump alone cannot confirm a guessed id (an unkeyed hash
 * of {@code hubspot:123} can be found by trying ids); each kind of value has its own prefix, so that no hash of one
 * kind ever equals one of another.
 */
public final class KeyedHashes {

    private final byte[] key;

    public KeyedHashes(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("no key");
        }
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** The key of a change that a sender may send again: its source and its source event id. */
    public byte[] delivery(String source, String sourceEventId) {
        return hmac("delivery", source, sourceEventId);
    }

    /** The erased lead, as the audit keeps it. */
    public byte[] lead(String leadId) {
        return hmac("lead", leadId);
    }

    private byte[] hmac(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    mac.update((byte) 0);
                }
                mac.update(parts[i].getBytes(StandardCharsets.UTF_8));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
