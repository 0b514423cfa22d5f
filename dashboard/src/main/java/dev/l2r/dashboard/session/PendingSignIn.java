package dev.l2r.dashboard.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * An OIDC sign-in between the redirect to the issuer and the callback: the {@code state} the callback must bring
 * back (RFC 6749 10.12), the {@code nonce} the ID token must carry (OIDC Core 3.1.2.1) and the PKCE code verifier
 * (RFC 7636) whose S256 challenge went to the issuer. Kept sealed in a short-lived cookie, never on the server.
 */
public record PendingSignIn(String state, String nonce, String verifier) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static PendingSignIn fresh() {
        return new PendingSignIn(random(), random(), random());
    }

    /** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
    public String challenge() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether the callback's state is this sign-in's, compared in constant time. */
    public boolean matches(String returnedState) {
        return returnedState != null && MessageDigest.isEqual(state.getBytes(StandardCharsets.US_ASCII),
                returnedState.getBytes(StandardCharsets.US_ASCII));
    }

    String encode() {
        return state + " " + nonce + " " + verifier;
    }

    static Optional<PendingSignIn> decode(String text) {
        String[] parts = text.split(" ", -1);
        return parts.length == 3 ? Optional.of(new PendingSignIn(parts[0], parts[1], parts[2])) : Optional.empty();
    }

    /** 32 random bytes, base64url: 43 characters, within PKCE's 43–128 unreserved characters. */
    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "PendingSignIn(…)";
    }
}
