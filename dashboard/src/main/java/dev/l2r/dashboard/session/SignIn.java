package dev.l2r.dashboard.session;

import dev.l2r.dashboard.DashboardConfig;
import dev.l2r.dashboard.Problems;
import dev.l2r.dashboard.relay.Upstream;
import dev.l2r.dashboard.relay.Upstreams;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code POST /dashboard/session {"apiKey"}} signs in: the key is tried on a read endpoint of lead-service
 * ({@code GET /api/funnel/definition}); a key it refuses is refused here too, one it takes starts the session.
 * {@code GET} says whether the request has a session (401 if not), {@code DELETE} signs out (an API key's session
 * and an OIDC one alike). {@code GET /dashboard/session/methods} tells the sign-in page which ways there are.
 */
@ApplicationScoped
public class SignIn {

    static final String PATH = "/dashboard/session";
    /** a key is at most a few hundred characters; more is not a key */
    static final int MAX_BODY = 4096;

    private final Sessions sessions;
    private final Upstreams upstreams;
    private final OidcSignIn oidc;
    private final long timeoutMillis;

    @Inject
    public SignIn(Sessions sessions, Upstreams upstreams, OidcSignIn oidc, DashboardConfig config) {
        this.sessions = sessions;
        this.oidc = oidc;
        this.upstreams = upstreams;
        this.timeoutMillis = config.timeout().toMillis();
    }

    void register(@Observes Router router) {
        router.post(PATH).handler(BodyHandler.create().setBodyLimit(MAX_BODY)).handler(this::signIn);
        router.get(PATH).handler(this::current);
        router.delete(PATH).handler(this::signOut);
        router.get(PATH + "/methods").handler(this::methods);
    }

    /** Public: the API key always; OIDC with the issuer's host and where to start, when it is on. */
    void methods(RoutingContext ctx) {
        JsonObject body = new JsonObject().put("apiKey", true);
        if (oidc.enabled()) {
            body.put("oidc", new JsonObject().put("issuer", oidc.issuerName()).put("href", OidcSignIn.SIGN_IN));
        }
        json(ctx, 200, body);
    }

    void current(RoutingContext ctx) {
        if (sessions.credential(ctx).isEmpty()) {
            Problems.signInFirst(ctx);
            return;
        }
        json(ctx, 200, new JsonObject().put("signedIn", true));
    }

    void signOut(RoutingContext ctx) {
        sessions.end(ctx);
        ctx.response().setStatusCode(204).end();
    }

    void signIn(RoutingContext ctx) {
        // JSON only: a cross-site form cannot send it without a CORS preflight, which is never granted
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            Problems.send(ctx, Problems.problem(415, "Unsupported Media Type", "send {\"apiKey\": \"…\"} as application/json"));
            return;
        }
        String key;
        try {
            JsonObject body = ctx.body().asJsonObject();
            key = body == null ? null : body.getValue("apiKey") instanceof String s ? s.trim() : null;
        } catch (DecodeException | ClassCastException e) {
            key = null;
        }
        if (key == null || key.isEmpty() || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            Problems.send(ctx, Problems.problem(400, "Bad Request", "apiKey is missing or not a key").put("field", "apiKey"));
            return;
        }
        String apiKey = key;
        Upstream lead = upstreams.routes().lead();
        RequestOptions check = new RequestOptions().setMethod(HttpMethod.GET).setHost(lead.host())
                .setPort(lead.port()).setSsl(lead.tls()).setURI(lead.uri("/api/funnel/definition"))
                .setIdleTimeout(timeoutMillis).putHeader("X-API-Key", apiKey).putHeader("Accept", "application/json");
        upstreams.client().request(check).compose(r -> r.send()).onComplete(done -> {
            if (done.failed()) {
                Problems.send(ctx, Problems.unavailable(503, lead.name(), "does not answer: cannot check the key"));
                return;
            }
            int status = done.result().statusCode();
            done.result().body(); // drained so the connection goes back to the pool
            if (status == 200) {
                sessions.start(ctx, apiKey);
                json(ctx, 200, new JsonObject().put("signedIn", true));
            } else if (status == 401) {
                Problems.send(ctx, Problems.problem(401, "Unauthorized", "the key was refused").put("field", "apiKey"));
            } else if (status == 403) {
                Problems.send(ctx, Problems.problem(403, "Forbidden", "the key may not read").put("field", "apiKey"));
            } else {
                Problems.send(ctx, Problems.unavailable(503, lead.name(), "answered " + status + ": cannot check the key"));
            }
        });
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body.encode());
    }
}
