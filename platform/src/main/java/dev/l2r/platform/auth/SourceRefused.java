package dev.l2r.platform.auth;

import io.quarkus.security.ForbiddenException;

/** A caller named a {@code source} it may not write: a signed webhook's, or one its key is not limited to. */
public final class SourceRefused extends ForbiddenException {

    static final String PREFIX = "source ";

    private final String field;

    public SourceRefused(String field, String message) {
        super(PREFIX + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
