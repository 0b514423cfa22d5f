package dev.l2r.infra.test;

import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Calls every operation a service's OpenAPI document lists without a credential, with a wrong one and with every
 * credential too weak for it, and checks each answer: 401 with {@code WWW-Authenticate} and a problem body, or
 * 403 with a problem body. Credentials strong enough are tried on GETs only (a POST with an admin key would start
 * a rebuild) and must not be refused. The rule saying which scope an operation needs is the caller's, written
 * from the scope table of docs/security.md, so that the service's own annotations are checked against it, not against themselves.
 */
public final class EndpointAccess {

    /** What an operation needs: nothing from us (a webhook signs its deliveries), or one of the scopes. */
    public enum Need { NONE, READ, WRITE, ADMIN }

    /** What was tried and what disagreed with the rule. */
    public record Report(int operations, int anonymous, int wrongKey, int underScoped, int allowed,
                         List<String> mismatches) {
        public int requests() {
            return anonymous + wrongKey + underScoped + allowed;
        }

        @Override
        public String toString() {
            return operations + " operations: " + anonymous + " without a credential, " + wrongKey
                    + " with a wrong key, " + underScoped + " with too weak a key, " + allowed
                    + " GETs with a strong enough key; " + mismatches.size() + " answered otherwise";
        }
    }

    /**
     * The scopes as docs/security.md states them: webhooks sign for themselves; everything under /api/admin, the funnel
     * definition's and the targets' changes, a lead's personal data and its erasure need admin; other GETs and the plan (a question, asked with a body)
     * read; every other POST is intake and writes.
     */
    public static Need readmeRule(String method, String path) {
        if (path.startsWith("/api/webhooks/")) {
            return Need.NONE;
        }
        if (path.startsWith("/api/admin/") || path.equals("/api/admin")) {
            return Need.ADMIN;
        }
        // a person's data: read whole, or erased (docs/privacy.md)
        if (path.startsWith("/api/leads/") && (method.equals("DELETE") || path.endsWith("/personal-data"))) {
            return Need.ADMIN;
        }
        if (method.equals("GET") || path.equals("/api/forecast/plan")) {
            return Need.READ;
        }
        if (path.equals("/api/funnel/definition") || path.equals("/api/forecast/targets")) {
            return Need.ADMIN;
        }
        return Need.WRITE;
    }

    /** Wrong credentials tried on each operation, drawn by {@link #wrongCredential}. */
    public static final int WRONG_PER_OPERATION = 12;

