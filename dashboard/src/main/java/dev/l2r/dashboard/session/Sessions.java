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
 * session, and at the latest after the session lifetime sealed inside it). The API key never reaches the page's
 * script or the browser's storage.
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

    /** The API key of the request's session, if it has one that is valid. */
    public Optional<String> apiKey(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return c == null ? Optional.empty() : sealer.open(c.getValue(), Instant.now());
    }

    public void start(RoutingContext ctx, String apiKey) {
        ctx.response().addCookie(cookie(sealer.seal(apiKey, Instant.now())));
    }

    public void end(RoutingContext ctx) {
        ctx.response().addCookie(cookie("").setMaxAge(0));
    }

    private Cookie cookie(String value) {
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT);
    }
}
