package dev.l2r.dashboard.session;

import dev.l2r.dashboard.DashboardConfig;
import dev.l2r.dashboard.Problems;
import dev.l2r.dashboard.relay.Upstreams;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The dashboard's own OIDC sign-in, the authorization code flow with PKCE (OIDC Core 3.1, RFC 7636) against the
 * issuer the services trust. {@code GET /dashboard/oidc/sign-in} sends the browser to the issuer with a fresh state,
 * nonce and S256 challenge, kept sealed in the {@code l2r_oidc} cookie; {@code GET /dashboard/oidc/callback} checks
 * the state, exchanges the code (with the verifier, and the client secret when there is one) at the token endpoint,
 * checks the ID token ({@link IdTokenCheck}) and starts the session with the access token, which the relay then
 * sends as {@code Authorization: Bearer}. Both answer 404 while the sign-in is off.
 */
@ApplicationScoped
public class OidcSignIn {

    static final String SIGN_IN = "/dashboard/oidc/sign-in";
    static final String CALLBACK = "/dashboard/oidc/callback";
    static final String PENDING_COOKIE = "l2r_oidc";
    /** how long the browser has at the issuer before the pending sign-in ends */
    static final Duration PENDING = Duration.ofMinutes(10);
    private static final Logger LOG = Logger.getLogger(OidcSignIn.class);

    private final Sessions sessions;
    private final Upstreams upstreams;
    private final DashboardConfig.Oidc config;
    private final long timeoutMillis;
    private final String issuer;
    /** the issuer's discovery document, read once it is first needed (a failed read is tried again next time) */
    private Future<JsonObject> discovery;

