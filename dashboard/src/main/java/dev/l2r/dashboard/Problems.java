package dev.l2r.dashboard;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The dashboard's own refusals and failures, as RFC 7807 problems shaped like the services' (platform Problem). */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static JsonObject problem(int status, String title, String detail) {
        return new JsonObject().put("type", "https://l2r.dev/problems/" + status).put("title", title)
                .put("status", status).put("detail", detail);
    }

    public static void send(RoutingContext ctx, JsonObject problem) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        ctx.response().setStatusCode(problem.getInteger("status")).putHeader("Content-Type", MEDIA_TYPE)
                .putHeader("Cache-Control", "no-store").end(problem.encode());
    }

    /** No session and no bearer token: the browser is asked to sign in (no WWW-Authenticate: no browser dialog). */
    public static void signInFirst(RoutingContext ctx) {
        send(ctx, problem(401, "Unauthorized", "sign in to the dashboard first (POST /dashboard/session)"));
    }

    /** A service that could not be reached or did not answer in time, named so the page can say which. */
    public static JsonObject unavailable(int status, String service, String why) {
        return problem(status, status == 504 ? "Gateway Timeout" : "Service Unavailable", service + " " + why)
                .put("service", service);
    }
}
