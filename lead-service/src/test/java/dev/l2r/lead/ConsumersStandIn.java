package dev.l2r.lead;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for funnel-service's and forecast-service's {@code GET /api/admin/leads/{leadId}/personal-data}, in the
 * shape the design fixes ({@code {"service", "leadId", "holds": {...}}}; 404 when a service holds nothing). Used only
 * because lead-service's tests run without the consumers; the system test (PersonalDataErasureIT) asks the real
 * services. The test decides every answer and sees every request (its path and credential headers).
 */
public class ConsumersStandIn implements QuarkusTestResourceLifecycleManager {

    /** One request: which service was asked, the path as sent, and its headers. */
    public record Seen(String service, String rawPath, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An answer: status and JSON body. */
    public record Answer(int status, String body) {
    }

    public static volatile Function<Seen, Answer> responder = ConsumersStandIn::holdsNothing;
    public static final List<Seen> seen = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    public static Answer holdsNothing(Seen request) {
        return new Answer(404, "{\"type\":\"https://l2r.dev/problems/404\",\"title\":\"Not found\",\"status\":404}");
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/funnel", e -> handle("funnel-service", e));
        server.createContext("/forecast", e -> handle("forecast-service", e));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("l2r.privacy.funnel-url", base + "/funnel", "l2r.privacy.forecast-url", base + "/forecast");
    }

    private static void handle(String service, HttpExchange exchange) throws IOException {
        String prefix = service.equals("funnel-service") ? "/funnel" : "/forecast";
        Seen request = new Seen(service, exchange.getRequestURI().getRawPath().substring(prefix.length()),
                Map.copyOf(exchange.getRequestHeaders()));
        seen.add(request);
        Answer answer;
        try {
            answer = responder.apply(request);
        } catch (RuntimeException e) {
            answer = new Answer(500, "{}");
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.status() == 200 ? "application/json"
                : "application/problem+json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
