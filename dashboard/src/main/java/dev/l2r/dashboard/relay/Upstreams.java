package dev.l2r.dashboard.relay;

import dev.l2r.dashboard.DashboardConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The three services and the one HTTP client (a connection pool per service) every call to them goes through. */
@ApplicationScoped
public class Upstreams {

    private final Routes routes;
    private final HttpClient client;

    @Inject
    public Upstreams(DashboardConfig config, Vertx vertx) {
        this.routes = new Routes(Upstream.of("lead-service", config.leadUrl()),
                Upstream.of("funnel-service", config.funnelUrl()),
                Upstream.of("forecast-service", config.forecastUrl()));
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(20).setKeepAlive(true));
    }

    public Routes routes() {
        return routes;
    }

    public HttpClient client() {
        return client;
    }
}
