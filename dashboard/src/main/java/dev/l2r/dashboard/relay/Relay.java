package dev.l2r.dashboard.relay;

import dev.l2r.dashboard.DashboardConfig;
import dev.l2r.dashboard.Problems;
import dev.l2r.dashboard.session.Credential;
import dev.l2r.dashboard.session.Sessions;
import io.netty.handler.timeout.TimeoutException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Relays {@code /api/**} to the service that owns the path ({@link Routes}), with the session's API key as
 * {@code X-API-Key} or its OIDC access token as {@code Authorization: Bearer} (or the browser's own bearer token,
 * from an authenticating proxy), streaming both bodies and passing the status, headers and
 * problem bodies through unchanged. A service that cannot be reached is a 503 problem naming it; one that stops
 * sending for the timeout a 504.
 */
@ApplicationScoped
public class Relay {

    /** Hop-by-hop headers (RFC 9110 7.6.1) and what the dashboard itself decides: never passed on. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "cookie", "x-api-key",
            "set-cookie", "content-length");

    private final Upstreams upstreams;
    private final Sessions sessions;
    private final long timeoutMillis;

    @Inject
    public Relay(Upstreams upstreams, Sessions sessions, DashboardConfig config) {
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.timeoutMillis = config.timeout().toMillis();
    }

    void register(@Observes Router router) {
        router.route("/api/*").order(-1).handler(this::relay);
        router.route("/api").order(-1).handler(this::relay);
    }

    void relay(RoutingContext ctx) {
        HttpServerRequest in = ctx.request();
        Optional<Upstream> target = upstreams.routes().route(in.path());
        if (target.isEmpty()) {
            Problems.send(ctx, Problems.problem(404, "Not Found",
                    "the dashboard relays the funnel, forecast and lead paths only; " + in.path() + " is not one"));
            return;
        }
        Optional<Credential> session = sessions.credential(ctx);
        String bearer = in.getHeader("Authorization");
        if (session.isEmpty() && (bearer == null || !bearer.regionMatches(true, 0, "Bearer ", 0, 7))) {
            Problems.signInFirst(ctx);
            return;
        }
        Upstream up = target.get();
        in.pause();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copy(in.headers(), headers);
        session.ifPresent(c -> {
            if (c.kind() == Credential.Kind.API_KEY) {
                headers.set("X-API-Key", c.value()).remove("Authorization");
            } else {
                headers.set("Authorization", "Bearer " + c.value());
            }
        });
        String length = in.getHeader("Content-Length");
        if (length != null) {
            headers.set("Content-Length", length);
        }
        RequestOptions options = new RequestOptions().setMethod(in.method()).setHost(up.host()).setPort(up.port())
                .setSsl(up.tls()).setURI(up.uri(in.uri())).setIdleTimeout(timeoutMillis).setHeaders(headers);
        upstreams.client().request(options)
                .compose(out -> out.send(in))
                .onSuccess(answer -> answer(ctx, answer))
                .onFailure(failure -> failed(ctx, up, failure));
    }

    private void answer(RoutingContext ctx, HttpClientResponse answer) {
        HttpServerResponse out = ctx.response().setStatusCode(answer.statusCode());
        if (answer.statusMessage() != null) {
            out.setStatusMessage(answer.statusMessage());
        }
        copy(answer.headers(), out.headers());
        String length = answer.getHeader("Content-Length");
        if (length != null) {
            out.putHeader("Content-Length", length);
        } else {
            out.setChunked(true);
        }
        answer.pipeTo(out);
    }

    private void failed(RoutingContext ctx, Upstream up, Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        boolean timedOut = failure instanceof TimeoutException || cause instanceof TimeoutException
                || String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
        boolean unreachable = cause instanceof ConnectException || cause instanceof UnknownHostException
                || failure instanceof ConnectException;
        if (timedOut) {
            Problems.send(ctx, Problems.unavailable(504, up.name(), "did not answer within " + timeoutMillis + " ms"));
        } else if (unreachable) {
            Problems.send(ctx, Problems.unavailable(503, up.name(), "does not answer (no connection)"));
        } else {
            Problems.send(ctx, Problems.unavailable(502, up.name(), "broke off the answer"));
        }
    }

    private static void copy(MultiMap from, MultiMap to) {
        from.forEach(h -> {
            if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                to.add(h.getKey(), h.getValue());
            }
        });
    }
}
