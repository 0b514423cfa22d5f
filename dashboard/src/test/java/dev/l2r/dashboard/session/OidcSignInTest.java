package dev.l2r.dashboard.session;

import com.sun.net.httpserver.HttpServer;
import dev.l2r.infra.test.OidcIssuer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's own OIDC sign-in against local-infra's stand-in issuer, through a browser's steps with a client
 * that keeps cookies and follows no redirect by itself: the sign-in redirect, the issuer, the callback, the session,
 * and a relayed call reaching the service with the user's access token as its bearer. The "service" here is a
 * loopback endpoint that records what it receives (the relay is what is under test; the services' own checks of a
 * bearer are their ApiAccessTests'). The refusals start no session, and no secret reaches an answer or a log line.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcSignInTest.Stack.class, restrictToAnnotatedClass = true)
class OidcSignInTest {

    static final String CLIENT_ID = "l2r-dashboard";
    static final String CLIENT_SECRET = "client-secret-" + java.util.UUID.randomUUID();

    /** The issuer with the dashboard as its client, and a recording stand-in for the three services. */
    public static class Stack implements QuarkusTestResourceLifecycleManager {
        static OidcIssuer issuer;
        static HttpServer services;
        static final List<Map<String, String>> received = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, String> start() {
            issuer = OidcIssuer.start().client(CLIENT_ID, CLIENT_SECRET);
            try {
                services = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            services.createContext("/", exchange -> {
                Map<String, String> seen = new LinkedHashMap<>();
                seen.put("path", exchange.getRequestURI().toString());
                exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), String.join(",", v)));
                received.add(seen);
                byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            services.start();
            String url = "http://127.0.0.1:" + services.getAddress().getPort();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("l2r.dashboard.oidc.enabled", "true");
            config.put("l2r.dashboard.oidc.issuer", issuer.url());
            config.put("l2r.dashboard.oidc.client-id", CLIENT_ID);
            config.put("l2r.dashboard.oidc.client-secret", CLIENT_SECRET);
            config.put("l2r.dashboard.lead-url", url);
            config.put("l2r.dashboard.funnel-url", url);
            config.put("l2r.dashboard.forecast-url", url);
            return config;
        }

        @Override
        public void stop() {
            if (issuer != null) {
                issuer.close();
            }
            if (services != null) {
                services.stop(0);
            }
        }
    }

    @TestHTTPResource("/")
    URL dashboard;

    /** one browser: its cookies, no redirect followed unseen */
    HttpClient browser;
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final List<String> bodies = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logLines.add(r.getLoggerName() + " " + (r.getParameters() == null ? r.getMessage()
                    : java.text.MessageFormat.format(r.getMessage(), r.getParameters())) + " " + r.getThrown());
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    logLines.add(String.valueOf(p));
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void aFreshBrowser() {
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Stack.received.clear();
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void noSecretInAnyAnswerOrLogLine() {
        Logger.getLogger("").removeHandler(capture);
        for (String text : List.of(String.join("\n", bodies), String.join("\n", logLines))) {
            assertThat(text).doesNotContain(CLIENT_SECRET)
                    .doesNotContain(Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
            // no access token either: JWTs of this issuer start with the header's base64
            assertThat(text).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.eyJ");
        }
    }

    HttpResponse<String> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(r.body());
        return r;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return get(dashboard.toURI().resolve(path), headers);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static URI location(HttpResponse<?> r) {
        return r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
    }

    /** The sign-in up to the issuer's redirect back to the callback (not yet followed). */
    URI toTheCallback() throws Exception {
        HttpResponse<String> start = get("/dashboard/oidc/sign-in");
        assertThat(start.statusCode()).isEqualTo(302);
        URI atIssuer = location(start);
        assertThat(atIssuer.toString()).startsWith(Stack.issuer.url() + "/protocol/openid-connect/auth?");
        HttpResponse<String> issuer = get(atIssuer);
        assertThat(issuer.statusCode()).as(issuer.body()).isEqualTo(302);
        return location(issuer);
    }

    @Test
    void theCodeFlowStartsASessionWhoseCallsReachTheServicesWithTheUsersBearer() throws Exception {
        HttpResponse<String> methods = get("/dashboard/session/methods");
        assertThat(new JsonObject(methods.body()).getJsonObject("oidc"))
                .isEqualTo(new JsonObject().put("issuer", "127.0.0.1").put("href", "/dashboard/oidc/sign-in"));

        HttpResponse<String> start = get("/dashboard/oidc/sign-in");
        assertThat(start.statusCode()).isEqualTo(302);
        Map<String, String> asked = query(location(start));
        assertThat(asked).containsEntry("response_type", "code").containsEntry("client_id", CLIENT_ID)
                .containsEntry("redirect_uri", dashboard.toURI().resolve("/dashboard/oidc/callback").toString())
                .containsEntry("scope", "openid l2r:read").containsEntry("code_challenge_method", "S256");
        assertThat(asked.get("state")).hasSize(43);
        assertThat(asked.get("nonce")).hasSize(43).isNotEqualTo(asked.get("state"));
        assertThat(asked.get("code_challenge")).hasSize(43);
        assertThat(asked).doesNotContainKey("client_secret");
        String pending = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(pending).startsWith("l2r_oidc=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax")
                .contains("Path=/dashboard/oidc/callback").doesNotContain(asked.get("state"));

        HttpResponse<String> atIssuer = get(location(start));
        URI callback = location(atIssuer);
        assertThat(query(callback)).containsEntry("state", asked.get("state")).containsKey("code");

        HttpResponse<String> back = get(callback);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(303);
        assertThat(back.headers().firstValue("Location")).contains("/");
        assertThat(back.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith(Sessions.COOKIE + "=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict"));
        // the dashboard authenticated itself with its secret, as client_secret_basic
        assertThat(Stack.issuer.clientAuthentications()).last().isEqualTo("client_secret_basic");

        assertThat(get("/dashboard/session").statusCode()).isEqualTo(200);
        // the capture of log lines works (so the check for secrets in them after each test means something)
        assertThat(logLines).anyMatch(l -> l.contains("OIDC sign-in of alice until"));
        HttpResponse<String> relayed = get("/api/funnel?from=2026-01-01&to=2026-06-30");
        assertThat(relayed.statusCode()).isEqualTo(200);
        assertThat(relayed.body()).isEqualTo("{\"ok\":true}");
        Map<String, String> seen = Stack.received.get(Stack.received.size() - 1);
        assertThat(seen.get("path")).isEqualTo("/api/funnel?from=2026-01-01&to=2026-06-30");
        assertThat(seen).doesNotContainKey("x-api-key").doesNotContainKey("cookie");
        String bearer = seen.get("authorization");
        assertThat(bearer).startsWith("Bearer ");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(bearer.substring(7).split("\\.")[1]),
                StandardCharsets.UTF_8));
        assertThat(claims.getString("iss")).isEqualTo(Stack.issuer.url());
        assertThat(claims.getString("sub")).isEqualTo("alice");
        assertThat(claims.getString("scope")).isEqualTo("l2r:read");

        // signing out ends it: the next call is refused before it reaches a service
        HttpResponse<String> out = browser.send(HttpRequest.newBuilder(dashboard.toURI().resolve("/dashboard/session"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(out.statusCode()).isEqualTo(204);
        int calls = Stack.received.size();
        assertThat(get("/api/funnel").statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/session").statusCode()).isEqualTo(401);
        assertThat(Stack.received).hasSize(calls);
    }

    /** After a refusal: no session cookie was set, and the relay refuses with 401 without calling a service. */
    void noSession(HttpResponse<String> refusal) throws Exception {
        assertThat(refusal.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(Sessions.COOKIE + "="));
        assertThat(get("/dashboard/session").statusCode()).isEqualTo(401);
        assertThat(get("/api/funnel").statusCode()).isEqualTo(401);
        assertThat(Stack.received).isEmpty();
    }

    @Test
    void aCallbackWithAnotherStateIsRefused() throws Exception {
        URI callback = toTheCallback();
        Map<String, String> q = query(callback);
        URI forged = dashboard.toURI().resolve("/dashboard/oidc/callback?code=" + q.get("code") + "&state=" + "x".repeat(43));
        HttpResponse<String> refused = get(forged);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(refused.body()).getString("detail")).contains("state does not match");
        noSession(refused);
        // and the pending sign-in is spent: the genuine callback after it is refused too
        assertThat(get(callback).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/session").statusCode()).isEqualTo(401);
    }

    @Test
    void aCallbackWithoutTheSignInsCookieIsRefused() throws Exception {
        URI callback = toTheCallback();
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> refused = get(callback);
        assertThat(refused.statusCode()).isEqualTo(401);
        noSession(refused);
    }

    @Test
    void tokensOfAnotherIssuerExpiredOrWithAnotherNonceStartNoSession() throws Exception {
        Map<OidcIssuer.Tokens, String> cases = Map.of(OidcIssuer.Tokens.OF_ANOTHER_ISSUER, "another issuer",
                OidcIssuer.Tokens.EXPIRED, "expired", OidcIssuer.Tokens.WRONG_NONCE, "nonce");
        for (var c : cases.entrySet()) {
            aFreshBrowser();
            URI callback = toTheCallback();
            Stack.issuer.nextSignIn(c.getKey());
            HttpResponse<String> refused = get(callback);
            assertThat(refused.statusCode()).as(c.getKey().name()).isEqualTo(401);
            assertThat(new JsonObject(refused.body()).getString("detail")).as(c.getKey().name()).contains(c.getValue());
            noSession(refused);
        }
    }

    @Test
    void theIssuersRefusalIsPassedOnAsACodeOnlyAndABrowserGetsAPageBack() throws Exception {
        HttpResponse<String> start = get("/dashboard/oidc/sign-in");
        String state = query(location(start)).get("state");
        HttpResponse<String> refused = get(dashboard.toURI().resolve("/dashboard/oidc/callback?state=" + state
                + "&error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E"), "Accept", "text/html");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(refused.body()).contains("Sign-in refused").contains("(access_denied)").contains("href=\"/\"")
                .doesNotContain("<script").doesNotContain("alert");
        assertThat(refused.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("script-src 'self'"));
        noSession(refused);
    }
}
