package dev.l2r.platform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How API keys look and how they are stored. A key is {@value #PREFIX} followed by 256 random bits in URL-safe
 * Base64; only its SHA-256 is kept. A slow password hash would add nothing here: the key is random, not chosen by
 * a person, so nobody can guess it from its hash, and every request checks one (DECISIONS.md).
 */
public final class ApiKeys {

    public static final String HEADER = "X-API-Key";
    public static final String PREFIX = "l2r_";
    /** A key given from outside (the bootstrap key) must be at least this long. */
    public static final int MIN_LENGTH = 24;
    /** Longer than any key we make; a longer header is not a key and is not hashed. */
    public static final int MAX_LENGTH = 200;

    private static final Base64.Encoder KEY_TEXT = Base64.getUrlEncoder().withoutPadding();
    private static final char[] ID_ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private ApiKeys() {
    }

    /** A new key: shown once to whoever made it, then only its hash exists. */
    public static String newKey(SecureRandom random) {
        byte[] bits = new byte[32];
        random.nextBytes(bits);
        return PREFIX + KEY_TEXT.encodeToString(bits);
    }

    /** A new key id: 12 characters without look-alikes, for lists and revocation; not secret. */
    public static String newId(SecureRandom random) {
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether a header value could be a key at all (length and printable ASCII), before hashing it. */
    public static boolean plausible(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_LENGTH) {
            return false;
        }
        return presented.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
