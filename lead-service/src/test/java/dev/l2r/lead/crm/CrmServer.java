package dev.l2r.lead.crm;

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
 * A local stand-in for the three vendors' APIs (no outside network): the test decides every answer. Its address
 * and the tokens reach lead-service as the L2R_CRM_* settings would.
 */
public class CrmServer implements QuarkusTestResourceLifecycleManager {

    static final String HUBSPOT_TOKEN = "pat-na1-test-hubspot-token-0001";
    static final String SALESFORCE_TOKEN = "00D5e000000bKzP!test-salesforce-token";
    static final String PIPEDRIVE_TOKEN = "test-pipedrive-api-token-0123456789";

    /** One request as it came: method, path with query, headers, when. */
    record Seen(String method, String uri, Map<String, List<String>> headers, long atNanos) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        static Answer json(String body) {
            return new Answer(200, Map.of(), body);
        }
    }

    static volatile Function<Seen, Answer> responder = seen -> new Answer(404, Map.of(), "{}");
    static final List<Seen> seen = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", CrmServer::handle);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("l2r.crm.hubspot.token", HUBSPOT_TOKEN, "l2r.crm.hubspot.base-url", base + "/hubspot",
                "l2r.crm.salesforce.instance-url", base + "/salesforce", "l2r.crm.salesforce.token", SALESFORCE_TOKEN,
                "l2r.crm.pipedrive.token", PIPEDRIVE_TOKEN, "l2r.crm.pipedrive.base-url", base + "/pipedrive");
    }

    private static void handle(HttpExchange exchange) throws IOException {
        Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), System.nanoTime());
        seen.add(request);
        Answer answer;
        try {
            answer = responder.apply(request);
        } catch (RuntimeException e) {
            answer = new Answer(500, Map.of(), "{\"error\":\"" + e + "\"}");
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
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
