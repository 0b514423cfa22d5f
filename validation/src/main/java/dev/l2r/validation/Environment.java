package dev.l2r.validation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Where the running services, a scratch database and the datasets are, from the environment that
 * {@code bin/l2r validate} sets: L2R_FUNNEL_URL, L2R_FORECAST_URL, L2R_SCRATCH_JDBC_URL (+ _USER, _PASSWORD),
 * L2R_DATASETS, and L2R_API_KEY (a key with the read scope).
 */
public record Environment(String funnelUrl, String forecastUrl, String jdbcUrl, String jdbcUser, String jdbcPassword,
                          Path datasets, String apiKey) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static Environment fromSystem() {
        return new Environment(
                env("L2R_FUNNEL_URL", "http://localhost:8082"),
                env("L2R_FORECAST_URL", "http://localhost:8083"),
                env("L2R_SCRATCH_JDBC_URL", "jdbc:postgresql://localhost:5432/l2r_funnel"),
                env("L2R_SCRATCH_JDBC_USER", "postgres"),
                env("L2R_SCRATCH_JDBC_PASSWORD", "postgres"),
                Path.of(env("L2R_DATASETS", "../shared/datasets")),
                env("L2R_API_KEY", ""));
    }

    /** A connection for scratch tables (temporary: they vanish with the connection). */
    public Connection scratch() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
    }

    public JsonNode getFunnel(String pathAndQuery) throws IOException, InterruptedException {
        return get(funnelUrl, pathAndQuery);
    }

    public JsonNode getForecast(String pathAndQuery) throws IOException, InterruptedException {
        return get(forecastUrl, pathAndQuery);
    }

    private JsonNode get(String baseUrl, String pathAndQuery) throws IOException, InterruptedException {
        // a backtest over a large history takes a while
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(300)).header("Accept", "application/json");
        if (!apiKey.isBlank()) {
            request.header("X-API-Key", apiKey.trim());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
