package dev.l2r.platform.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The largest request body a service takes, {@code l2r.http.max-body-size}, answered {@code 413} as a problem that
 * names the body. A declared Content-Length over it is refused before anything is read; a chunked body is counted
 * as a resource reads it ({@link #limited}). After a 413 the rest of the body is read and thrown away (up to
 * {@value #DRAIN_LIMIT} bytes, then the connection is closed), so that a sender still writing gets to read the
 * answer. Quarkus' own limit ({@code quarkus.http.limits.max-body-size}) closes the connection with an empty 413
 * instead, so a service that sets this one turns that one off. Unset: no limit from here.
 */
@ApplicationScoped
public class BodyLimit {

    static final long DRAIN_LIMIT = 256L * 1024 * 1024;

    @ConfigProperty(name = "l2r.http.max-body-size")
    Optional<MemorySize> maxBodySize;

    void install(@Observes Router router) {
        if (maxBodySize.isEmpty()) {
            return;
        }
        long limit = maxBodySize.get().asLongValue();
        router.route().order(-1000).handler(rc -> {
            HttpServerRequest request = rc.request();
            rc.addEndHandler(done -> {
                if (rc.response().getStatusCode() == 413 && !request.isEnded()) {
                    drain(request);
                }
            });
            if (declaredLength(request) > limit) {
                rc.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(json(tooLarge(limit).toProblem()));
                return;
            }
            rc.next();
        });
    }

    /** The body, failing with {@link TooLarge} once more than the limit has been read (no limit when unset). */
    public InputStream limited(InputStream body) {
        return maxBodySize.isEmpty() ? body : new Limited(body, maxBodySize.get().asLongValue());
    }

    public static ProblemException tooLarge(long limit) {
        return new ProblemException(413, "Payload too large", "body", "body: is larger than the limit of " + limit
                + " bytes", List.of(new Problem.FieldError("body", "is larger than the limit of " + limit + " bytes")));
    }

    /**
     * A body found over the limit while it was read. An {@link IOException}, so that a parser reading the stream
     * (Jackson) passes it on rather than reporting it as a bad value; answered as {@link #tooLarge}.
     */
    public static final class TooLarge extends IOException {
        private final long limit;

        public TooLarge(long limit) {
            super("the body is larger than the limit of " + limit + " bytes");
            this.limit = limit;
        }

        public ProblemException problem() {
            return tooLarge(limit);
        }
    }

    private static String json(Problem problem) {
        try {
            return new ObjectMapper().writeValueAsString(problem);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
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

        private void count(long n) throws TooLarge {
            read += n;
            if (read > limit) {
                throw new TooLarge(limit);
            }
        }
    }
}
