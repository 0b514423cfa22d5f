package dev.l2r.infra.test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local OpenID provider for tests: serves its discovery document and key set on loopback and signs tokens with
 * its RSA key, so that the services verify bearer tokens exactly as they would against a real issuer, with no
 * outside server. {@link #foreignToken} is signed by a key the issuer does not publish.
 *
 * <p>It also runs the authorization code flow (OIDC Core 3.1) for the clients {@link #client registered} with it,
 * in the shapes Keycloak and other providers answer: the authorization endpoint signs in the {@link #signInAs
 * chosen user} at once (there is no login page) and redirects back with {@code code} and {@code state}; the token
 * endpoint exchanges a code once, for the same client and redirect URI, checking the PKCE verifier (RFC 7636) and
 * the client's secret, and answers the ID and access tokens. {@link #nextSignIn} makes the next exchange answer
 * tokens a provider must never send, to see a client refuse them.
 */
public final class OidcIssuer implements AutoCloseable {

    /** What the next code exchange answers. */
    public enum Tokens {
        GENUINE,
        /** an ID token whose issuer is another one */
        OF_ANOTHER_ISSUER,
        /** ID and access tokens that expired an hour ago */
        EXPIRED,
        /** an ID token with another nonce than the authorization request's */
        WRONG_NONCE
    }

    /** A code handed out and not yet exchanged. */
    private record Grant(String clientId, String redirectUri, String challenge, String method, String nonce,
                         String subject, String scope, Instant expires) {
    }

    /** How long a code may be exchanged after it was handed out (Keycloak's default is one minute). */
    static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final RsaJsonWebKey foreign;
    private final String issuer;
    private final Map<String, String> clients = new ConcurrentHashMap<>();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final List<String> clientAuthentications = new CopyOnWriteArrayList<>();
    private volatile String nextSubject = "alice";
    private volatile String nextScope = "l2r:read";
    private volatile Tokens nextTokens = Tokens.GENUINE;

    private OidcIssuer(HttpServer server, RsaJsonWebKey key, RsaJsonWebKey foreign) {
        this.server = server;
        this.key = key;
        this.foreign = foreign;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/l2r";
    }

    public static OidcIssuer start() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("test-" + UUID.randomUUID());
            RsaJsonWebKey foreign = RsaJwkGenerator.generateJwk(2048);
            foreign.setKeyId(key.getKeyId());
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OidcIssuer issuer = new OidcIssuer(server, key, foreign);
            server.createContext("/realms/l2r/.well-known/openid-configuration", exchange ->
                    answer(exchange, issuer.discovery()));
            server.createContext("/realms/l2r/protocol/openid-connect/certs", exchange ->
                    answer(exchange, new JsonWebKeySet(key).toJson()));
            server.createContext("/realms/l2r/protocol/openid-connect/auth", issuer::authorize);
            server.createContext("/realms/l2r/protocol/openid-connect/token", issuer::exchange);
            server.start();
            return issuer;
        } catch (JoseException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The URL a service is configured with ({@code quarkus.oidc.auth-server-url}), and the tokens' issuer. */
    public String url() {
        return issuer;
    }

    /** Registers a client of the code flow; {@code secret} null: a public client (PKCE alone). */
    public OidcIssuer client(String clientId, String secret) {
        clients.put(clientId, secret == null ? "" : secret);
        return this;
    }

    /** Who the authorization endpoint signs in from now on, and the scope their access token carries. */
    public void signInAs(String subject, String scope) {
        this.nextSubject = subject;
        this.nextScope = scope;
    }

    /** What the next code exchange answers (once; then genuine tokens again). */
    public void nextSignIn(Tokens tokens) {
        this.nextTokens = tokens;
    }

    /**
     * How each client authenticated at the token endpoint, in order: {@code client_secret_basic},
     * {@code client_secret_post} or {@code none} (OIDC Core 9).
     */
    public List<String> clientAuthentications() {
        return List.copyOf(clientAuthentications);
    }

    /** A token of this issuer carrying {@code scope} (space-separated, as OAuth 2 scopes are). */
    public String token(String subject, String scope, Duration lifetime) {
        return sign(key, issuer, subject, scope, Instant.now().plus(lifetime));
    }

    /** Signed like a genuine token, with the same key id, by a key this issuer never published. */
    public String foreignToken(String subject, String scope) {
        return sign(foreign, issuer, subject, scope, Instant.now().plus(Duration.ofMinutes(5)));
    }

    /** A genuine signature, but claiming another issuer. */
    public String tokenOfAnotherIssuer(String subject, String scope) {
        return sign(key, "http://127.0.0.1:1/realms/other", subject, scope, Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static String sign(RsaJsonWebKey with, String issuer, String subject, String scope, Instant expires) {
        JwtClaims claims = claims(issuer, subject, expires);
        claims.setClaim("scope", scope);
        claims.setAudience(List.of("l2r"));
        return sign(with, claims);
    }

    private static JwtClaims claims(String issuer, String subject, Instant expires) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setClaim("preferred_username", subject);
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().minusSeconds(5).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setGeneratedJwtId();
        return claims;
    }

    private static String sign(RsaJsonWebKey with, JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(with.getPrivateKey());
        jws.setKeyIdHeaderValue(with.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** OIDC Core 3.1.2: the authorization request, answered at once for the chosen user. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
        String clientId = q.get("client_id");
        String redirectUri = q.get("redirect_uri");
        // an unknown client or a missing redirect URI is never redirected to (RFC 6749 4.1.2.1): an error page
        if (clientId == null || !clients.containsKey(clientId) || redirectUri == null || !redirectUri.startsWith("http")) {
            text(exchange, 400, "invalid client or redirect_uri");
            return;
        }
        String state = q.get("state");
        String error = null;
        if (!"code".equals(q.get("response_type"))) {
            error = "unsupported_response_type";
        } else if (q.get("scope") == null || !List.of(q.get("scope").split(" ")).contains("openid")) {
            error = "invalid_scope";
        } else if (q.get("code_challenge") != null
                && !List.of("S256", "plain").contains(q.getOrDefault("code_challenge_method", "plain"))) {
            error = "invalid_request";
        } else if (clients.get(clientId).isEmpty() && q.get("code_challenge") == null) {
            error = "invalid_request"; // a public client must use PKCE
        }
        Map<String, String> back = new LinkedHashMap<>();
        if (error != null) {
            back.put("error", error);
        } else {
            String code = UUID.randomUUID().toString();
            grants.put(code, new Grant(clientId, redirectUri, q.get("code_challenge"),
                    q.getOrDefault("code_challenge_method", "plain"), q.get("nonce"), nextSubject, nextScope,
                    Instant.now().plus(CODE_LIFETIME)));
            back.put("code", code);
        }
        if (state != null) {
            back.put("state", state);
        }
        exchange.getResponseHeaders().add("Location", redirectUri + (redirectUri.contains("?") ? "&" : "?") + encode(back));
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** OIDC Core 3.1.3: the code exchanged, once, for an ID token and an access token. */
    private void exchange(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            oauthError(exchange, 405, "invalid_request");
            return;
        }
        Map<String, String> f = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        // the client: client_secret_basic, client_secret_post, or a public client naming itself
        String clientId = f.get("client_id");
        String secret = f.get("client_secret");
        String method = secret != null ? "client_secret_post" : "none";
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            clientId = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "";
            method = "client_secret_basic";
        }
        clientAuthentications.add(method);
        String registered = clientId == null ? null : clients.get(clientId);
        if (registered == null || !registered.equals(secret == null ? "" : secret)) {
            oauthError(exchange, 401, "invalid_client");
            return;
        }
        if (!"authorization_code".equals(f.get("grant_type"))) {
            oauthError(exchange, 400, "unsupported_grant_type");
            return;
        }
        Grant grant = f.get("code") == null ? null : grants.remove(f.get("code"));
        if (grant == null || grant.expires().isBefore(Instant.now()) || !grant.clientId().equals(clientId)
                || !grant.redirectUri().equals(f.get("redirect_uri")) || !pkce(grant, f.get("code_verifier"))) {
            oauthError(exchange, 400, "invalid_grant");
            return;
        }
        Tokens tokens = nextTokens;
        nextTokens = Tokens.GENUINE;
        Instant expires = tokens == Tokens.EXPIRED ? Instant.now().minus(Duration.ofHours(1)) : Instant.now().plus(Duration.ofMinutes(5));
        String idIssuer = tokens == Tokens.OF_ANOTHER_ISSUER ? "http://127.0.0.1:1/realms/other" : issuer;
        String nonce = tokens == Tokens.WRONG_NONCE ? "not-" + grant.nonce() : grant.nonce();
        JwtClaims id = claims(idIssuer, grant.subject(), expires);
        id.setAudience(grant.clientId());
        id.setClaim("azp", grant.clientId());
        if (nonce != null) {
            id.setClaim("nonce", nonce);
        }
        String body = """
                {"access_token":"%s","token_type":"Bearer","expires_in":%d,"id_token":"%s","scope":"%s"}"""
                .formatted(sign(key, issuer, grant.subject(), grant.scope(), expires),
                        Duration.between(Instant.now(), expires).toSeconds(), sign(key, id), "openid " + grant.scope());
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        answer(exchange, body);
    }

    /** RFC 7636 4.6: the verifier hashes to the challenge (S256) or equals it (plain); no challenge, no check. */
    private static boolean pkce(Grant grant, String verifier) {
        if (grant.challenge() == null) {
            return verifier == null;
        }
        if (verifier == null) {
            return false;
        }
        if ("plain".equals(grant.method())) {
            return grant.challenge().equals(verifier);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).equals(grant.challenge());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static String encode(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    /** RFC 6749 5.2: {@code {"error": …}} with 400, or 401 for a client that did not authenticate. */
    private static void oauthError(HttpExchange exchange, int status, String error) throws IOException {
        byte[] body = ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void text(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private String discovery() {
        return """
                {"issuer":"%1$s","jwks_uri":"%1$s/protocol/openid-connect/certs",
                 "authorization_endpoint":"%1$s/protocol/openid-connect/auth",
                 "token_endpoint":"%1$s/protocol/openid-connect/token",
                 "response_types_supported":["code"],"subject_types_supported":["public"],
                 "grant_types_supported":["authorization_code"],"code_challenge_methods_supported":["S256","plain"],
                 "token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post","none"],
                 "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer);
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
