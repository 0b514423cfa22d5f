package dev.l2r.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * How the command-line tools call the services' REST APIs: one HTTP client, the key bin/l2r passes
 * ({@code L2R_API_KEY}, the admin key it started the services with) in {@code X-API-Key}.
 */
public final class ApiClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String key;

    public ApiClient(String key) {
        this.key = key == null || key.isBlank() ? null : key.trim();
    }

    public static ApiClient fromEnvironment() {
        return new ApiClient(System.getenv("L2R_API_KEY"));
    }

    /** A request to {@code path} (with its query) of the service at {@code baseUrl}, carrying the key. */
    public HttpRequest.Builder request(String baseUrl, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + path));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return request;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An environment variable, or {@code fallback} when it is unset or blank. */
    public static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