    @Inject
    public OidcSignIn(Sessions sessions, Upstreams upstreams, DashboardConfig config) {
        this.sessions = sessions;
        this.upstreams = upstreams;
        this.config = config.oidc();
        this.timeoutMillis = config.timeout().toMillis();
        String url = this.config.issuer().map(String::trim).orElse("");
        this.issuer = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (this.config.enabled() && this.issuer.isEmpty()) {
            throw new IllegalStateException("L2R_DASHBOARD_OIDC_ENABLED=true needs L2R_OIDC_AUTH_SERVER_URL, the issuer");
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The issuer's host, as the sign-in page names it ("Sign in with …"). */
    public String issuerName() {
        return URI.create(issuer).getHost();
    }

    void register(@Observes Router router) {
        router.get(SIGN_IN).handler(this::signIn);
        router.get(CALLBACK).handler(this::callback);
    }

    void signIn(RoutingContext ctx) {
        if (!enabled()) {
            Problems.send(ctx, Problems.problem(404, "Not Found", "OIDC sign-in is not enabled on this dashboard"));
            return;
        }
        discovery().onComplete(found -> {
            if (found.failed()) {
                refuse(ctx, Problems.unavailable(503, "the OIDC issuer", "does not answer: cannot sign in"));
                return;
            }
            PendingSignIn pending = PendingSignIn.fresh();
            Map<String, String> query = new LinkedHashMap<>();
            query.put("response_type", "code");
            query.put("client_id", config.clientId());
            query.put("redirect_uri", redirectUri(ctx));
            query.put("scope", config.scopes());
            query.put("state", pending.state());
            query.put("nonce", pending.nonce());
            query.put("code_challenge", pending.challenge());
            query.put("code_challenge_method", "S256");
            String endpoint = found.result().getString("authorization_endpoint");
            String sealed = sessions.sealer().seal(new Credential(Credential.Kind.PENDING_SIGN_IN, pending.encode()),
                    Instant.now(), Instant.now().plus(PENDING));
            // Lax, not Strict: the callback is a top-level navigation coming from the issuer's site
            ctx.response().addCookie(Cookie.cookie(PENDING_COOKIE, sealed).setPath(CALLBACK).setHttpOnly(true)
                    .setSecure(sessions.secure()).setSameSite(CookieSameSite.LAX).setMaxAge(PENDING.toSeconds()));
            ctx.response().setStatusCode(302).putHeader("Cache-Control", "no-store")
                    .putHeader("Location", endpoint + (endpoint.contains("?") ? "&" : "?") + form(query)).end();
        });
    }

    void callback(RoutingContext ctx) {
        if (!enabled()) {
            Problems.send(ctx, Problems.problem(404, "Not Found", "OIDC sign-in is not enabled on this dashboard"));
            return;
        }
        Cookie cookie = ctx.request().getCookie(PENDING_COOKIE);
        ctx.response().addCookie(Cookie.cookie(PENDING_COOKIE, "").setPath(CALLBACK).setHttpOnly(true)
                .setSecure(sessions.secure()).setSameSite(CookieSameSite.LAX).setMaxAge(0));
        Optional<PendingSignIn> pending = Optional.ofNullable(cookie)
                .flatMap(c -> sessions.sealer().open(c.getValue(), Instant.now()))
                .filter(c -> c.kind() == Credential.Kind.PENDING_SIGN_IN)
                .flatMap(c -> PendingSignIn.decode(c.value()));
        String state = ctx.request().getParam("state");
        if (pending.isEmpty() || !pending.get().matches(state)) {
            refuse(ctx, Problems.problem(401, "Unauthorized",
                    "this sign-in's state does not match the one the dashboard sent (or it took over 10 minutes): sign in again"));
            return;
        }
        String error = ctx.request().getParam("error");
        if (error != null) {
            refuse(ctx, Problems.problem(401, "Unauthorized", "the issuer refused the sign-in (" + code(error) + ")"));
            return;
        }
        String code = ctx.request().getParam("code");
        if (code == null || code.isEmpty()) {
            refuse(ctx, Problems.problem(400, "Bad Request", "the issuer sent no code").put("field", "code"));
            return;
        }
        PendingSignIn p = pending.get();
        discovery().compose(d -> exchange(d.getString("token_endpoint"), code, p, redirectUri(ctx))).onComplete(done -> {
            if (done.failed()) {
                LOG.warnf("OIDC sign-in: the token endpoint of %s does not answer (%s)", issuer,
                        done.cause().getClass().getSimpleName());
                refuse(ctx, Problems.unavailable(503, "the OIDC issuer", "does not answer: cannot sign in"));
                return;
            }
            Exchanged answer = done.result();
            if (answer.status() != 200 || answer.body() == null) {
                String why = answer.body() == null ? "" : " (" + code(String.valueOf(answer.body().getValue("error"))) + ")";
                refuse(ctx, Problems.problem(401, "Unauthorized", "the issuer did not exchange the code" + why));
                return;
            }
            finish(ctx, answer.body(), p);
        });
    }

    private void finish(RoutingContext ctx, JsonObject tokens, PendingSignIn pending) {
        Instant now = Instant.now();
        IdTokenCheck.Outcome id = IdTokenCheck.check(text(tokens, "id_token"), issuer, config.clientId(),
                pending.nonce(), now);
        if (id.refused()) {
            refuse(ctx, Problems.problem(401, "Unauthorized", "sign-in refused: " + id.refusal()));
            return;
        }
        String access = text(tokens, "access_token");
        if (access == null || access.isEmpty() || !"bearer".equalsIgnoreCase(text(tokens, "token_type"))) {
            refuse(ctx, Problems.problem(401, "Unauthorized", "sign-in refused: the issuer sent no bearer access token"));
            return;
        }
        // the session ends with the access token (expires_in, RFC 6749 5.1), or with the ID token when that is absent
        Instant until = tokens.getValue("expires_in") instanceof Number n ? now.plusSeconds(n.longValue()) : id.expiresAt();
        if (!until.isAfter(now)) {
            refuse(ctx, Problems.problem(401, "Unauthorized", "sign-in refused: the access token has expired"));
            return;
        }
        if (!sessions.start(ctx, Credential.bearer(access), until)) {
            refuse(ctx, Problems.problem(502, "Bad Gateway", "the issuer's access token is longer ("
                    + access.length() + " characters) than the session cookie can hold"));
            return;
        }
        LOG.infof("OIDC sign-in of %s until %s", id.subject(), until);
        ctx.response().setStatusCode(303).putHeader("Location", "/").putHeader("Cache-Control", "no-store").end();
    }

    private record Exchanged(int status, JsonObject body) {
    }

    /** OIDC Core 3.1.3.1: the code, the verifier and the client's credentials (client_secret_basic) for the tokens. */
    private Future<Exchanged> exchange(String tokenEndpoint, String code, PendingSignIn pending, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", pending.verifier());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(tokenEndpoint)
                .setIdleTimeout(timeoutMillis).putHeader("Content-Type", "application/x-www-form-urlencoded")
                .putHeader("Accept", "application/json");
        Optional<String> secret = config.clientSecret().filter(s -> !s.isBlank());
        if (secret.isPresent()) {
            // RFC 6749 2.3.1: both parts form-encoded before the Basic encoding
            String pair = enc(config.clientId()) + ":" + enc(secret.get());
            options.putHeader("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", config.clientId());
        }
        return upstreams.client().request(options).compose(r -> r.send(Buffer.buffer(form(form))))
                .compose(r -> r.body().map(b -> new Exchanged(r.statusCode(), json(b))));
    }

    private synchronized Future<JsonObject> discovery() {
        if (discovery == null || discovery.failed()) {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setIdleTimeout(timeoutMillis)
                    .setAbsoluteURI(issuer + "/.well-known/openid-configuration").putHeader("Accept", "application/json");
            discovery = upstreams.client().request(options).compose(r -> r.send())
                    .compose(r -> r.body().map(b -> r.statusCode() == 200 ? json(b) : null))
                    .compose(d -> {
                        // OpenID Connect Discovery 4.3: the document's issuer is exactly the one asked
                        if (d == null || !issuer.equals(d.getValue("issuer"))
                                || !(d.getValue("authorization_endpoint") instanceof String)
                                || !(d.getValue("token_endpoint") instanceof String)) {
                            LOG.warnf("OIDC sign-in: %s has no usable discovery document", issuer);
                            return Future.failedFuture("no usable discovery document");
                        }
                        return Future.succeededFuture(d);
                    });
        }
        return discovery;
    }

    private String redirectUri(RoutingContext ctx) {
        return config.redirectUri().filter(s -> !s.isBlank()).orElseGet(() -> {
            URI self = URI.create(ctx.request().absoluteURI());
            return self.getScheme() + "://" + self.getRawAuthority() + CALLBACK;
        });
    }

    /**
     * A refusal: a problem for a script, and for the browser that arrives here by navigation the same words on a
     * small page with the way back to sign-in (the page's own text only, nothing from the request).
     */
    private static void refuse(RoutingContext ctx, JsonObject problem) {
        String accept = ctx.request().getHeader("Accept");
        if (accept == null || !accept.contains("text/html")) {
            Problems.send(ctx, problem);
            return;
        }
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Sign-in refused · L2R</title>
                <link rel="stylesheet" href="/css/dashboard.css"></head>
                <body><main id="main"><section class="sign-in"><h1>Sign-in refused</h1>
                <p id="refusal">%s</p><p><a href="/">Back to sign-in</a></p></section></main></body></html>
                """.formatted(escape(problem.getString("detail")));
        ctx.response().setStatusCode(problem.getInteger("status")).putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(html);
    }

    /** An OAuth error code (RFC 6749 4.1.2.1: %x20-21 / %x23-5B / %x5D-7E), cut to letters and underscores. */
    static String code(String error) {
        String c = error == null ? "" : error.replaceAll("[^A-Za-z0-9_]", "");
        return c.length() > 40 ? c.substring(0, 40) : c;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static JsonObject json(Buffer b) {
        try {
            return b.toJsonObject();
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static String text(JsonObject o, String name) {
        return o.getValue(name) instanceof String s ? s : null;
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
