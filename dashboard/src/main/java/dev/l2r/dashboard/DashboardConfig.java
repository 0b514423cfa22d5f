package dev.l2r.dashboard;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The dashboard's settings (application.properties, docs/configuration.md). */
@ConfigMapping(prefix = "l2r.dashboard")
public interface DashboardConfig {

    String leadUrl();

    String funnelUrl();

    String forecastUrl();

    /** The consumers' management interfaces, where their projection freshness gauge is read; empty: not read. */
    Optional<String> funnelManagementUrl();

    Optional<String> forecastManagementUrl();

    Duration connectTimeout();

    /** How long a relayed request may wait for the service's next bytes. */
    Duration timeout();

    /** Base64 of 32 bytes sealing the session cookie; empty: a random key per start (sessions end on restart). */
    Optional<String> sessionSecret();

    Duration sessionLifetime();

    /** Secure cookie (HTTPS only): true behind a TLS Ingress; false for http://localhost. */
    @WithDefault("false")
    boolean secureCookie();

    /** The dashboard's own OIDC sign-in (authorization code with PKCE), beside the API key. */
    Oidc oidc();

    interface Oidc {

        /** Off by default: then only the API key signs in. */
        @WithDefault("false")
        boolean enabled();

        /** The issuer the services trust (their {@code quarkus.oidc.auth-server-url}). */
        Optional<String> issuer();

        String clientId();

        /** Empty: a public client, PKCE alone. Never logged, never in an answer. */
        Optional<String> clientSecret();

        /** Space-separated; must include {@code openid} and the scope the services map to {@code read}. */
        String scopes();

        /** The callback URL registered at the issuer; empty: this request's own origin + the callback path. */
        Optional<String> redirectUri();
    }
}
