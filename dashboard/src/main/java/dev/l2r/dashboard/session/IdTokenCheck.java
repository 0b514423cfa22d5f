package dev.l2r.dashboard.session;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The checks of OIDC Core 3.1.3.7 on an ID token the dashboard received straight from the issuer's token endpoint:
 * its issuer is the configured one, its audience holds the client id, it has not expired, and it carries the nonce
 * of this sign-in. The signature is not checked here: the token came over the dashboard's own connection to the
 * token endpoint, which 3.1.3.7 (6) lets stand in for it; the access token that is relayed is verified, signature
 * included, by every service.
 */
public final class IdTokenCheck {

    /** What the token says about the sign-in, or why it is refused (a sentence naming the claim, no token text). */
    public record Outcome(String subject, Instant expiresAt, String refusal) {
        public boolean refused() {
            return refusal != null;
        }

        static Outcome refuse(String why) {
            return new Outcome(null, null, why);
        }
    }

    /** A clock skew allowed between the issuer and the dashboard. */
    static final long SKEW_SECONDS = 60;

    private IdTokenCheck() {
    }

    public static Outcome check(String idToken, String issuer, String clientId, String nonce, Instant now) {
        if (idToken == null) {
            return Outcome.refuse("the issuer sent no ID token");
        }
        String[] parts = idToken.split("\\.", -1);
        if (parts.length != 3) {
            return Outcome.refuse("the ID token is not a signed JWT");
        }
        JsonObject claims;
        try {
            claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
            return Outcome.refuse("the ID token's claims are not JSON");
        }
        if (!issuer.equals(text(claims, "iss"))) {
            return Outcome.refuse("the ID token is of another issuer");
        }
        Object aud = claims.getValue("aud");
        boolean audience = aud instanceof String s ? s.equals(clientId)
                : aud instanceof JsonArray a && a.contains(clientId);
        if (!audience) {
            return Outcome.refuse("the ID token is not meant for this client (aud)");
        }
        if (!(claims.getValue("exp") instanceof Number exp)) {
            return Outcome.refuse("the ID token has no expiry (exp)");
        }
        if (now.getEpochSecond() >= exp.longValue() + SKEW_SECONDS) {
            return Outcome.refuse("the ID token has expired");
        }
        String n = text(claims, "nonce");
        if (n == null || !java.security.MessageDigest.isEqual(n.getBytes(StandardCharsets.UTF_8),
                nonce.getBytes(StandardCharsets.UTF_8))) {
            return Outcome.refuse("the ID token's nonce is not this sign-in's");
        }
        String sub = text(claims, "sub");
        if (sub == null || sub.isEmpty()) {
            return Outcome.refuse("the ID token names no subject (sub)");
        }
        return new Outcome(sub, Instant.ofEpochSecond(exp.longValue()), null);
    }

    private static String text(JsonObject claims, String name) {
        return claims.getValue(name) instanceof String s ? s : null;
    }
}
