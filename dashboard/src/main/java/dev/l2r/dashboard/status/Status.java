package dev.l2r.dashboard.status;

import dev.l2r.dashboard.DashboardConfig;
import dev.l2r.dashboard.Problems;
import dev.l2r.dashboard.relay.Upstream;
import dev.l2r.dashboard.relay.Upstreams;
import dev.l2r.dashboard.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code GET /dashboard/status} (session required): for each service whether it answers and is ready
 * ({@code /q/health/ready}, which needs no credential), and for the two consumers how fresh their projections are
 * (the freshness gauge on their management interface, when the dashboard may reach it). The freshness view and the
 * banner read it.
 */
@ApplicationScoped
public class Status {

    static final long CHECK_MILLIS = 3000;

    private final Upstreams upstreams;
    private final Sessions sessions;
    private final DashboardConfig config;

    @Inject
    public Status(Upstreams upstreams, Sessions sessions, DashboardConfig config) {
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.config = config;
    }

    void register(@Observes Router router) {
        router.get("/dashboard/status").handler(this::status);
    }

    void status(RoutingContext ctx) {
        if (sessions.credential(ctx).isEmpty()) {
            Problems.signInFirst(ctx);
            return;
        }
        Instant now = Instant.now();
        var routes = upstreams.routes();
        List<Future<JsonObject>> checks = List.of(
                check(routes.lead(), Optional.empty(), now),
                check(routes.funnel(), config.funnelManagementUrl(), now),
                check(routes.forecast(), config.forecastManagementUrl(), now));
        Future.join(checks).onComplete(all -> {
            JsonArray services = new JsonArray();
            checks.forEach(f -> services.add(f.result()));
            ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("checkedAt", now.toString()).put("services", services).encode());
        });
    }

    private Future<JsonObject> check(Upstream up, Optional<String> managementUrl, Instant now) {
        long started = System.nanoTime();
        JsonObject answer = new JsonObject().put("service", up.name());
        Future<JsonObject> health = get(up.host(), up.port(), up.tls(), up.uri("/q/health/ready"))
                .map(r -> answer.put("status", r.status() == 200 ? "UP" : "DOWN").put("httpStatus", r.status())
                        .put("millis", (System.nanoTime() - started) / 1_000_000))
                .otherwise(e -> answer.put("status", "UNREACHABLE").put("detail", up.name() + " does not answer"));
        Optional<Upstream> management = managementUrl.filter(s -> !s.isBlank()).map(u -> Upstream.of(up.name(), u));
        if (management.isEmpty()) {
            return health;
        }
        Upstream m = management.get();
        return health.compose(h -> get(m.host(), m.port(), m.tls(), m.uri("/q/metrics"))
                .map(r -> {
                    OptionalDouble fresh = r.status() == 200 ? FreshnessGauge.parse(r.body()) : OptionalDouble.empty();
                    if (fresh.isPresent()) {
                        h.put("freshnessSeconds", fresh.getAsDouble()).put("newestEventAt",
                                now.minusMillis((long) (fresh.getAsDouble() * 1000)).toString());
                    }
                    return h;
                })
                .otherwise(h));
    }

    record Answer(int status, String body) {
    }

    private Future<Answer> get(String host, int port, boolean tls, String uri) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
                .setSsl(tls).setURI(uri).setIdleTimeout(CHECK_MILLIS);
        return upstreams.client().request(options).compose(r -> r.send())
                .compose((HttpClientResponse r) -> r.body().map(b -> new Answer(r.statusCode(), b.toString())));
    }
}
