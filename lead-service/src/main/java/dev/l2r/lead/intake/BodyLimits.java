package dev.l2r.lead.intake;

import dev.l2r.platform.problem.ProblemMappers;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Size limits of request bodies, answered 413 as a problem: {@code l2r.intake.max-body-size} (default 10 MB)
 * for every JSON body, {@code l2r.intake.import-max-size} for a CSV import, which is streamed and may be large.
 * A declared Content-Length over the limit is refused before the body is read; a chunked body is counted as it
 * is read.
 */
@ApplicationScoped
public class BodyLimits {

    static final String IMPORTS = "/api/imports";

    @ConfigProperty(name = "l2r.intake.max-body-size")
    MemorySize maxBodySize;

    @ConfigProperty(name = "l2r.intake.import-max-size")
    MemorySize importMaxSize;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseDeclaredOversize(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length == null) {
            return Optional.empty();
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String path = request.getUriInfo().getPath();
        long limit = path.startsWith(IMPORTS) ? importMaxSize.asLongValue() : maxBodySize.asLongValue();
        if (declared <= limit) {
            return Optional.empty();
        }
        return Optional.of(ProblemMappers.respond(RejectedInput.tooLarge(limit).toProblem()));
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
