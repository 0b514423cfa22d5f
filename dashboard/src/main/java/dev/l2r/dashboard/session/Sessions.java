package dev.l2r.dashboard.session;

import dev.l2r.dashboard.DashboardConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The browser's session: an encrypted, HttpOnly, SameSite=Strict cookie without Max-Age (it ends with the browser
 * session, and at the latest after the session lifetime, or the access token's expiry, sealed inside it). The API
 * key or access token never reaches the page's script or the browser's storage.
 */
@ApplicationScoped
public class Sessions {

    public static final String COOKIE = "l2r_session";

    private final SessionCookie sealer;
    private final boolean secure;

    @Inject
    public Sessions(DashboardConfig config) {
        byte[] key = config.sessionSecret().filter(s -> !s.isBlank())
                .map(s -> Base64.getDecoder().decode(s.trim())).orElseGet(SessionCookie::randomKey);
        this.sealer = new SessionCookie(key, config.sessionLifetime());
        this.secure = config.secureCookie();
    }

    /** The API key or access token of the request's session, if it has one that is valid. */
    public Optional<Credential> credential(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return c == null ? Optional.empty()
                : sealer.open(c.getValue(), Instant.now()).filter(s -> s.kind() != Credential.Kind.PENDING_SIGN_IN);
    }

    public void start(RoutingContext ctx, String apiKey) {
        ctx.response().addCookie(cookie(sealer.seal(Credential.apiKey(apiKey), Instant.now())));
    }

    /**
     * Starts a session that ends when the token does at the latest; false (and no session) when the sealed token
     * is longer than a browser keeps in a cookie.
     */
    public boolean start(RoutingContext ctx, Credential credential, Instant notAfter) {
        String sealed = sealer.seal(credential, Instant.now(), notAfter);
        if (sealed.length() > SessionCookie.MAX_CHARS) {
            return false;
        }
        ctx.response().addCookie(cookie(sealed));
        return true;
    }

    public void end(RoutingContext ctx) {
        ctx.response().addCookie(cookie("").setMaxAge(0));
    }

    /** The sealer, for the pending sign-in of {@link OidcSignIn}, whose cookie it seals under the same key. */
    SessionCookie sealer() {
        return sealer;
    }

    boolean secure() {
        return secure;
    }

    private Cookie cookie(String value) {
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }
}
