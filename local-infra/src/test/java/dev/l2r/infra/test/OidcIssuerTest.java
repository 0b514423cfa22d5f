package dev.l2r.infra.test;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stand-in issuer's code flow is as strict as a real one, so a client that skips a step fails against it:
 * a code is exchanged once, by its client with its secret, for its redirect URI, with the verifier of its challenge.
 */
class OidcIssuerTest {

    static OidcIssuer issuer;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static final String REDIRECT = "http://127.0.0.1:9/cb";
    static final String VERIFIER = "v".repeat(43);

    @BeforeAll
    static void start() {
        issuer = OidcIssuer.start().client("app", "s3cret").client("spa", null);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    static String challenge(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    static String form(Map<String, String> f) {
        return f.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static Map<String, String> query(String location) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String p : URI.create(location).getRawQuery().split("&")) {
            q.put(p.substring(0, p.indexOf('=')), URLDecoder.decode(p.substring(p.indexOf('=') + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** The authorization request; the redirect's query. */
    static Map<String, String> authorize(String client, Map<String, String> extra) throws Exception {
        Map<String, String> q = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", client,
                "redirect_uri", REDIRECT, "scope", "openid l2r:read", "state", "st-1", "nonce", "no-1",
                "code_challenge", challenge(VERIFIER), "code_challenge_method", "S256"));
        q.putAll(extra);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.url()
                + "/protocol/openid-connect/auth?" + form(q))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?");
        return query(location);
    }

    static HttpResponse<String> token(Map<String, String> f, String basic) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(issuer.url() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(f)));
        if (basic != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> exchange(String code) {
        return new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", VERIFIER));
    }

    @Test
    void aCodeIsExchangedOnceForTokensOfThisIssuer() throws Exception {
        Map<String, String> back = authorize("app", Map.of());
        assertThat(back).containsEntry("state", "st-1").containsKey("code");
        HttpResponse<String> r = token(exchange(back.get("code")), "app:s3cret");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(r.body()).contains("\"token_type\":\"Bearer\"").contains("\"id_token\":\"ey").contains("\"access_token\":\"ey");
        String idClaims = new String(Base64.getUrlDecoder().decode(r.body().split("\"id_token\":\"")[1].split("\\.")[1]),
                StandardCharsets.UTF_8);
        assertThat(idClaims).contains("\"iss\":\"" + issuer.url() + "\"").contains("\"aud\":\"app\"")
                .contains("\"nonce\":\"no-1\"").contains("\"sub\":\"alice\"");
        assertThat(issuer.clientAuthentications()).last().isEqualTo("client_secret_basic");
        // once only
        assertThat(token(exchange(back.get("code")), "app:s3cret").body()).isEqualTo("{\"error\":\"invalid_grant\"}");
    }

    @Test
    void aWrongVerifierSecretOrRedirectUriIsRefused() throws Exception {
        Map<String, String> wrongVerifier = exchange(authorize("app", Map.of()).get("code"));
        wrongVerifier.put("code_verifier", "w".repeat(43));
        assertThat(token(wrongVerifier, "app:s3cret").body()).isEqualTo("{\"error\":\"invalid_grant\"}");

        Map<String, String> noVerifier = exchange(authorize("app", Map.of()).get("code"));
        noVerifier.remove("code_verifier");
        assertThat(token(noVerifier, "app:s3cret").body()).isEqualTo("{\"error\":\"invalid_grant\"}");

        HttpResponse<String> wrongSecret = token(exchange(authorize("app", Map.of()).get("code")), "app:guess");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(wrongSecret.body()).isEqualTo("{\"error\":\"invalid_client\"}");

        Map<String, String> otherRedirect = exchange(authorize("app", Map.of()).get("code"));
        otherRedirect.put("redirect_uri", "http://127.0.0.1:9/elsewhere");
        assertThat(token(otherRedirect, "app:s3cret").body()).isEqualTo("{\"error\":\"invalid_grant\"}");
    }

    @Test
    void aPublicClientMustUsePkceAndNamesItself() throws Exception {
        HttpResponse<String> noPkce = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.url()
                + "/protocol/openid-connect/auth?" + form(Map.of("response_type", "code", "client_id", "spa",
                "redirect_uri", REDIRECT, "scope", "openid", "state", "st-2")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(query(noPkce.headers().firstValue("Location").orElseThrow()))
                .isEqualTo(Map.of("error", "invalid_request", "state", "st-2"));
        Map<String, String> f = exchange(authorize("spa", Map.of()).get("code"));
        f.put("client_id", "spa");
        assertThat(token(f, null).statusCode()).isEqualTo(200);
        assertThat(issuer.clientAuthentications()).last().isEqualTo("none");
    }
}
