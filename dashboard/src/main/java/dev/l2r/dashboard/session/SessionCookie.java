package dev.l2r.dashboard.session;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The signed-in session as a cookie value: the credential (an API key or an OIDC access token, {@link Credential})
 * and the moment the session ends, sealed with AES-256-GCM
 * under the dashboard's session key, so the browser holds it without being able to read or change it, and every
 * replica that has the key can open it (no server-side store, no sticky sessions). A value that does not open, or
 * whose end has passed, is no session.
 */
public final class SessionCookie {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** the longest value a browser keeps in one cookie with its name and attributes (RFC 6265 6.1: at least 4096) */
    public static final int MAX_CHARS = 3800;

    private final SecretKeySpec key;
    private final Duration lifetime;

    /** @param key 32 bytes */
    public SessionCookie(byte[] key, Duration lifetime) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the session key must be 32 bytes, it has " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.lifetime = lifetime;
    }

    public static byte[] randomKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    /** Sealed until the session lifetime has passed. */
    public String seal(Credential credential, Instant now) {
        return seal(credential, now, now.plus(lifetime));
    }

    /** Sealed until the session lifetime has passed or {@code notAfter} (a token's expiry), whichever is first. */
    public String seal(Credential credential, Instant now, Instant notAfter) {
        Instant endsAt = now.plus(lifetime).isBefore(notAfter) ? now.plus(lifetime) : notAfter;
        byte[] secret = credential.value().getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(Long.BYTES + 1 + secret.length);
        plain.putLong(endsAt.getEpochSecond()).put((byte) credential.kind().ordinal()).put(secret);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = c.doFinal(plain.array());
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    /** The credential of a session that is sealed under this key and has not ended; empty otherwise. */
    public Optional<Credential> open(String value, Instant now) {
        if (value == null || value.isEmpty() || value.length() > MAX_CHARS) {
            return Optional.empty();
        }
        try {
            byte[] all = Base64.getUrlDecoder().decode(value);
            if (all.length < NONCE_BYTES + TAG_BITS / 8 + Long.BYTES + 1) {
                return Optional.empty();
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            ByteBuffer plain = ByteBuffer.wrap(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES));
            long endsAt = plain.getLong();
            if (now.getEpochSecond() >= endsAt) {
                return Optional.empty();
            }
            int kind = plain.get();
            if (kind < 0 || kind >= Credential.Kind.values().length) {
                return Optional.empty();
            }
            byte[] secret = new byte[plain.remaining()];
            plain.get(secret);
            return Optional.of(new Credential(Credential.Kind.values()[kind], new String(secret, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | GeneralSecurityException notOurs) {
            return Optional.empty();
        }
    }
}
