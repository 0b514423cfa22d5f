package dev.l2r.platform.ops;

import io.micrometer.core.instrument.Tags;
import io.quarkus.micrometer.runtime.HttpServerMetricsTagsContributor;
import jakarta.inject.Singleton;

import java.util.regex.Pattern;

/**
 * Tags every {@code http.server.requests} timer with {@value #TAG}: the sender of a webhook call
 * ({@code /api/webhooks/{source}}), so that webhook latency reads per source, and {@value #NONE} for every other
 * route. The value is bounded: a path segment that is not a plain word, or a call answered 404 (an unknown
 * source), counts as {@value #UNKNOWN}, so a scanner cannot grow the metric without limit.
 */
@Singleton
public class WebhookSourceTag implements HttpServerMetricsTagsContributor {

    public static final String TAG = "webhook.source";
    static final String NONE = "none";
    static final String UNKNOWN = "unknown";

    private static final String PREFIX = "/api/webhooks/";
    private static final Pattern PLAIN_WORD = Pattern.compile("[a-z0-9-]{1,32}");

    static String sourceOf(String path, int status) {
        if (path == null || !path.startsWith(PREFIX)) {
            return NONE;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String source = slash < 0 ? rest : rest.substring(0, slash);
        return status == 404 || !PLAIN_WORD.matcher(source).matches() ? UNKNOWN : source;
    }

    @Override
    public Tags contribute(Context context) {
        int status = context.response() == null ? 0 : context.response().statusCode();
        return Tags.of(TAG, sourceOf(context.request().path(), status));
    }
}