    /**
     * A credential that must not open anything: a random key, the admin key with one character changed, cut short
     * or lengthened, in another case, padded; a bearer token that is not one; Basic credentials.
     */
    public static Map<String, String> wrongCredential(Random random, String validKey) {
        String printable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=";
        return switch (random.nextInt(9)) {
            case 0 -> Map.of("X-API-Key", "l2r_" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
            case 1 -> {
                int at = random.nextInt(validKey.length());
                char c = validKey.charAt(at);
                char other = printable.charAt(random.nextInt(printable.length()));
                yield Map.of("X-API-Key", validKey.substring(0, at) + (other == c ? (char) (c ^ 1) : other)
                        + validKey.substring(at + 1));
            }
            case 2 -> Map.of("X-API-Key", validKey.substring(0, 1 + random.nextInt(validKey.length() - 1)));
            case 3 -> Map.of("X-API-Key", validKey + printable.charAt(random.nextInt(printable.length())));
            case 4 -> Map.of("X-API-Key", validKey.toUpperCase().equals(validKey) ? validKey.toLowerCase()
                    : validKey.toUpperCase());
            case 5 -> Map.of("X-API-Key", "x".repeat(1 + random.nextInt(4000)));
            case 6 -> Map.of("Authorization", "Bearer " + Long.toHexString(random.nextLong()) + "."
                    + Long.toHexString(random.nextLong()) + "." + Long.toHexString(random.nextLong()));
            case 7 -> Map.of("Authorization", "Bearer " + validKey);
            default -> Map.of("X-API-Key", "' OR '1'='1", "Authorization", "Basic YWRtaW46YWRtaW4=");
        };
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EndpointAccess() {
    }

    /**
     * @param root     the service's base URI
     * @param adminKey a key that may read the OpenAPI document
     * @param keys     a key per scope name ({@code read}, {@code write}, {@code admin})
     * @param rule     the scope an operation (method, path template) needs
     */
    public static Report check(URI root, String adminKey, Map<String, String> keys,
                               BiFunction<String, String, Need> rule) throws IOException, InterruptedException {
        HttpResponse<String> doc = send(root, "GET", "/q/openapi?format=json", Map.of("X-API-Key", adminKey));
        Map<String, Map<String, Object>> paths = JsonPath.from(doc.body()).getMap("paths");
        Random random = new Random(7);
        int operations = 0;
        int anonymous = 0;
        int wrong = 0;
        int under = 0;
        int allowed = 0;
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Map.Entry<String, Object> operation : path.getValue().entrySet()) {
                String verb = operation.getKey().toUpperCase();
                if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(verb)) {
                    continue;
                }
                operations++;
                String concrete = path.getKey().replaceAll("\\{[^}]+}", "1");
                // the media type the operation takes, so that a refusal cannot hide behind a 415
                String type = mediaType(operation.getValue());
                Need need = rule.apply(verb, path.getKey());
                String at = verb + " " + path.getKey();
                if (need == Need.NONE) {
                    HttpResponse<String> r = send(root, verb, concrete, with(type, Map.of()));
                    anonymous++;
                    if (r.statusCode() == 403) {
                        mismatches.add(at + " without credential: 403, but it needs none from us");
                    }
                    continue;
                }
                anonymous++;
                expect401(at + " without credential", send(root, verb, concrete, with(type, Map.of())), mismatches);
                for (int i = 0; i < WRONG_PER_OPERATION; i++) {
                    wrong++;
                    Map<String, String> forged = wrongCredential(random, adminKey);
                    expect401(at + " with " + forged, send(root, verb, concrete, with(type, forged)), mismatches);
                }
                for (Map.Entry<String, String> key : keys.entrySet()) {
                    boolean enough = enough(Need.valueOf(key.getKey().toUpperCase()), need);
                    if (!enough) {
                        under++;
                        HttpResponse<String> r = send(root, verb, concrete, with(type, Map.of("X-API-Key", key.getValue())));
                        if (r.statusCode() != 403 || !isProblem(r)) {
                            mismatches.add(at + " with a " + key.getKey() + " key: " + r.statusCode()
                                    + ", expected a 403 problem");
                        }
                    } else if (verb.equals("GET")) {
                        allowed++;
                        HttpResponse<String> r = send(root, verb, concrete, with(type, Map.of("X-API-Key", key.getValue())));
                        if (r.statusCode() == 401 || r.statusCode() == 403) {
                            mismatches.add(at + " with a " + key.getKey() + " key: refused " + r.statusCode());
                        }
                    }
                }
            }
        }
        return new Report(operations, anonymous, wrong, under, allowed, mismatches);
    }

    /** Whether a key of scope {@code held} opens an operation needing {@code need} (admin reads and writes too). */
    public static boolean enough(Need held, Need need) {
        return need == Need.NONE || held == need || held == Need.ADMIN;
    }

    @SuppressWarnings("unchecked")
    private static String mediaType(Object operation) {
        if (operation instanceof Map<?, ?> op && op.get("requestBody") instanceof Map<?, ?> body
                && body.get("content") instanceof Map<?, ?> content && !content.isEmpty()) {
            return (String) content.keySet().iterator().next();
        }
        return null;
    }

    private static Map<String, String> with(String type, Map<String, String> headers) {
        if (type == null) {
            return headers;
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", type);
        return all;
    }

    private static void expect401(String what, HttpResponse<String> r, List<String> mismatches) {
        if (r.statusCode() != 401 || !isProblem(r) || r.headers().firstValue("WWW-Authenticate").isEmpty()) {
            mismatches.add(what + ": " + r.statusCode() + ", expected a 401 problem with WWW-Authenticate");
        }
    }

    private static boolean isProblem(HttpResponse<String> r) {
        return r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                && r.body().contains("\"status\":" + r.statusCode());
    }

    public static HttpResponse<String> send(URI root, String method, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
        Map<String, String> all = new LinkedHashMap<>(headers);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            all.putIfAbsent("Content-Type", "application/json");
            body = HttpRequest.BodyPublishers.ofString("{}");
        }
        all.forEach(request::header);
        return HTTP.send(request.method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }
}
