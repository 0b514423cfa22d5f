package dev.l2r.infra.test;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A local OpenID provider for tests: serves its discovery document and key set on loopback and signs tokens with
 * its RSA key, so that the services verify bearer tokens exactly as they would against a real issuer, with no
 * outside server. {@link #foreignToken} is signed by a key the issuer does not publish.
 */
public final class OidcIssuer implements AutoCloseable {

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final RsaJsonWebKey foreign;
    private final String issuer;

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
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setClaim("preferred_username", subject);
        claims.setClaim("scope", scope);
        claims.setAudience(List.of("l2r"));
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().minusSeconds(5).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setGeneratedJwtId();
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

    private String discovery() {
        return """
                {"issuer":"%1$s","jwks_uri":"%1$s/protocol/openid-connect/certs",
                 "authorization_endpoint":"%1$s/protocol/openid-connect/auth",
                 "token_endpoint":"%1$s/protocol/openid-connect/token",
                 "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
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
