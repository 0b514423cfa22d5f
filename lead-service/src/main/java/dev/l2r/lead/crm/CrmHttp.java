package dev.l2r.lead.crm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.platform.retry.Retries;
import io.smallrye.faulttolerance.api.Guard;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * GETs of a vendor's REST API with the JDK client, through the platform's retry policy: a 429 (rate limited), a
 * 5xx or a broken connection is tried again, after the {@code Retry-After} the vendor asked for (whole seconds or an
 * HTTP date, at most {@link #MAX_WAIT}) when it asked, else after the policy's pause; any other answer than 200 is a
 * {@link Refused} with the vendor's words, the token blanked out should the vendor echo it.
 */
final class CrmHttp {

    private static final Logger LOG = Logger.getLogger(CrmHttp.class);
    /** The longest Retry-After taken as asked; a longer one is waited this long, then the request tried again. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final int MAX_ERROR = 300;

    /** An answer worth trying again (429, 5xx, no answer at all), and how long the vendor asked to wait. */
    static final class Busy extends RuntimeException {
        final Duration retryAfter;

        Busy(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }
    }

    /** An answer no retry changes (401, 403, 400...), or one that is no JSON. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** The import was told to stop (cancelled, or the service stops) while it waited. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped");
        }
    }

    private final HttpClient client;
    private final ObjectMapper mapper;
    private final String vendor;
    private final String token;
    private final Guard retried;
    private final Duration pause;
    private final Clock clock;
    /** How many requests were tried again (429 or 5xx), for the tests and the log. */
    int retries;

    CrmHttp(HttpClient client, ObjectMapper mapper, String vendor, String token, int attempts, Duration pause,
            Clock clock) {
        this.client = client;
        this.mapper = mapper;
        this.vendor = vendor;
        this.token = token;
        this.pause = pause;
        this.clock = clock;
        this.retried = Retries.attempts("reading " + vendor + " history", attempts, e -> e instanceof Busy, pause,
                this::beforeRetry);
    }

    /** The JSON a GET answers, tried again while the vendor is busy. */
    JsonNode get(URI uri, Map<String, String> headers) {
        try {
            return retried.call(() -> once(uri, headers), JsonNode.class);
        } catch (Busy e) {
            throw new Refused(0, vendor + " stayed unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode once(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET()
                .header("Accept", "application/json");
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        } catch (IOException e) {
            throw new Busy("no answer from " + uri.getHost() + " (" + e.getClass().getSimpleName() + ")", null);
        }
        limits(response);
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new Busy(vendor + " answered " + status, retryAfter(response.headers()
                    .firstValue("Retry-After").orElse(null), clock.instant()));
        }
        if (status != 200) {
            throw new Refused(status, vendor + " answered " + status + ": " + words(response.body()));
        }
        try {
            return mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new Refused(status, vendor + " answered something that is not JSON");
        }
    }

    /** Waits out what the vendor asked for beyond the policy's own pause. */
    private void beforeRetry(Throwable failure) {
        retries++;
        Duration asked = failure instanceof Busy b ? b.retryAfter : null;
        LOG.infof("%s: %s; trying again in %s", vendor, failure.getMessage(),
                asked == null ? pause : asked.compareTo(pause) > 0 ? asked : pause);
        if (asked != null && asked.compareTo(pause) > 0) {
            try {
                Thread.sleep(asked.minus(pause).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    /** The vendors' own accounts of their limits, logged for whoever tunes an import (never the request). */
    private void limits(HttpResponse<String> response) {
        var h = response.headers();
        h.firstValue("Sforce-Limit-Info").ifPresent(v -> LOG.debugf("salesforce limits: %s", v));
        h.firstValue("X-HubSpot-RateLimit-Remaining").ifPresent(v -> LOG.debugf("hubspot: %s requests left in the "
                + "%s ms window", v, h.firstValue("X-HubSpot-RateLimit-Interval-Milliseconds").orElse("?")));
        h.firstValue("x-ratelimit-remaining").ifPresent(v -> LOG.debugf("%s: %s requests left", vendor, v));
    }

    /**
     * {@code Retry-After} as RFC 9110 has it: whole seconds, or an HTTP date; null when absent or unreadable, at
     * most {@link #MAX_WAIT}, never negative.
     */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        Duration wait;
        if (v.matches("\\d{1,9}")) {
            wait = Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                wait = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
    }

    /** The start of a vendor's error body, one line, without the token. */
    private String words(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        if (token != null && !token.isEmpty()) {
            text = text.replace(token, "***");
        }
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) + "…" : text;
    }
}
