package dev.l2r.lead.intake;

import dev.l2r.events.EventJson;
import dev.l2r.platform.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Size limits of request bodies, answered 413 as a problem: {@code l2r.intake.max-body-size} (default 10 MB)
 * for every other body (JSON, NDJSON, webhooks, the funnel definition), {@code l2r.intake.import-max-size} for a
 * CSV import, which is streamed and may be large. A declared Content-Length over the limit is refused before the
 * body is read; a chunked body is counted as it is read, on every endpoint: every endpoint with a body takes it
 * as a stream and reads it here ({@link #readAll}, {@link #readJson}, {@link #forImport}), since the REST layer
 * binding JSON itself would read a chunked body whole whatever its size.
 */
@ApplicationScoped
public class BodyLimits {

    static final String IMPORTS = "/api/imports";
    /** How much of an oversize body is read and discarded before the connection is closed instead. */
    static final long DRAIN_LIMIT = 256L * 1024 * 1024;

    @ConfigProperty(name = "l2r.intake.max-body-size")
    MemorySize maxBodySize;

    @ConfigProperty(name = "l2r.intake.import-max-size")
    MemorySize importMaxSize;

    @Inject
    IntakeMetrics metrics;

    /**
     * Runs before the REST layer: a declared Content-Length over the limit is answered at once, without reading
     * the body. After any 413 the rest of the body is read and thrown away (up to {@value #DRAIN_LIMIT} bytes,
     * then the connection is closed), so that a sender still writing its body gets to read the answer instead of
     * a broken connection.
     */
    void install(@Observes Router router) {
        router.route().order(-1000).handler(rc -> {
            HttpServerRequest request = rc.request();
            rc.addEndHandler(done -> {
                if (rc.response().getStatusCode() == 413 && !request.isEnded()) {
                    drain(request);
                }
            });
            String path = rc.normalizedPath();
            long limit = limitFor(path);
            if (declaredLength(request) > limit) {
                tooLarge(rc, limit);
                return;
            }
            rc.next();
        });
    }

    private void tooLarge(RoutingContext rc, long limit) {
        metrics.rejected(IntakeSources.of(rc.normalizedPath()), Reason.TOO_LARGE);
        rc.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close")
                .end(EventJson.write(RejectedInput.tooLarge(limit).toProblem()));
    }

    private static void drain(HttpServerRequest request) {
        long[] discarded = {0};
        request.handler(buffer -> {
            discarded[0] += buffer.length();
            if (discarded[0] > DRAIN_LIMIT) {
                request.connection().close();
            }
        });
        request.endHandler(v -> request.connection().close());
        request.exceptionHandler(e -> request.connection().close());
        request.resume();
    }

    long limitFor(String path) {
        return path.startsWith(IMPORTS) ? importMaxSize.asLongValue() : maxBodySize.asLongValue();
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The import body, failing with a 413 problem once more than the import limit has been read. */
    public InputStream forImport(InputStream body) {
        return new Limited(body, importMaxSize.asLongValue());
    }

    /** A whole JSON body, up to the body limit. */
    public byte[] readAll(InputStream body) throws IOException {
        try (InputStream in = new Limited(body, maxBodySize.asLongValue())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /**
     * A whole JSON body, up to the body limit, bound to {@code type}; JSON errors propagate to the problem mappers
     * (400 naming the field), an empty body or {@code null} is a 400 naming {@code body}.
     */
    public <T> T readJson(InputStream body, Class<T> type, com.fasterxml.jackson.databind.ObjectMapper mapper)
            throws IOException {
        byte[] bytes = readAll(body);
        if (bytes.length == 0) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "is required");
        }
        T value = mapper.readValue(bytes, type);
        if (value == null) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "is required");
        }
        return value;
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > limit) {
                throw RejectedInput.tooLarge(limit);
            }
        }
    }
}
