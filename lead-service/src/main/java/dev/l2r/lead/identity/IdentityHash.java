package dev.l2r.lead.identity;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The keyed hash a personal sender id is found under: HMAC-SHA256(key, source + "\0" + normalised value). Keyed,
 * so that the table alone does not let anyone test guessed addresses; the source is in it, so one address sent by
 * two senders is two identities (each sender's own record of the person).
 */
public final class IdentityHash {

    private final byte[] key;

    public IdentityHash(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an identity key is required");
        }
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] of(String source, String senderId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((source + "\0" + PersonalIds.normalise(senderId)).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
