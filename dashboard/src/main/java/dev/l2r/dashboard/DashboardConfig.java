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
}
