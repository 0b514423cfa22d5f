package dev.l2r.dashboard.relay;

import java.net.URI;

/** One of the three services the dashboard relays to: its name (named in problems) and base URL. */
public record Upstream(String name, URI baseUrl) {

    public static Upstream of(String name, String baseUrl) {
        URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException(name + ": not an http(s) URL: " + baseUrl);
        }
        return new Upstream(name, uri);
    }

    public boolean tls() {
        return "https".equals(baseUrl.getScheme());
    }

    public int port() {
        return baseUrl.getPort() > 0 ? baseUrl.getPort() : tls() ? 443 : 80;
    }

    public String host() {
        return baseUrl.getHost();
    }

    /** The base URL's path (a service behind a path prefix) followed by the request's path and query. */
    public String uri(String pathAndQuery) {
        String base = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        return base + pathAndQuery;
    }
}
