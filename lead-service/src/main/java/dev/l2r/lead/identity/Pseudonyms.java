package dev.l2r.lead.identity;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Random lead ids for personal sender ids: {@code <prefix>p-<26 lower-case base32 characters>} (130 bits written,
 * 128 of them random). Random, not derived from the person, so that once the registry row is gone nothing can
 * compute the lead id again.
 */
public final class Pseudonyms {

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    public static final int LENGTH = 26;
    private static final Pattern FORM = Pattern.compile(".*p-[a-z2-7]{" + LENGTH + "}");

    private final RandomGenerator random;

    public Pseudonyms() {
        this(new SecureRandom());
    }

    Pseudonyms(RandomGenerator random) {
        this.random = random;
    }

    /** A new lead id; {@code prefix} is the source's lead-id prefix ({@code segment:}). */
    public String next(String prefix) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + "p-" + base32(bytes);
    }

    public static boolean isPseudonym(String leadId) {
        return leadId != null && FORM.matcher(leadId).matches();
    }

    /** RFC 4648 base32 without padding, lower case: 16 bytes make 26 characters. */
    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
