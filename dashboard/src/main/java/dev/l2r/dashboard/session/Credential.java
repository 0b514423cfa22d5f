package dev.l2r.dashboard.session;

/**
 * What a session relays to the services: an API key (sent as {@code X-API-Key}) or the access token of an OIDC
 * sign-in (sent as {@code Authorization: Bearer}). {@link #toString} never shows the value.
 */
public record Credential(Kind kind, String value) {

    public enum Kind {
        API_KEY, BEARER,
        /** not a credential: a pending OIDC sign-in's state, nonce and PKCE verifier ({@link OidcSignIn}) */
        PENDING_SIGN_IN
    }

    public static Credential apiKey(String key) {
        return new Credential(Kind.API_KEY, key);
    }

    public static Credential bearer(String accessToken) {
        return new Credential(Kind.BEARER, accessToken);
    }

    @Override
    public String toString() {
        return kind + "(…)";
    }
}
